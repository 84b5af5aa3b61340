"""How the gloss reads one word of a message (bot/gloss.py): the lexicons, inflection endings, pronouns written
onto verbs, participles, stacked suffixes and compounds. Tables and lookups only; the message-level gloss, its
known share and the language decisions stay in bot/gloss.py."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
LANGUAGES: tuple[str, ...] = ("es", "pt", "fr", "de", "it", "nl", "tr", "ru", "pl", "id", "hi")
# Apostrophes and hyphens split words: "l'accès" → "l", "acces"; "pouvez-vous" → "pouvez", "vous".
TOKEN = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)



def unaccented(word: str) -> str:
    # Turkish dotless "ı" and Polish "ł" have no decomposition: written without their mark by hand.
    word = word.lower().replace("ß", "ss").replace("œ", "oe").replace("æ", "ae").replace("ı", "i").replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def _longest_first(endings: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Suffixes that strip to the stem, longest first (each once)."""
    return tuple((e, "") for e in sorted(dict.fromkeys(endings), key=len, reverse=True))


def _unaccented_endings(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Endings written as the language spells them, compared as words are (unaccented: "ой" → "ои")."""
    return tuple((unaccented(e), unaccented(r)) for e, r in pairs)


# Inflection endings tried, in the order listed, when a word is not in the lexicon as written; each replaced by the
# ending the lexicon lists ("" = the stem alone). Plurals, case endings, and the verb forms a request is written in.
ENDINGS: dict[str, tuple[tuple[str, str], ...]] = {
    # Spanish, Portuguese, Italian: nouns and adjectives first, then the verb forms back to the infinitive (any of
    # the three conjugations: the one the lexicon knows wins): present and subjunctive persons, past participles
    # ("tratados" → "tratar"), gerunds, the preterite ("encontré", "llegó", "achei", "apagou"), and the future and
    # conditional of Italian ("cancellerebbe"; of Spanish and Portuguese: FUTURE_ENDINGS).
    "es": (("ces", "z"), ("es", ""), ("s", ""), ("en", "ar"), ("an", "ar"), ("a", "o"), ("as", "o"), ("en", "er"),
           ("en", "ir"), ("an", "er"), ("an", "ir"), ("a", "ar"), ("e", "ar"), ("a", "er"), ("a", "ir"), ("e", "er"),
           ("e", "ir"), ("o", "ar"), ("o", "er"), ("o", "ir"), ("as", "ar"), ("es", "er"), ("es", "ir"), ("amos", "ar"),
           ("emos", "er"), ("imos", "ir"), ("ado", "ar"), ("ada", "ar"), ("ados", "ar"), ("adas", "ar"),
           ("ido", "er"), ("ido", "ir"), ("ida", "er"), ("ida", "ir"), ("idos", "er"), ("idos", "ir"),
           ("idas", "er"), ("idas", "ir"), ("ando", "ar"), ("iendo", "er"), ("iendo", "ir"), ("io", "er"),
           ("io", "ir"), ("aron", "ar"), ("ieron", "er"), ("ieron", "ir"), ("aste", "ar"), ("iste", "er"),
           ("iste", "ir"), ("ad", "ar"), ("ed", "er"), ("id", "ir")),
    "pt": (("oes", "ao"), ("aes", "ao"), ("ais", "al"), ("eis", "el"), ("ois", "ol"), ("ns", "m"), ("es", ""),
           ("s", ""), ("em", "ar"), ("am", "ar"), ("a", "o"), ("as", "o"), ("em", "er"), ("em", "ir"), ("am", "er"),
           ("am", "ir"), ("a", "ar"), ("e", "ar"), ("a", "er"), ("a", "ir"), ("e", "er"),
           ("e", "ir"), ("o", "ar"), ("o", "er"), ("o", "ir"), ("amos", "ar"), ("emos", "er"), ("imos", "ir"),
           ("ado", "ar"), ("ada", "ar"), ("ados", "ar"), ("adas", "ar"), ("ido", "er"), ("ido", "ir"),
           ("ida", "er"), ("ida", "ir"), ("idos", "er"), ("idos", "ir"), ("idas", "er"), ("idas", "ir"),
           ("ando", "ar"), ("endo", "er"), ("indo", "ir"), ("ei", "ar"), ("ou", "ar"), ("eu", "er"), ("iu", "ir"),
           ("aram", "ar"), ("eram", "er"), ("iram", "ir")),
    # French: feminine and plural first, then verbs back to the infinitive: participles ("supprimées"), persons
    # ("signalons", "supprimiez"), second-group -ir verbs ("choisissez").
    "fr": (("es", "e"), ("s", ""), ("x", ""), ("e", ""), ("ez", "er"), ("ent", "er"), ("e", "er"), ("es", "er"),
           ("ee", "er"), ("ees", "er"), ("ons", "er"), ("iez", "er"), ("ions", "er"), ("ait", "er"), ("ais", "er"),
           ("ent", "re"), ("ez", "re"), ("s", "re"), ("it", "ir"), ("is", "ir"), ("i", "ir"), ("ie", "ir"),
           ("issez", "ir"), ("issent", "ir"), ("issons", "ir")),
    "it": (("i", "o"), ("e", "a"), ("i", "e"), ("te", "re"), ("no", "re"), ("ato", "are"), ("ata", "are"),
           ("ati", "are"), ("ate", "are"), ("uto", "ere"), ("uta", "ere"), ("uti", "ere"), ("ute", "ere"),
           ("ito", "ire"), ("ita", "ire"), ("iti", "ire"), ("ite", "ire"), ("ando", "are"), ("endo", "ere"),
           ("endo", "ire"), ("o", "are"), ("o", "ere"), ("o", "ire"), ("a", "are"), ("i", "are"), ("a", "ere"),
           ("a", "ire"), ("e", "ere"), ("e", "ire"), ("ono", "ere"), ("ono", "ire"), ("ino", "are"),
           ("ano", "ere"), ("ano", "ire"), ("iamo", "are"), ("iamo", "ere"), ("iamo", "ire"), ("ei", "e"),
           ("ebbe", "e"), ("ebbero", "e"), ("emmo", "e"), ("este", "e"), ("era", "are"), ("eranno", "are"),
           ("erete", "are"), ("eremo", "are"), ("erebbe", "are"), ("erei", "are"), ("erebbero", "are")),
    # German: plural and case endings, the verb persons back to the infinitive ("melde", "beantragst");
    # participles ("gepostet", "angefordert") are undone in _participle.
    "de": (("en", ""), ("n", ""), ("e", ""), ("s", ""), ("es", ""), ("er", ""), ("em", ""), ("t", "en"),
           ("e", "en"), ("st", "en"), ("et", "en"), ("est", "en"), ("te", "en"), ("ten", "en"), ("tet", "en"),
           ("t", "n")),
    "nl": (("en", ""), ("s", ""), ("e", ""), ("t", "en"), ("d", "en")),
    # Turkish suffixes, written unaccented so the vowel-harmony pairs fall together (-ler/-lar, -i/-ı, -u/-ü):
    # plural, possessive (my, your, our), case (accusative, dative, locative, ablative, genitive), and the
    # verb endings requests use (-mek infinitive, -in/-iniz imperative, -ebilir "can", -di past, -iyor
    # present, -me/-mesi noun). All strip to the stem; stacked ones are stripped one after another.
    "tr": _longest_first((
        "ler", "lar", "im", "um", "in", "un", "imiz", "umuz", "iniz", "unuz", "niz", "nuz", "m", "n",
        "i", "u", "e", "a", "yi", "yu", "ye", "ya", "si", "su", "sini", "sunu", "ni", "nu",
        "de", "da", "te", "ta", "nde", "nda", "den", "dan", "ten", "tan", "nden", "ndan", "nin", "nun", "yla",
        "yle", "la", "le", "ki", "mek", "mak", "me", "ma", "mesi", "masi", "meyi", "mayi", "ebilir", "abilir",
        "ebil", "abil", "ir", "ur", "er", "ar", "di", "du", "ti", "tu", "mis", "mus", "iyor", "uyor", "yor",
        "sun", "sin", "il", "ul", "n", "iyorum", "uyorum", "iyoruz", "uyoruz", "iyorsunuz", "uyorsunuz", "dir",
        "dur", "tir", "tur", "mi", "mu", "lim", "yin", "yiniz", "yorsunuz", "yorsun", "yorum", "yoruz",
        "yorlar", "sunuz", "siniz", "misiniz", "musunuz")),
    # Russian: case endings of nouns and adjectives back to the nominative (several replacements per ending:
    # the first the lexicon knows wins: "аккаунта" → "аккаунт", "почту" → "почта", "информации" →
    # "информация", "данных" → "данные"), and the plural/polite verb endings back to the infinitive.
    "ru": _unaccented_endings((
        ("ами", ""), ("ями", "ь"), ("ами", "а"), ("ах", ""), ("ах", "а"), ("ам", ""), ("ам", "а"), ("ов", ""),
        ("ом", ""), ("ем", "ь"), ("ей", "ь"), ("ой", "а"), ("ой", "ый"), ("ою", "а"), ("ии", "ия"), ("ию", "ия"),
        ("ией", "ия"), ("ие", "ия"), ("ых", "ые"), ("ым", "ые"), ("ыми", "ые"), ("их", "ие"), ("им", "ие"),
        ("ими", "ие"), ("ого", "ый"), ("ому", "ый"), ("ую", "ая"), ("ую", "ый"), ("ая", "ый"), ("ое", "ый"),
        ("ые", "ый"), ("ый", "ые"), ("ы", ""), ("ы", "а"), ("а", ""), ("у", ""), ("у", "а"), ("е", ""),
        ("е", "а"), ("и", "ь"), ("и", "а"), ("и", "я"), ("и", ""), ("ю", "ь"), ("ю", "я"), ("я", "ь"),
        ("ите", "ить"), ("ите", "ь"), ("ишь", "ить"), ("ит", "ить"), ("или", "ить"), ("ил", "ить"),
        ("ила", "ить"), ("ете", "ать"), ("аете", "ать"), ("ает", "ать"), ("ают", "ать"), ("али", "ать"),
        ("ал", "ать"), ("айте", "ать"), ("яете", "ять"), ("яйте", "ять"), ("ся", ""), ("сь", ""),
        # imperatives of -ить and -вать verbs ("ограничьте", "передавайте"), and the past ("нашла", "утекло")
        ("ьте", "ить"), ("ь", "ить"), ("йте", "ть"), ("и", "ить"), ("ла", "ть"), ("ло", "ть"), ("ли", "ть"),
        ("ел", "еть"), ("ела", "еть"))),
    # Polish: case endings of nouns and adjectives back to the nominative ("konta" → "konto", "danych" →
    # "dane", "skargę" → "skarga", "polityki" → "polityka"), and the commonest verb endings.
    "pl": _unaccented_endings((
        ("ami", ""), ("ami", "a"), ("ami", "o"), ("ach", ""), ("ach", "a"), ("ach", "o"), ("om", ""),
        ("om", "a"), ("om", "y"), ("om", "i"), ("om", "e"), ("ow", ""), ("owi", ""), ("em", ""), ("em", "o"), ("ie", "a"), ("ie", "o"), ("ie", ""),
        ("ych", "e"), ("ymi", "e"), ("ym", "e"), ("ym", "y"), ("ich", "ie"), ("imi", "ie"), ("ego", "y"),
        ("emu", "y"), ("ej", "y"), ("ej", "a"), ("ą", "a"), ("ą", "y"), ("ę", "a"), ("y", "a"), ("i", "a"),
        ("y", ""), ("i", ""), ("u", ""), ("u", "o"), ("a", ""), ("a", "o"), ("o", "a"), ("e", "y"), ("e", "a"),
        ("ecie", "ac"), ("acie", "ac"), ("icie", "ic"), ("uje", "owac"), ("ujecie", "owac"), ("ujemy", "owac"),
        ("iemy", "iec"),
        # verbs: present, imperative and past back to the infinitive ("zbiera", "sprzedawajcie", "zmienil");
        # nouns whose last consonant softens before -ie ("formacie" ← format, "sprawie" ← sprawa as listed)
        ("a", "ac"), ("ajcie", "ac"), ("ajmy", "ac"), ("ijcie", "ic"), ("al", "ac"), ("ala", "ac"), ("alem", "ac"),
        ("alam", "ac"), ("il", "ic"), ("ila", "ic"), ("ilem", "ic"), ("ilam", "ic"), ("el", "ec"), ("elem", "ec"),
        ("cie", "t"), ("dzie", "d"), ("rze", "r"))),
    # Indonesian: the suffixes and clitics (-nya "the/its", -kan/-i verb suffixes, -lah/-kah particles,
    # -ku/-mu "my/your"); prefixed verb forms (me-, di-) are listed in the lexicon.
    "id": _longest_first(("nya", "kan", "lah", "kah", "ku", "mu", "i", "an", "pun")),
}
# The future and conditional add their endings to the whole infinitive ("borrarán", "apagaria", "supprimerait"):
# undone only where what is left ends like an infinitive, so a noun's ending is not taken for one.
# The short ones only as written with their accent ("borrará", not an Italian infinitive "presentare").
FUTURE_ENDINGS = {"es": ("án", "á", "é", "ás", "emos", "ía", "ían", "ías", "íamos"),
                  "pt": ("ão", "á", "ia", "iam", "ei", "emos", "iamos"),
                  "fr": ("ai", "a", "ont", "ait", "ais", "ez", "aient", "iez", "ons")}
INFINITIVE_ENDS = {"es": ("ar", "er", "ir"), "pt": ("ar", "er", "ir"), "fr": ("er", "ir", "r")}
# A verb stem keeps its sound before some endings by changing its spelling ("busquen" ← buscar, "paguen" ← pagar,
# "ejerzo" ← ejercer, "cerchi" ← cercare): the stem left by an ending is also tried with the infinitive's spelling.
RESPELLED_STEMS = {"es": (("qu", "c"), ("gu", "g"), ("c", "z"), ("z", "c"), ("j", "g")),
                   "pt": (("qu", "c"), ("gu", "g"), ("j", "g")), "it": (("ch", "c"), ("gh", "g"))}
# Spanish verbs whose stem vowel changes under the stress ("cuesta" ← costar, "quieren" ← querer, "pidiendo" ←
# pedir): the last such vowel of the stem is also tried as the infinitive has it.
STEM_VOWELS = {"es": (("ue", "o"), ("ie", "e"), ("i", "e"), ("u", "o"))}
# Object pronouns written onto the end of an infinitive, imperative or gerund, one or two of them ("bórrenlos",
# "enviármelos", "cancellateli", "inviatemelo"): the verb is read without them, the pronouns glossed after
# it. Portuguese writes them after a hyphen ("apaguem-nos"), which the tokenizer already splits, and drops the
# infinitive's -r before -lo/-la ("apagá-los").
ENCLITICS = {
    "es": {"me": "me", "te": "you", "se": "", "nos": "us", "os": "you", "lo": "it", "la": "it", "los": "them",
           "las": "them", "le": "them", "les": "them"},
    "it": {"mi": "me", "ti": "you", "si": "", "ci": "us", "vi": "you", "lo": "it", "la": "it", "li": "them",
           "le": "them", "gli": "them", "ne": "of it", "me": "me", "te": "you", "ce": "us", "ve": "you",
           "se": "", "glie": "them"},
}
# The Portuguese pronouns after a verb's hyphen: "nos" there is "us", not "in the" ("apaguem-nos").
HYPHENATED_ENCLITICS = {"pt": {"me": "me", "te": "you", "se": "", "nos": "us", "vos": "you", "o": "it", "a": "it",
                               "os": "them", "as": "them", "lo": "it", "la": "it", "los": "them", "las": "them",
                               "no": "it", "na": "it", "lhe": "them", "lhes": "them"}}
# German separable prefixes: their participle puts "ge" after the prefix ("angefordert" ← anfordern).
SEPARABLE_PREFIXES = ("ab", "an", "auf", "aus", "bei", "ein", "fest", "frei", "heraus", "herunter", "hoch", "mit",
                      "nach", "um", "vor", "weg", "weiter", "zu", "zurück", "zusammen")
# Languages whose suffixes stack: the endings are stripped again from the stem, up to this many in all.
STACKED_ENDINGS = {"tr": 3, "id": 2}
COMPOUNDING = {"de": ("", "s", "n", "en", "e"), "nl": ("", "s", "en", "e")}  # linking letters of compounds
MIN_COMPOUND_PART = 3
MAX_EXPRESSION_WORDS = 8

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
                written = tuple(w.lower() for w in TOKEN.findall(key))
                if written:
                    accented.setdefault(written, english)
                    entries.setdefault(tuple(unaccented(w) for w in written), english)
    return Lexicon(entries, accented, min(MAX_EXPRESSION_WORDS, max(len(k) for k in entries)))


def read_word(lex: Lexicon, lang: str, word: str) -> str | None:
    """The English for one word, or None: as written, with an inflection ending undone, or as a compound."""
    found = lex.get((word,))
    if found is not None:
        return found
    written, word = word, unaccented(word)
    if lang == "de" and ("oe" in word or "ae" in word or "ue" in word):
        found = lex.entries.get((word.replace("oe", "o").replace("ae", "a").replace("ue", "u"),))
        if found is not None:
            return found
    found = _inflected(lex, lang, word, written)
    if found is not None:
        return found
    if lang in ENCLITICS:
        found = _enclitic(lex, lang, word)
        if found is not None:
            return found
    if lang == "pt" and _written_accent_r(written):
        found = lex.entries.get((word + "r",))
        if found is not None:
            return found
    if lang == "de":
        found = _participle(lex, word)
        if found is not None:
            return found
    if lang in STACKED_ENDINGS:
        return _stacked(lex, lang, word)
    if lang in COMPOUNDING and len(word) >= 2 * MIN_COMPOUND_PART:
        return _compound(lex, lang, word)
    return None


def _inflected(lex: Lexicon, lang: str, word: str, written: str | None = None) -> str | None:
    """The English of `word` (unaccented; `written`: as written) with one inflection ending undone (the first
    reading the lexicon knows)."""
    written = word if written is None else written
    respell = RESPELLED_STEMS.get(lang, ())
    for ending, replacement in ENDINGS.get(lang, ()):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            found = lex.entries.get((stem + replacement,))
            if found is None and replacement:
                for spelled, infinitive in respell:
                    if stem.endswith(spelled):
                        found = lex.entries.get((stem[: -len(spelled)] + infinitive + replacement,))
                        if found is not None:
                            break
            if found is None and replacement:
                for changed, infinitive in STEM_VOWELS.get(lang, ()):
                    at = stem.rfind(changed)
                    if at > 0:
                        found = lex.entries.get((stem[:at] + infinitive + stem[at + len(changed):] + replacement,))
                        if found is not None:
                            break
            if found is not None:
                return found
    for ending in FUTURE_ENDINGS.get(lang, ()):
        bare = unaccented(ending)
        if not (written.endswith(ending) or (len(bare) >= 3 and word.endswith(bare))):
            continue
        stem = word[: -len(bare)]
        if stem.endswith(INFINITIVE_ENDS[lang]) and len(stem) >= 4:
            found = lex.entries.get((stem,)) or (lex.entries.get((stem + "e",)) if lang == "fr" else None)
            if found is not None:
                return found
    return None


def _written_accent_r(written: str) -> bool:
    """A Portuguese infinitive before -lo/-la/-los/-las loses its -r and takes an accent: "apagá", "fazê"."""
    return len(written) >= 4 and written[-1] in "áâêéíô"


def _enclitic(lex: Lexicon, lang: str, word: str) -> str | None:
    """A verb with one or two object pronouns written onto it: "enviarmelos" → "send me them"."""
    pronouns = ENCLITICS[lang]
    readings = [(word, ())]
    for _ in range(2):
        shorter = []
        for stem, after in readings:
            for pronoun, english in pronouns.items():
                if stem.endswith(pronoun) and len(stem) - len(pronoun) >= 3:  # not "el"+"se" ("else")
                    shorter.append((stem[: -len(pronoun)], (english,) + after))
        for stem, after in shorter:
            verb = _enclitic_host(lex, lang, stem)
            if verb is not None:
                return " ".join(w for w in (verb, *after) if w)
        readings = shorter
    return None


def _enclitic_host(lex: Lexicon, lang: str, stem: str) -> str | None:
    # Italian infinitives drop their final -e before a pronoun ("vederla" ← vedere).
    for verb in [stem] + ([stem + "e"] if lang == "it" else []):
        found = lex.entries.get((verb,))
        if found is None and len(verb) >= 4:
            found = _inflected(lex, lang, verb)
        if found is not None:
            return found
    return None


def _participle(lex: Lexicon, word: str) -> str | None:
    """German past participles: "gepostet" ← posten, "gefunden" ← finden (as the lexicon lists the verb),
    "angefordert" ← anfordern."""
    bare = None
    if word.startswith("ge") and len(word) >= 6:
        bare = word[2:]
    else:
        for prefix in SEPARABLE_PREFIXES:
            if word.startswith(prefix + "ge") and len(word) - len(prefix) >= 6:
                bare = prefix + word[len(prefix) + 2:]
                break
    if bare is None:
        return None
    for ending, replacement in (("en", "en"), ("et", "en"), ("t", "en"), ("t", "n"), ("ene", "en"), ("te", "en"),
                                ("tes", "en"), ("ten", "en")):
        if bare.endswith(ending) and len(bare) - len(ending) >= 3:
            found = lex.entries.get((bare[: -len(ending)] + replacement,))
            if found is not None:
                return found
    return None


def _stacked(lex: Lexicon, lang: str, word: str) -> str | None:
    """Turkish and Indonesian suffixes stack ("verilerimizi" = veri+ler+imiz+i): strip again from each stem
    the previous round left, fewest strips first, so the shortest reading that reaches a known word wins."""
    stems = [word]
    for _ in range(STACKED_ENDINGS[lang]):
        shorter = []
        for stem in stems:
            for ending, _replacement in ENDINGS[lang]:
                if stem.endswith(ending) and len(stem) - len(ending) >= 3:
                    shorter.append(stem[: -len(ending)])
        for stem in shorter:
            found = lex.entries.get((stem,))
            if found is not None:
                return found
        stems = list(dict.fromkeys(shorter))
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
