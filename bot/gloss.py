"""A word-by-word English gloss of a privacy message written in Spanish, Portuguese, French, German, Italian or Dutch.

    gloss("¿Pueden borrar todos mis datos, por favor?", "es")
      -> Gloss(text_en="can you delete all my data, please?", known_share=1.0, lang="es")

The embedding model and the request router read English only. A customer who asks "what data do you
collect?" in Italian expects the policy's answer, and a German erasure request must still reach a person:
both need the message read as English first. There is no translation model on this machine, but privacy
messages use a small vocabulary, so a bilingual lexicon per language (bot/data/lexicon/<lang>.yaml, written
from general knowledge of the languages, never from a message in the repo) glosses them word by word,
longest expression first ("droit d'accès" → "right of access" before "droit", "accès"). The gloss is rough
English in the source word order ("delete you please my account"), which the embedding and the router's
word features read well enough; `known_share` says how much of the message the lexicon understood, and a
message it understood too little of goes to a person (bot/assistant.py).

Lookup of one word, in order: the language's lexicon, the shared names and acronyms (common.yaml), then the
language's inflection endings stripped (plurals, verb endings: "datos" → "dato"), then for German and Dutch a
compound split into two known words ("Kundendaten" → "customer data"). Accents are optional throughout
(keys and words are compared unaccented; German "oe" spellings as "ö"). Unknown words pass through as
written (names, English words in the message).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
LANGUAGES: tuple[str, ...] = ("es", "pt", "fr", "de", "it", "nl")
LANGUAGE_NAMES = {"es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German", "it": "Italian",
                  "nl": "Dutch"}
# Apostrophes and hyphens split words: "l'accès" → "l", "acces"; "pouvez-vous" → "pouvez", "vous".
_TOKEN = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_DROP_MARKS = str.maketrans("", "", "¿¡")
_JOINERS = set("'’-")
# Inflection endings tried, longest first, when a word is not in the lexicon as written; each replaced by the
# ending the lexicon lists ("" = the stem alone). Plurals and the commonest verb endings only.
ENDINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "es": (("es", ""), ("s", ""), ("en", "ar"), ("an", "ar"), ("a", "o"), ("as", "o")),
    "pt": (("oes", "ao"), ("es", ""), ("s", ""), ("em", "ar"), ("am", "ar"), ("a", "o"), ("as", "o")),
    "fr": (("es", "e"), ("s", ""), ("x", ""), ("e", ""), ("ez", "er"), ("ent", "er")),
    "it": (("i", "o"), ("e", "a"), ("i", "e"), ("te", "re"), ("no", "re")),
    "de": (("en", ""), ("n", ""), ("e", ""), ("s", ""), ("es", ""), ("er", ""), ("em", ""), ("t", "en")),
    "nl": (("en", ""), ("s", ""), ("e", ""), ("t", "en"), ("d", "en")),
}
COMPOUNDING = {"de": ("", "s", "n", "en", "e"), "nl": ("", "s", "en", "e")}  # linking letters of compounds
MIN_COMPOUND_PART = 3
MAX_EXPRESSION_WORDS = 8


@dataclass(frozen=True)
class Gloss:
    text_en: str
    known_share: float  # share of the message's words the lexicon understood (0..1)
    lang: str


def unaccented(word: str) -> str:
    word = word.lower().replace("ß", "ss").replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


@dataclass(frozen=True)
class Lexicon:
    entries: dict[tuple[str, ...], str]  # unaccented word tuple -> English (the first listed, on a clash)
    accented: dict[tuple[str, ...], str]  # lower-case word tuple as written -> English ("sí" yes, "si" if)
    longest: int

    def get(self, written: tuple[str, ...]) -> str | None:
        found = self.accented.get(written)
        return found if found is not None else self.entries.get(tuple(unaccented(w) for w in written))


@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon:
    """The language's expressions and words, then the shared ones (the language's own entry wins)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no gloss lexicon for language {lang!r} (known: {', '.join(LANGUAGES)})")
    entries: dict[tuple[str, ...], str] = {}
    accented: dict[tuple[str, ...], str] = {}
    for name in (lang, "common"):
        # BaseLoader: every key and value is a string ("no", "si", "on" stay words, not booleans).
        with open(LEXICON_DIR / f"{name}.yaml", encoding="utf-8") as handle:
            for key, english in (yaml.load(handle, Loader=yaml.BaseLoader) or {}).items():
                written = tuple(w.lower() for w in _TOKEN.findall(key))
                if written:
                    accented.setdefault(written, english)
                    entries.setdefault(tuple(unaccented(w) for w in written), english)
    return Lexicon(entries, accented, min(MAX_EXPRESSION_WORDS, max(len(k) for k in entries)))


