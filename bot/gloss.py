"""A word-by-word English gloss of a privacy message in Spanish, Portuguese, French, German, Italian, Dutch, Turkish,
Russian, Polish, Indonesian or romanised Hindi.

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

Lookup of one word (bot/gloss_words.py), in order: the language's lexicon, the shared names and acronyms (common.yaml), then the
language's inflection endings stripped (plurals, verb forms back to the infinitive: "datos" → "dato", "tratados"
→ "tratar"; Russian and Polish case endings: "данных" → "данные"), then object pronouns written onto a Spanish or
Italian verb split off ("bórrenlos" → "delete them"; Portuguese writes them after a hyphen, read as pronouns
there), German participles ("angefordert" → anfordern), then for German and Dutch a compound split into two known words ("Kundendaten"
→ "customer data"). Turkish and Indonesian stack suffixes ("verilerimi" = veri+ler+im+i, "hapuskanlah"), so
for them the endings are stripped again from what is left, up to STACKED_ENDINGS times, fewest strips first.
Accents are optional throughout (keys and words are compared unaccented; German "oe" spellings as "ö"; Turkish
dotless "ı" as "i", Polish "ł" as "l"). Unknown words pass through as written (names, English words in the
message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.gloss_words import (HYPHENATED_ENCLITICS, LANGUAGES, LEXICON_DIR, TOKEN, Lexicon,  # noqa: F401 (re-exported)
                             lexicon, read_word, unaccented)

LANGUAGE_NAMES = {"es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German", "it": "Italian",
                  "nl": "Dutch", "tr": "Turkish", "ru": "Russian", "pl": "Polish", "id": "Indonesian",
                  "hi": "Hindi"}  # "hi": Hindi as typed in Latin letters (Hinglish)
_TOKEN, _word = TOKEN, read_word  # the names bench/gloss_coverage.py reads, in older trees too
_DROP_MARKS = str.maketrans("", "", "¿¡")
_JOINERS = set("'’-")
_ORDINAL_MARKS = set("ºª")  # written after a number in Spanish, Portuguese, Italian: letters to the tokenizer
_ROMAN_LETTERS = {"V", "X"}  # a law's item numbers ("inciso V"); "I" alone is the English pronoun as often



@dataclass(frozen=True)
class Gloss:
    text_en: str
    known_share: float  # share of the message's words the lexicon understood (0..1)
    lang: str



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
        english, used = HYPHENATED_ENCLITICS.get(lang, {}).get(word) if gap == "-" else None, 1
        if english is None:
            for n in range(min(lex.longest, len(spans) - i), 1, -1):
                english = lex.get(tuple(s[2] for s in spans[i:i + n]))
                if english is not None:
                    used = n
                    break
        if english is None:
            english = read_word(lex, lang, word)
        original = text[start:spans[i + used - 1][1]]
        if word.isdigit() or set(word) <= _ORDINAL_MARKS:
            english = original  # numbers ("Art. 15", "30 days", "art. 18º") are neither known nor unknown
        else:
            counted += used
            if english is None and (len(original) >= 2 and original.isupper() or original in _ROMAN_LETTERS):
                # an acronym, a shouted word or a numeral ("inciso V"): passed through, understood as itself
                english = original
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


def unread(reading: Gloss | None) -> bool:
    """Written in another language (or script) the gloss understands too little of: a person reads it."""
    return reading is not None and not understood(reading)


def routed_text(text: str) -> str:
    """What the router and retrieval read for a message: its gloss when it is understood, else the message."""
    reading = english_reading(text)
    return reading.text_en if understood(reading) else text
