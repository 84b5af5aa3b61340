"""Which language is a message written in, when it is clearly not English? (es, pt, fr, de, it, nl)

The embedding model and the router's training lines are English: a message in another language is read
as English through a word-by-word gloss (bot/gloss.py) when the gloss understands enough of it, and goes
to a person otherwise (bot/assistant.py).

"Clearly": at least two of the six languages' most common function words (articles, pronouns,
prepositions, conjunctions, the polite "I would like" / "can you" verbs — lists written from general
knowledge of the languages, not from any message) and more of them than English function words. Words
that are also English ("a", "in", "come", "die", "son", "mi", "is", "was", "over") are left out, so
English with a foreign name or phrase stays English. Which language: the one with most of its own function
words in the message; a tie (Spanish and Portuguese share many) goes to the language whose gloss lexicon
understands more of the message.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)

FUNCTION_WORDS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in {
    "es": """el la los las del al un una unos unas y o pero que qué por para con sin sobre entre hasta desde
        mis tus sus nuestro nuestra nuestros mí yo usted ustedes ellos ella es son está están fue ser muy
        también ya cuando donde dónde cómo porque todos todas este esta estos estas eso esa quiero necesito
        quisiera puede pueden podrían se si""",
    "pt": """os das dos da na nas nos no ao aos pelo pela pelos pelas uma umas meus minhas meu minha seu sua
        você vocês eu ele ela são está estão foi ser muito também já quando onde porque todos todas este
        esta isso essa gostaria preciso não que por para com sem sobre entre até desde podem poderiam se""",
    "de": """der die das den dem des ein eine einen einem einer und oder aber dass nicht mit ohne für über
        zwischen bis von vom zum zur ich mich mir mein meine meinen meiner sie ihr ihre ihren wir uns unser
        ist sind war wird werden bitte alle auch schon wenn wo wie warum diese dieser dieses möchte möchten
        können könnten""",
    "fr": """le les un une des du de au aux et ou mais que qui pas avec sans pour sur entre jusqu depuis je moi
        mes ma mon vous nous ils elles est sont était être très aussi déjà quand où comment pourquoi tous
        toutes cette ces merci votre vos voudrais pouvez pourriez se si""",
    "it": """il lo gli le un una uno dei degli delle della dello del al alla alle ai e o ma che non con senza
        per su tra fino io mio mia miei mie voi noi loro è sono era essere molto anche già quando dove
        perché tutti tutte questo questa questi queste grazie vostro vostra vostri quanto quale quali chi
        cosa vorrei potete potreste posso se si""",
    # Dutch: "die", "is", "was", "over", "me", "we", "in", "of", "had" are English too and left out.
    "nl": """de het een van voor met zonder naar bij uit op aan tot ik mij mijn jij jou jouw u uw jullie wij ons
        onze zij ze hun niet geen ook wanneer waar hoe waarom wat wie welke graag alstublieft alsjeblieft
        kan kunt kunnen wil wilt willen zou zouden heb hebt heeft hebben ben bent worden wordt deze dit dat
        er nog maar en""",
}.items()}
LANGUAGES: tuple[str, ...] = tuple(FUNCTION_WORDS)

# Words of these lists that are common English words (or English abbreviations) are never counted.
_ALSO_ENGLISH = frozenset("""
a i in on as an no to do die come son pro me mi is dos use we us per era same sure u ai com
""".split())
FOREIGN_FUNCTION_WORDS = frozenset().union(*FUNCTION_WORDS.values()) - _ALSO_ENGLISH

ENGLISH_FUNCTION_WORDS = frozenset("""
the a an and or but that this these those of to in on for with without about from by at is are was
were be been being i me my mine you your we our they their it its he she his her what which who how
why when where do does did can could would should will please all also not any have has had there
""".split())

MIN_FOREIGN_WORDS = 2


def detect(text: str) -> str | None:
    """The language ("es", "pt", "fr", "de", "it", "nl") a message is clearly written in, or None (English,
    another language, or too little to tell)."""
    words = [w.lower() for w in _WORDS.findall(text)]
    foreign = [w for w in words if w in FOREIGN_FUNCTION_WORDS]
    english = sum(w in ENGLISH_FUNCTION_WORDS for w in words)
    if not (len(foreign) >= MIN_FOREIGN_WORDS and len(foreign) > english):
        return None
    counts = {lang: sum(w in FUNCTION_WORDS[lang] for w in foreign) for lang in LANGUAGES}
    best = max(counts.values())
    tied = [lang for lang in LANGUAGES if counts[lang] == best]
    if len(tied) == 1:
        return tied[0]
    from bot.gloss import gloss  # the lexicons load on the first tie only

    return max(tied, key=lambda lang: gloss(text, lang).known_share)  # max keeps the first of equals


def looks_foreign(text: str) -> bool:
    """Whether the message is clearly written in Spanish, Portuguese, German, French, Italian or Dutch."""
    return detect(text) is not None
