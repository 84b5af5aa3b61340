"""Which language is a message written in, when it is clearly not English? (es, pt, fr, de, it, nl, tr, ru, pl,
id, hi)

The embedding model and the router's training lines are English: a message in another language is read
as English through a word-by-word gloss (bot/gloss.py) when the gloss understands enough of it, and goes
to a person otherwise (bot/assistant.py).

"Clearly": at least two of the languages' most common function words (articles, pronouns, prepositions,
conjunctions, question words, the polite "I would like" / "can you" verbs — lists written from general
knowledge of the languages, not from any message) and more of them than English function words. Words
that are also English ("a", "in", "come", "die", "son", "mi", "is", "was", "over"; Turkish "ve" — the
"'ve" of "I've" —, "her", "ben", "size"; Hindi "main", "hum", "koi"; Polish "co", "jak", "pan"; Indonesian
"dan", "ada") are left out, so English with a foreign name or phrase stays English. The lists of Turkish,
Polish, Indonesian and romanised Hindi (Hinglish, "hi") share no word with the first six languages' lists, so
a message those six recognised counts the same. Russian is recognised by its script: a message with more
Cyrillic words than Latin ones (its function words are listed too, for the counts). A word with a letter only
Turkish or Polish writes (ı ğ ş; ł ą ę ś ź ż), or an ending no English word has (Turkish "-iyor", "-lerim";
Polish "-acie", "-nych"), counts as one of that language's words. A short message with one such word (or one
function word of any language here) and no English function word is in that language when its lexicon understands
it (_short): "Welche Daten erheben Sie?", "¿Cuánto tiempo guardan mis datos?". "in" and "was" are function words of
German and Dutch as well as English, so they count for neither ("Was steht in der Richtlinie?"). "de" is listed for
Spanish and Portuguese as well as French and Dutch (until stop 26 it was not, and 22 Spanish or Portuguese
training lines were read as French or Dutch). Which
language: the one with most of its own function words in the message; a tie (Spanish and Portuguese share
many) goes to the language whose gloss lexicon understands more of the message.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

FUNCTION_WORDS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in {
    "es": """de el la los las del al un una unos unas y o pero que qué por para con sin sobre entre hasta desde
        mis tus sus nuestro nuestra nuestros mí yo usted ustedes ellos ella es son está están fue ser muy
        también ya cuando donde dónde cómo porque todos todas este esta estos estas eso esa quiero necesito
        quisiera puede pueden podrían se si cuál cuáles cual cuales cuánto cuántos cuándo quién quiénes""",
    "pt": """de os das dos da na nas nos no ao aos pelo pela pelos pelas uma umas meus minhas meu minha seu sua
        você vocês eu ele ela são está estão foi ser muito também já quando onde porque todos todas este
        esta isso essa gostaria preciso não que por para com sem sobre entre até desde podem poderiam se quais
        qual quem mim como quanto quantos""",
    "de": """der die das den dem des ein eine einen einem einer und oder aber dass nicht mit ohne für über
        zwischen bis von vom zum zur ich mich mir mein meine meinen meiner sie ihr ihre ihren wir uns unser
        ist sind war wird werden bitte alle auch schon wenn wo wie warum diese dieser dieses möchte möchten
        können könnten welche welcher welches welchen wofür wozu wieso weshalb wann wer""",
    "fr": """le les un une des du de au aux et ou mais que qui pas avec sans pour sur entre jusqu depuis je moi
        mes ma mon vous nous ils elles est sont était être très aussi déjà quand où comment pourquoi tous
        toutes cette ces merci votre vos voudrais pouvez pourriez se si quel quelle quels quelles quoi combien""",
    "it": """il lo gli le un una uno dei degli delle della dello del al alla alle ai e o ma che non con senza
        per su tra fino io mio mia miei mie voi noi loro è sono era essere molto anche già quando dove
        perché tutti tutte questo questa questi queste grazie vostro vostra vostri quanto quale quali chi
        cosa vorrei potete potreste posso se si""",
    # Dutch: "die", "is", "was", "over", "me", "we", "in", "of", "had" are English too and left out.
    "nl": """de het een van voor met zonder naar bij uit op aan tot ik mij mijn jij jou jouw u uw jullie wij ons
        onze zij ze hun niet geen ook wanneer waar hoe waarom wat wie welke graag alstublieft alsjeblieft
        kan kunt kunnen wil wilt willen zou zouden heb hebt heeft hebben ben bent worden wordt deze dit dat
        er nog maar en""",
    # Turkish, with and without its letters (people type "lutfen", "icin", "degil" on foreign keyboards).
    "tr": """bir bu şu ne neden niye niçin nicin nasıl nasil nedir nerede hangi için icin ile gibi fakat
        veya ancak çünkü cunku eğer eger benim bana beni bende benden biz bizim bize bizi siz sizin sizi sizde
        sizden onlar onun onu değil degil yok lütfen lutfen istiyorum isterim misiniz mısınız musunuz
        müsünüz mı mu mü kadar çok cok daha hiç hic tüm bütün butun hepsi şey sey ki""",
    "ru": """и в во не на я что с со как это мой мои моя моё мое мне меня вы вас вам ваш ваши ваше ваша по за
        от для из у ли можно пожалуйста почему зачем когда где какие какой все всё есть нет или но""",
    "pl": """nie się jest są czy że dla przez lub albo oraz jeśli jesli jeżeli jezeli kiedy gdzie
        dlaczego ile który która które ktory ktora ktore jaki jakie jaka mój moj moje moja moich moim mojego
        mojej mnie proszę prosze chcę chce chciałbym chcialbym chciałabym chcialabym można mozna mogę moge
        może moze możecie mozecie wszystkie wszystko także takze też tez już juz tylko bardzo państwo
        panstwo pani wasz wasze waszej waszych nasz kto""",
    "id": """yang di ke dari untuk dengan saya aku anda kamu kami kita mereka ini itu tidak tak bukan apa
        apakah bagaimana gimana kenapa mengapa siapa kapan dimana berapa bisa dapat ingin tolong mohon
        sudah udah belum akan juga atau tapi tetapi karena kalau jika pada oleh saja aja lagi semua sih
        nggak gak enggak""",
    # Hindi typed in Latin letters (Hinglish): "kya", "hai", "mera", "mujhe", "kaise", "nahi" and their
    # usual spellings.
    "hi": """kya kyaa kyun kyon kyu kaise kaisa kab kahan kaun kitna kitne kitni hai hain nahi nahin nhi
        mera meri mere mujhe mujhko aap aapka aapki aapke apka apki apke aapko apko humara hamara tumhara
        ko ka ki ke bhi aur kuch yeh woh kar karo kijiye karein karna sakte sakta chahiye chahta chahti batao
        bataiye hoon hota raha gaya liye saath bina abhi jaldi toh lekin""",
}.items()}
LANGUAGES: tuple[str, ...] = tuple(FUNCTION_WORDS)

# Words of these lists that are common English words (or English abbreviations) are never counted.
ALSO_ENGLISH = frozenset("""
a i in on as an no to do die come son pro me mi is dos use we us per era same sure u ai com
""".split())
# The lists of the later five languages simply leave their English look-alikes out (Turkish "ve", "her",
# "ben", "kim", "ya", "ama", "o", "size", "var"; Polish "co", "jak", "w", "z", "ten", "ta", "mam", "nas",
# "pan", "od", "po"; Indonesian "dan", "ada", "dong"; Hindi "main", "hum", "tum", "koi", "agar", "ye"):
# adding them to ALSO_ENGLISH would also take "o" ("or") from Spanish and Italian.
FOREIGN_FUNCTION_WORDS = frozenset().union(*FUNCTION_WORDS.values()) - ALSO_ENGLISH

ENGLISH_FUNCTION_WORDS = frozenset("""
the a an and or but that this these those of to in on for with without about from by at is are was
were be been being i me my mine you your we our they their it its he she his her what which who how
why when where do does did can could would should will please all also not any have has had there
""".split())

MIN_FOREIGN_WORDS = 2
# English as typed on phones that is a function word elsewhere: "wat data u collect" is not Dutch, so it is never
# the one word a short message is placed by.
TEXTING = frozenset({"wat"})
_GERMANIC_TOO = frozenset({"in", "was"})  # English function words that German and Dutch write too

# Letters that only Turkish (dotless ı, ğ, ş) or Polish (ł, ą, ę, ś, ź, ż) write among the languages here.
# So do endings no English word has: the Turkish present "-iyor(sunuz)" and "my ...s" "-lerim/-larım", the
# Polish "you (plural) do" "-acie/-ecie/-icie" and adjectives' "-owych/-nych".
_LETTERS = {"tr": re.compile("[ığş]|[iıuü]yor|l[ae]r[iı]m"), "pl": re.compile("[łąęśźż]|[aei]cie$|(?:ow|n)ych$")}


def detect(text: str) -> str | None:
    """The language (one of LANGUAGES) a message is clearly written in, or None (English, another language,
    or too little to tell)."""
    words = [w.lower() for w in _WORDS.findall(text)]
    cyrillic = sum(bool(_CYRILLIC.search(w)) for w in words)
    if cyrillic and cyrillic > len(words) - cyrillic:
        return "ru"  # the script says it; Russian is the only Cyrillic language with a lexicon
    foreign = [w for w in words if w in FOREIGN_FUNCTION_WORDS]
    # A word with a letter (or an ending) only Turkish or Polish writes counts like a function word of that
    # language: short requests in them have few function words ("Hesabımı kapatın").
    marked = {lang: sum(bool(pattern.search(w)) and w not in FUNCTION_WORDS[lang] for w in words)
              for lang, pattern in _LETTERS.items()}
    english = sum(w in ENGLISH_FUNCTION_WORDS and w not in _GERMANIC_TOO for w in words)
    hits = len(foreign) + sum(marked.values())
    if hits == 1 and not english:
        return None if TEXTING.intersection(foreign) else _short(text, foreign, marked)
    if not (hits >= MIN_FOREIGN_WORDS and hits > english):
        return None
    counts = {lang: sum(w in FUNCTION_WORDS[lang] for w in foreign) + marked.get(lang, 0) for lang in LANGUAGES}
    best = max(counts.values())
    tied = [lang for lang in LANGUAGES if counts[lang] == best]
    if len(tied) == 1:
        return tied[0]
    from bot.gloss import gloss  # the lexicons load on the first tie only

    return max(tied, key=lambda lang: gloss(text, lang).known_share)  # max keeps the first of equals


def _short(text: str, foreign: list[str], marked: dict[str, int]) -> str | None:
    """A short message with one function word (or marked word) of a language and no English one ("akun saya dibobol",
    "Verilerim güvende mi?", "Quais dados vocês coletam?") is in that language when its lexicon understands it
    (GLOSS_MIN_SHARE), as a glossed message must be. Over the 37 training authors' lines (35,256 router lines, Kimss
    questions and conversation turns), extending it to the first six languages (stop 26, with their question words
    "welche", "quais", "cuánto", "quelles", ...) put 121 more lines in a language, all of them in it, and no English
    line; the later five, where it began, added 11 lines and no English one (bench/languages_added.py)."""
    from bot.gloss import GLOSS_MIN_SHARE, gloss  # the lexicons load on the first such message only

    for lang in LANGUAGES:
        if marked.get(lang) or any(w in FUNCTION_WORDS[lang] for w in foreign):
            if gloss(text, lang).known_share >= GLOSS_MIN_SHARE:
                return lang
    return None


def looks_foreign(text: str) -> bool:
    """Whether the message is clearly written in one of LANGUAGES (not English)."""
    return detect(text) is not None
