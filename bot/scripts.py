"""Is a message written in a script the assistant cannot read at all (Cyrillic, Arabic, Chinese, Hindi …)?

    unreadable_script("удалите все мои данные")  -> Script(code="cyrillic", name="Russian or another Cyrillic-script language")
    unreadable_script("what data do you collect") -> None

The embedding model, the router and the gloss lexicons (bot/gloss.py) read English and a few Latin-script
languages. A message in another script used to be read as if it were English: the model saw noise, and a
deletion request in Russian or a hacked-account report in Chinese was declined as off-topic — a missed
legal deadline or incident that nobody would ever see. Such a message now goes to a person, who can read it
(bot/assistant.py, the same path as a Latin-script message the gloss understands too little of).

"In a script": at least half of its letters belong to one non-Latin script, read from the Unicode
character names (no lists of ranges to keep up to date); a Latin-script message with a few foreign names or
an emoji stays as it is. A script with a gloss lexicon of its own (Cyrillic: Russian) is read by bot/language.py first.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

# The first word of a letter's Unicode name → what the asker is told their message was written in.
# Japanese mixes kana with CJK ideographs: any kana among the letters makes it Japanese.
_NAMES = {
    "CYRILLIC": "Russian or another Cyrillic-script language",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "DEVANAGARI": "Hindi or another Devanagari-script language",
    "BENGALI": "Bengali",
    "GURMUKHI": "Punjabi",
    "GUJARATI": "Gujarati",
    "TAMIL": "Tamil",
    "TELUGU": "Telugu",
    "KANNADA": "Kannada",
    "MALAYALAM": "Malayalam",
    "THAI": "Thai",
    "HANGUL": "Korean",
    "CJK": "Chinese",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "ETHIOPIC": "Amharic or another Ethiopic-script language",
}
MIN_SHARE = 0.5


@dataclass(frozen=True)
class Script:
    code: str  # lower-case script name: "cyrillic", "cjk", "arabic", …
    name: str  # what the asker is told: "Chinese", "Arabic", …


def unreadable_script(text: str) -> Script | None:
    """The non-Latin script at least MIN_SHARE of the message's letters are written in; None otherwise."""
    if text.isascii():  # nearly every message: no per-character work
        return None
    scripts: Counter[str] = Counter()
    letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        first = unicodedata.name(char, "").split(" ", 1)[0]
        if first in ("HIRAGANA", "KATAKANA"):
            scripts["JAPANESE"] += 1  # counted with the ideographs below
        elif first != "LATIN":
            scripts[first] += 1
    if not scripts or not letters:
        return None
    if scripts["JAPANESE"]:
        scripts["JAPANESE"] += scripts.pop("CJK", 0)
    script, count = scripts.most_common(1)[0]
    if count / letters < MIN_SHARE:
        return None
    return Script(script.lower(), name_of(script.lower()))


def name_of(code: str) -> str:
    """What the asker is told for a Script.code ("cjk" → "Chinese")."""
    if code == "japanese":
        return "Japanese"
    return _NAMES.get(code.upper(), f"{code.title()} script")