def _word(lex: Lexicon, lang: str, word: str) -> str | None:
    """The English for one word, or None: as written, with an inflection ending undone, or as a compound."""
    found = lex.get((word,))
    if found is not None:
        return found
    word = unaccented(word)
    if lang == "de" and ("oe" in word or "ae" in word or "ue" in word):
        found = lex.entries.get((word.replace("oe", "o").replace("ae", "a").replace("ue", "u"),))
        if found is not None:
            return found
    for ending, replacement in ENDINGS.get(lang, ()):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            found = lex.entries.get((word[: -len(ending)] + replacement,))
            if found is not None:
                return found
    if lang in COMPOUNDING and len(word) >= 2 * MIN_COMPOUND_PART:
        return _compound(lex, lang, word)
    return None


def _compound(lex: Lexicon, lang: str, word: str) -> str | None:
    """German and Dutch join nouns: "Kundendaten", "wachtwoordreset". Two known parts, longest head first."""
    for cut in range(len(word) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
        tail = _simple(lex, lang, word[cut:])
        if tail is None:
            continue
        head = word[:cut]
        for link in COMPOUNDING[lang]:
            if link and not head.endswith(link):
                continue
            stem = head[: len(head) - len(link)] if link else head
            if len(stem) >= MIN_COMPOUND_PART:
                first = _simple(lex, lang, stem)
                if first:
                    return f"{first} {tail}"
    return None


def _simple(lex: Lexicon, lang: str, word: str) -> str | None:
    found = lex.entries.get((word,))
    if found is not None:
        return found
    for ending, replacement in ENDINGS.get(lang, ()):
        if word.endswith(ending) and len(word) - len(ending) >= MIN_COMPOUND_PART:
            found = lex.entries.get((word[: -len(ending)] + replacement,))
            if found is not None:
                return found
    return None


def gloss(text: str, lang: str) -> Gloss:
    """`text` glossed into English word by word, longest expression first; punctuation kept."""
    lex = lexicon(lang)
    spans = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    out: list[str] = []
    position, i, known, counted = 0, 0, 0, 0
    while i < len(spans):
        start, end, word = spans[i]
        gap = text[position:start]
        # An elision's apostrophe or a hyphen between two words ("l'historique", "pouvez-vous") becomes a space.
        out.append(" " if position and gap and set(gap) <= _JOINERS else gap)
        english, used = None, 1
        for n in range(min(lex.longest, len(spans) - i), 1, -1):
            english = lex.get(tuple(s[2] for s in spans[i:i + n]))
            if english is not None:
                used = n
                break
        if english is None:
            english = _word(lex, lang, word)
        original = text[start:spans[i + used - 1][1]]
        if word.isdigit():
            english = original  # numbers ("Art. 15", "30 days") are neither known nor unknown
        else:
            counted += used
            if english is None and len(original) >= 2 and original.isupper():
                english = original  # an acronym or a shouted word: passed through, understood as itself
            if english is not None:
                known += used
        out.append(original if english is None else english)
        position = spans[i + used - 1][1]
        i += used
    out.append(text[position:])
    glossed = re.sub(r"\s+([,.;:?!])", r"\1", re.sub(r"[ \t]{2,}", " ", "".join(out).translate(_DROP_MARKS)))
    return Gloss(glossed.strip(), known / counted if counted else 0.0, lang)


# A message whose gloss understands less than this share of its words is not answered from the gloss: a person
# reads it (bot/assistant.py). Chosen on the training authors' messages in other languages (README, Languages).
GLOSS_MIN_SHARE = 0.6


def english_reading(text: str) -> Gloss | None:
    """The English gloss of a message clearly written in one of LANGUAGES; None for English (or unknown).

    A message in a script no lexicon reads (Cyrillic, Arabic, Chinese, … : bot/scripts.py) gets an empty
    reading — nothing understood — so that it goes to a person instead of being read as English noise."""
    from bot.language import detect
    from bot.scripts import unreadable_script

    lang = detect(text)
    if lang:
        return gloss(text, lang)
    script = unreadable_script(text)
    return Gloss(text, 0.0, script.code) if script else None


def understood(reading: Gloss | None) -> bool:
    return reading is not None and reading.known_share >= GLOSS_MIN_SHARE


def routed_text(text: str) -> str:
    """What the router and retrieval read for a message: its gloss when it is understood, else the message."""
    reading = english_reading(text)
    return reading.text_en if understood(reading) else text
