"""A follow-up in another language, read with its conversation ("und wofür?" after "Welche Daten sammelt Kimss?").

bot/language.py recognises a language from two or more of its function words, more than English ones: a
whole question, not a two-word follow-up ("und Abrechnung?", "¿para qué?", "entonces no los vendan", "löschen
Sie alles"). Read as English, such a follow-up was appended to the previous question and answered as that
question (or declined), and a deletion request in it was lost. Inside a conversation the evidence may be
shared: the message and the previous question read together, or one function word of the message's own (or a
letter English does not write: "então", "¿") when the language's gloss understands the message. A message
with no such sign of its own is never glossed: an English "how long?" after a Spanish question stays English.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from bot.conversation import Turn
from bot.gloss import Gloss, english_reading, gloss, routed_text, understood
from bot.language import (ALSO_ENGLISH, ENGLISH_FUNCTION_WORDS, FOREIGN_FUNCTION_WORDS, FUNCTION_WORDS, LANGUAGES, TEXTING,
                          detect)

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# Letters and marks of the recognised languages that English spelling does not use.
_NOT_ENGLISH = re.compile(r"[¿¡ñãõçàâäéèêëíìîïóòôöúùûüß]", re.I)


def _own_signs(text: str) -> tuple[set[str], bool]:
    """(languages with a function word in `text`, whether it has a letter or mark English does not write), or
    nothing when it has an English function word ("how long do you keep them?")."""
    words = [w.lower() for w in _WORDS.findall(text)]
    # "a", "in", "no" are words of both ("¿y a quién?", "Ook in opslag?"): they say nothing either way.
    if any(w in ENGLISH_FUNCTION_WORDS and w not in ALSO_ENGLISH for w in words):
        return set(), False
    langs = {lang for lang in LANGUAGES for w in words
             if w in FOREIGN_FUNCTION_WORDS and w in FUNCTION_WORDS[lang] and w not in TEXTING}
    return langs, bool(_NOT_ENGLISH.search(text))


def follow_up_reading(message: str, previous: str | None) -> Gloss | None:
    """The message's gloss when it is read in another language with the previous question's help, else None.
    Only for messages bot/language.py alone does not place (callers try `english_reading` first)."""
    langs, marked = _own_signs(message)
    if not langs and not marked:
        return None
    together = detect(f"{previous}\n{message}") if previous else None
    candidates = [together] if together in langs or (together and marked and not langs) else sorted(langs) or LANGUAGES
    readings = [gloss(message, lang) for lang in candidates]
    best = max(readings, key=lambda r: r.known_share)  # max keeps the first of equals
    return best if understood(best) else None


def in_english(context: Sequence[Turn] | None, lang: str) -> list[Turn] | None:
    """The context with a previous question still in `lang` read as English: a short first question bot/language.py
    did not place ("¿qué datos recogen?") stays as written in its turn, and the follow-up's rewrite needs it."""
    if not context:
        return None if context is None else list(context)
    turns = list(context)
    last = turns[-1]
    if last.question and english_reading(last.question) is None and _own_signs(last.question) != (set(), False):
        reading = gloss(last.question, lang)
        if understood(reading):
            turns[-1] = replace(last, question=reading.text_en)
    return turns


def as_asked(message: str, previous: str | None) -> tuple[str, str | None]:
    """(message, previous question) as `Assistant.ask` hands them to the follow-up detector: each read as its
    English gloss when it is in another language the gloss understands (the previous turn is kept as the English
    it was answered as). Training the detector on what it reads at run time, not on words it never sees."""
    before = routed_text(previous) if previous else previous
    reading = english_reading(message)
    if reading is None and previous:
        reading = follow_up_reading(message, previous)
    if not understood(reading):
        return message, before
    turns = in_english([Turn(before)], reading.lang) if before else None
    return reading.text_en, turns[-1].question if turns else before
