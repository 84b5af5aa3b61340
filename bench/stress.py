"""Stress variants of corpus lines, for measuring the router on what authors wrote too rarely.

    typo(text, seed)    lower case, and about one word in four of four letters or more mistyped
                        (two letters swapped, one dropped, one doubled, or a neighbouring key)
    story(text, seed)   the line after a paragraph of context that asks for nothing

Used by bench/tune_router.py: each held-out author's lines are also predicted in both variants by the
model that never saw that author, so "a deletion request after a paragraph of story" and "a typo'd
request" have figures of their own. The paragraphs are written here, not taken from
bot/understanding/data/compose.py (whose twelve contexts are in the training corpus), and are neutral:
they precede questions as often as requests, so a story alone predicts nothing.
"""

from __future__ import annotations

import random
import re

STORIES = [
    "I've been using Kimss with my study group since the spring semester and it has honestly saved us a lot of time. "
    "Last weekend my brother, who works in IT, was asking me about the tools I use.",
    "Quick background: our nonprofit signed up in March, mostly for meeting notes and grant drafts. The board meets "
    "next week and a couple of members had some points they wanted me to raise with you.",
    "My partner and I share a laptop at home and we both use the assistant for recipes, travel plans and the odd "
    "work email. We were talking about it over dinner yesterday.",
    "I work nights as a nurse, so I mostly use the app on my phone during breaks to summarise articles. A colleague "
    "showed it to me about six months ago.",
    "So I moved from Lisbon to Toronto a few months back and I've been setting up all my accounts again, new phone "
    "number, new bank, the usual mess. Kimss was one of the apps I kept.",
    "We're a five-person design studio. Everyone has a seat on the team plan and we use the agents to draft client "
    "proposals. Our office manager handles the billing side of things.",
    "I'm retired and my granddaughter set up the account for me last Christmas. I use it to write letters and look "
    "up gardening tips, and I'm still learning how it all works.",
    "For context, I teach high-school chemistry and I use the assistant to prepare quizzes. The school has not "
    "bought licences, so this is my personal account.",
]
BRIDGES = [" Anyway, ", " ", "\n\n", " My point: ", " Long story short, ", " So: "]
_NEIGHBOURS = {
    "a": "qsz", "b": "vgn", "c": "xvd", "d": "sfe", "e": "wrd", "f": "dgr", "g": "fht", "h": "gjy", "i": "uok",
    "j": "hku", "k": "jli", "l": "kop", "m": "nj", "n": "bmh", "o": "ipl", "p": "ol", "q": "wa", "r": "etf",
    "s": "adw", "t": "ryg", "u": "yij", "v": "cbf", "w": "qes", "x": "zcs", "y": "tuh", "z": "xa",
}
_LONG_WORD = re.compile(r"[a-z]{4,}")


def _mistype(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    edit = rng.randrange(4)
    if edit == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if edit == 1:
        return word[:i] + word[i + 1:]
    if edit == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(_NEIGHBOURS.get(word[i], word[i])) + word[i + 1:]


def typo(text: str, seed: int) -> str:
    rng = random.Random(seed)
    return _LONG_WORD.sub(lambda m: _mistype(m.group(), rng) if rng.random() < 0.25 else m.group(), text.lower())


def story(text: str, seed: int) -> str:
    rng = random.Random(seed)
    body = text.strip()
    bridge = rng.choice(BRIDGES)
    if bridge.strip() and body[:1].isupper() and not body[:2].isupper():
        body = body[0].lower() + body[1:]
    return rng.choice(STORIES) + bridge + body


VARIANTS = {"typo": typo, "story": story}
