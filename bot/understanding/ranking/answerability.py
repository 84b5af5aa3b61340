"""Does the best section answer the question? Features of (question, top section) for the verifier.

Relevance is not answerability: "how long do you keep my data?" is close to a section on what data
is collected, but that section does not say *how long*. So besides the ranker's signals the
verifier sees what kind of fact the question asks for (a period, a place, a party, a yes/no about
a named practice) and whether the section contains that kind of fact at all, and how many of the
question's own specific words the section uses (without synonyms).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.lexical import GENERIC_WORDS, QUESTION_CACHE, SYNONYMS, TOPICS, question_tokens, tokenize
from bot.prefilter import Prefiltered
from bot.understanding.ranking import word_evidence
from bot.understanding.ranking.features import RANKING_FEATURES

VERIFIER_VERSION = "verifier-features-9"

_ASKS = {
    "period": re.compile(r"\bhow long\b|\bretention (period|time)\b|\bhow many (days|weeks|months|years)\b|"
                         r"\buntil when\b|\bfor how much time\b|\bwhen (do|will|does) (you|it|kimss)\w* (delete|erase|"
                         r"purge|remove|get rid)|\bafter (i|we) (leave|cancel|close|quit)", re.I),
    "place": re.compile(r"\bwhere\b.{0,40}\b(stor|kept|keep|held|host|locat|process|server|transfer|live|reside)|"
                        r"\b(which|what) (countr|region|jurisdiction|data ?cent)|\boutside (of )?(the )?"
                        r"(eu|us|u\.s|european|united|country|my country|uk|eea)\b|\btransferr?(ed|s)? (to|abroad|"
                        r"overseas|internationally)|\babroad\b|\boverseas\b|\bdata residency\b", re.I),
    "party": re.compile(r"\bwho\b|\bwhich (companies|company|partners?|vendors?|third|providers?|subprocessors?|"
                        r"processors?|advertisers?|services|tools|firms?|organi[sz]ations?)\b|\bnames? of\b|"
                        r"\bwhat (companies|partners|vendors|third parties|subprocessors|advertisers)\b", re.I),
    "contact": re.compile(r"\be-?mail address|\bphone\b|\bphone number|\btelephone|\bpostal address|"
                          r"\bmailing address|\bstreet address|\bfax\b|\bcall (you|kimss|someone)\b", re.I),
    "frequency": re.compile(r"\bhow (often|frequently|regularly)\b|\bhow many times\b|\bevery (day|week|month|"
                            r"quarter|year)\b", re.I),
    # The name of a thing: which provider, which law, which algorithm — not "what information".
    "name": re.compile(r"\b(which|what)\s+((?!(can|do|does|did|will|would|should|could|may|must)\b)\w+\s+){0,3}?(providers?|compan(y|ies)|vendors?|sub-?processors?|entity|"
                       r"entities|laws?|algorithms?|ciphers?|standards?|certifications?|frameworks?|models?|clouds?|"
                       r"hosts?|brands?|partners?)\b|\bnames? of\b|\b(name|list)( of)? (your |the |all )*(sub-?processors|vendors|"
                       r"partners|providers|third parties|companies)", re.I),
    "number": re.compile(r"\bhow (many|much)\b|\b(minimum|maximum)\b|\bwhat age\b|\bhow old\b|\bpercent", re.I),
    # How to reach someone or make a request: answered by a section saying where to go.
    "route": re.compile(r"\b(how|where)\b.{0,40}\b(contact|reach|send|submit|file|exercise|request|report|raise|write|"
                        r"complain|get in touch|ask (for|to|you|kimss))\b|\bhow (do|can|could|should) (i|we)\b.{0,30}\b(delete|erase|"
                        r"remove|correct|export|download|deleted|erased|removed|corrected|exported)\b|\bwhere do (i|we) go\b|\bwho (do|should|can) (i|we) (contact|ask|write|email|talk)", re.I),
    "yes_no": re.compile(r"^\s*(do|does|did|is|are|was|were|can|could|will|would|have|has|may|should)\b", re.I),
}
_CONTAINS = {
    "period": re.compile(r"\b(\d+|one|two|three|four|five|six|seven|ten|twelve|thirty|sixty|ninety)[\s-]*"
                         r"(day|week|month|year)s?\b|\bas long as\b|\bno longer than\b|\bretention period\b|"
                         r"\bperiod of time\b|\bindefinitely\b|\buntil\b|\bretain\w*\b", re.I),
    "place": re.compile(r"\b(united states|u\.s\.|usa|european union|eu|eea|uk|united kingdom|countr(y|ies)|"
                        r"regions?|data cent(er|re)s?|located in|servers? in|abroad|outside|international\w*|"
                        r"jurisdictions?)\b", re.I),
    "party": re.compile(r"\b(third[- ]part(y|ies)|partners?|vendors?|affiliates?|service providers?|processors?|"
                        r"subprocessors?|advertisers?|google|facebook|amazon|microsoft|stripe|contractors?|"
                        r"law enforcement|authorities)\b", re.I),
    # An email address, a phone number or a postal address written out.
    "contact": re.compile(r"[\w.+-]+@[\w-]+\.\w+|\+?\d[\d ()-]{7,}\d|\b(street|avenue|suite|road|p\.?o\.? box)\b",
                          re.I),
    "frequency": re.compile(r"\b(annual(ly)?|yearly|quarterly|monthly|weekly|daily|hourly|every (day|week|month|"
                            r"quarter|year)|once a|twice a|periodic(al(ly)?)?|regular(ly)?|continuous(ly)?)\b", re.I),
    "number": re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirteen|sixteen|eighteen|"
                         r"twenty|thirty|hundred)\b", re.I),
    # A place to go: an address, a link or a path, or "contact … through/via/at …".
    "route": re.compile(r"[\w.+-]+@[\w-]+\.\w+|https?://|www\.|(?<![\w/])/[a-z][\w-]*|\bcontact\b.{0,80}\b(through|via|"
                        r"at|by)\b", re.I),
}
FACT_KINDS = ("period", "place", "party", "contact", "frequency", "number", "route")

# Specific privacy practices a question may name (after the OPP-115 categories and their attributes):
# (what in a question names it, what in policy text speaks of it). A question naming a practice that
# its best section — or its whole document — never speaks of is rarely answered by it.
_CONCEPTS = [
    (r"how long|retain|retention|kept for|purg|forever|backups?|delet\w* after", r"retain|retention|as long as|"
     r"period|purg|days|months|years"),  # a text that merely mentions backups does not say how long
    (r"\bsell|\bsold\b|\bsale\b", r"\bsell|\bsold\b|\bsale\b"),
    (r"advertis|\bads?\b|marketing|newsletter|promotional", r"advertis|\bads?\b|marketing|newsletter|promotional"),
    # "For our vendor review" is the asker reviewing Kimss, not a question about Kimss's vendors.
    (r"third[- ]part|partners?\b|affiliates?|subprocessor|sub-processor|vendors?\b(?! (review|assessment|questionnaire|"
     r"due diligence|risk))|law enforcement|government|police|court|\bshar\w*\b.{0,30}\bwith\b|\bdisclos\w* (to|with)\b|"
     r"\b(sent|send|passed|give|gave|hand\w*) .{0,25}\bto (other|third|outside|any)|\b(sent|passed|given|sold) to "
     r"(?!you\b|kimss|us\b|support)",
     r"third[- ]part|partner|affiliate|subprocessor|vendor|service provider|law enforcement|government|authorit|court"),
    (r"acqui|merg|bankrupt", r"acqui|merg|bankrupt"),
    # Tracking as a practice (cookies, trackers, following people across sites) — "do you track usage events?"
    # asks what is collected, in other words.
    (r"cookie|tracking tech|trackers?\b|\btrack\w* (me|you|users|people|my (location|browsing|activity))|across (other )?"
     r"(sites|websites|apps)|pixel|beacon|analytics|do not track|\bdnt\b|fingerprint|global privacy control|\bgpc\b",
     r"cookie|track|pixel|beacon|analytics"),
    (r"child|\bkids?\b|minor|under 1[3-8]|teen|parent", r"child|minor|under 1[3-8]|parent"),
    (r"countr|abroad|overseas|international|transfer|region|servers?\b|hosted|located|data cent|\bin the (us|eu|uk)\b|"
     r"outside (of )?(the )?(eu|us|eea|uk)|residency|standard contractual", r"countr|abroad|international|transfer|"
     r"region|server|hosted|located|data cent|united states|europe"),
    (r"gdpr|ccpa|cpra|lgpd|hipaa|coppa|california|article \d|lawful basis|legal basis|legitimate interest|"
     r"data protection officer|\bdpo\b|supervisory|regulator|\bcontroller\b|processing agreement|\bdpa\b|"
     r"impact assessment|\bdpia", r"gdpr|ccpa|lgpd|hipaa|coppa|california|controller|processing agreement|"
     r"impact assessment|"
     r"lawful basis|legal basis|legitimate interest|data protection officer|regulat"),
    (r"right to|\brights\b|portab|object to|restrict", r"\bright|portab|object|restrict"),
    (r"opt[- ]?(out|in)|unsubscrib|consent|withdraw|preferences", r"\bopt|unsubscrib|consent|withdraw|choice|preference"),
    (r"(chang|updat|notif|amend|revis)\w*.{0,30}(polic|terms|notice)|(polic|terms|notice).{0,20}(chang|amend|revis|"
     r"(is|are|gets?|be) updat)|(old|previous|earlier|past) versions?|version history",
     r"chang|updat|revis|amend|notif"),
    (r"\btrain|machine learning|\bml\b", r"\btrain|machine learning"),
    (r"breach|\bleak|incident", r"breach|incident|notif"),
    (r"certif|soc ?2|iso ?27001|pen(etration)? test|auditors\b|auditor\b|independent (audit|assess)",
     r"certif|soc ?2|iso ?27001|penetration|auditor|independent"),
    # How people sign in and who is vetted: named security controls a general safeguards text does not make.
    (r"multi-?factor|two-?factor|\b2fa\b|\bmfa\b|passwords?|credentials?|background check",
     r"multi-?factor|two-?factor|\b2fa\b|\bmfa\b|password|credential|background check"),
    (r"\bresearch|benchmark|statistic|aggregat", r"\bresearch|benchmark|statistic|aggregat"),
    (r"at rest|\baes\b|256", r"at rest|\baes\b"),
    (r"biometric|health|medical|social security|\bssn\b|religio|sexual|genetic|location|\bgps\b",
     r"biometric|health|medical|social security|religio|sexual|genetic|location|\bgps\b"),
    (r"social media|other (sources|companies)|data brokers?|public sources", r"social media|other sources|broker|public"),
    (r"profil|automated decision", r"profil|automated decision"),
    (r"\bfees?\b|\bcost|\bcharge|how (many days|quickly|fast|soon)|deadline|within \d+", r"\bfee|charge|within \d+|days"),
    (r"anonym|pseudonym|de-?identif", r"anonym|pseudonym|de-?identif"),
    # People reading or seeing someone's content: staff, admins, other customers.
    (r"\b(staff|employees?|humans?|personnel|engineers?|admins?|administrators?|support (team|staff|agents?)|"
     r"other (customers|users|workspaces))\b.{0,40}\b(read|see|view|access|look|shown)|\bwho at \w+ (can|could|will)|"
     r"\b(shown|visible|exposed) to\b|\b(between|across) (workspaces|customers|accounts|tenants)\b", r"employee|staff|personnel|administrator|\badmins?\b|need[- ]to[- ]know|"
     r"authori[sz]ed (personnel|person|staff|employee)|isolat"),
    # Deletion and what happens when an account ends (OPP-115: retention, and access/edit/deletion).
    (r"\b(delet\w*|eras\w*|purg\w*|trash|permanent\w*)\b|\bclos\w* (my|our|the|an) account|\bcancel\w*|\binactive\b|"
     r"\b(removed|leave|leaving) (from )?(the |a )?(workspace|service|kimss)",
     r"delet|eras|retain|retention|as long as|clos\w* (your|an|the) account|terminat|inactive"),
]
_CONCEPT_PATTERNS = [(re.compile(q, re.I), re.compile(t, re.I)) for q, t in _CONCEPTS]
# The question side is searched on every ask: in the lower-cased question without re.I, which finds the
# same concepts (the patterns are lower case; tests/test_retrieval_scale.py) at half the cost of 25
# case-insensitive scans; a pattern none of whose literals is in the question is not run (bot/prefilter.py).
_CONCEPT_ASKS = [Prefiltered(re.compile(q)) for q, _ in _CONCEPTS]

VERIFIER_FEATURES = (
    "ranker_score",  # the ranker's log-odds for the top section
    "ranker_margin",  # top minus second section's log-odds
    "chunk_cosine", "sentence_cosine", "sentence_with_words", "sentence_word_share", "section_word_share",
    "bm25", "practice_words", "practice_prototype", "topics_missing", "no_shared_words", "title_word_share",
    "own_words_exact_share",  # idf share of the question's own specific words found verbatim
    "own_words_missing",  # how many of the question's specific words (idf above median) are absent
    "asks_yes_no",
    "asks_period", "asks_place", "asks_party", "asks_contact", "asks_frequency", "asks_number", "asks_route",
    # asks for that kind of fact (a period, a place, a party, a contact detail, how often, a number, where to
    # go), the section has none
    "period_missing", "place_missing", "party_missing", "contact_missing", "frequency_missing", "number_missing",
    "route_missing",
    "asks_name",  # which provider, law, algorithm, entity…: the name of a thing
    "name_missing",  # … and the section names nothing (no proper name beyond the document's own)
    "own_words_missing_in_document",  # the question's specific words (or synonyms) its whole document never uses
    "own_words_missing_in_document_share",  # the same, as an idf-weighted share of its specific words
    "question_length",  # log(1 + words)
    "practices_named",  # specific practices (_CONCEPTS) the question names
    "practices_missing_in_section",  # of those, how many the best section never speaks of
    "practices_missing_in_document",  # of those, how many its whole document never speaks of
    # "Do you collect my IP address?": the idf share of the object's words (what is collected, read, kept…)
    # that the best section, or its whole document, never uses (nor a synonym)
    "object_missing_in_section", "object_missing_in_document",
    # The strongest learned evidence among the question's specific words the best section does not use
    # (word_evidence.py: "IP", "rest", "cookies", "training" are usually what the policy does not say)
    "missing_word_evidence",
)
# The object of an action on data: "collect | read | keep … (my|our|the)? <object>".
_OBJECT = re.compile(r"\b(collect|store|keep|record|log|gather|process|access|read|scan|save|see|view|track)\w*\s+"
                     r"(?:(?:my|our|your|the|all|any|of|all the|every)\s+)*((?:[\w'-]+\s*){1,4})", re.I)


# Searched on every ask: in the lower-cased question without re.I (the patterns are lower case), as the
# concept patterns below, and prefiltered (bot/prefilter.py).
_ASKS_LOWER = {kind: Prefiltered(re.compile(pattern.pattern)) for kind, pattern in _ASKS.items()}


def asked_facts(question: str) -> dict[str, bool]:
    lowered = question.lower()
    return {kind: bool(pattern.search(lowered)) for kind, pattern in _ASKS_LOWER.items()}


def contained_facts(text: str) -> dict[str, bool]:
    return {kind: bool(pattern.search(text)) for kind, pattern in _CONTAINS.items()}


@dataclass(frozen=True)
class TextFacts:
    """What a text (a section, a whole document) speaks of, for the verifier: computed once per loaded
    index (bot/retrieval.py), so no regular expression runs over policy text on an ask."""

    contains: dict[str, bool]  # per FACT_KINDS: it states that kind of fact (a period, a place, a party…)
    practices: tuple[bool, ...]  # per _CONCEPTS: it speaks of that practice
    tokens: frozenset[str]  # its words (bot.lexical.tokenize)
    names: frozenset[str] = frozenset()  # proper names it uses (proper_names)
    lead_names: frozenset[str] = frozenset()  # those of its opening: a document's own name ("Kimss", "AI")


def text_facts(text: str) -> TextFacts:
    return TextFacts(contained_facts(text), tuple(bool(t.search(text)) for _, t in _CONCEPT_PATTERNS),
                     frozenset(tokenize(text)), proper_names(text), proper_names(text[:LEAD_CHARACTERS]))


LEAD_CHARACTERS = 200  # the opening sentence: "This policy explains how Kimss AI…"
# Words policies capitalise that name nothing in particular.
_NOT_NAMES = frozenset("""i we you our us your they their privacy policy notice statement terms service services site
website websites personal information data internet company agreement section effective date last updated please
contact user users customer customers account content act the this these those if when for in on at by to of and or
""".split())
_SENTENCE = re.compile(r"(?:^|[.!?:;]|\n)\s*(?:[-*•#]+\s*)?[\"'“(]?(\S+)")
_CAPITALISED = re.compile(r"\b([A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]+)\b")


def proper_names(text: str) -> frozenset[str]:
    """Capitalised words that do not open a sentence or a list item, nor are words policies capitalise anyway:
    "Google", "AWS", "Stripe", "ISO". A proxy for "the text names a particular party, law or product"."""
    openers = {m.start(1) for m in _SENTENCE.finditer(text)}
    return frozenset(m.group(1) for m in _CAPITALISED.finditer(text)
                     if m.start(1) not in openers and m.group(1).lower() not in _NOT_NAMES)


@dataclass(frozen=True)
class QuestionFacts:
    asks: dict[str, bool]  # asked_facts
    practices: tuple[int, ...]  # which _CONCEPTS it names
    specific: tuple[str, ...]  # its own tokens, generic words left out, first occurrence order
    length: float  # the question_length feature: log(1 + words)
    objects: tuple[str, ...] = ()  # tokens of what it asks is collected, read, kept… (_OBJECT)


@lru_cache(maxsize=QUESTION_CACHE)
def question_facts(question: str) -> QuestionFacts:
    """The question's side of the features: one ask reads it several times (best section, others cited)."""
    return QuestionFacts(asked_facts(question),
                         _concepts_asked(question.lower()),
                         tuple(t for t in dict.fromkeys(question_tokens(question)) if t not in GENERIC_WORDS),
                         float(np.log1p(len(question.split()))),
                         tuple(t for m in _OBJECT.finditer(question) for t in tokenize(m.group(2))
                               if t not in GENERIC_WORDS and not (t in SYNONYMS and t not in TOPICS)))


def _concepts_asked(lowered: str) -> tuple[int, ...]:
    return tuple(i for i, ask in enumerate(_CONCEPT_ASKS) if ask.search(lowered))


# The ranker's signals the verifier reads as they are, and the order `features` writes a row in (checked
# against VERIFIER_FEATURES below): a list in a fixed order, not a dict of names, as it is built several
# times per ask.
_RANKER_SIGNALS = ("chunk_cosine", "sentence_cosine", "sentence_with_words", "sentence_word_share",
                   "section_word_share", "bm25", "practice_words", "practice_prototype", "topics_missing",
                   "no_shared_words", "title_word_share")
_RANKER_COLUMNS = np.array([RANKING_FEATURES.index(name) for name in _RANKER_SIGNALS])  # an array: no list conversion per row
_ROW_ORDER = ("ranker_score", "ranker_margin", *_RANKER_SIGNALS, "own_words_exact_share", "own_words_missing",
              "asks_yes_no", *(f"asks_{k}" for k in FACT_KINDS), *(f"{k}_missing" for k in FACT_KINDS),
              "asks_name", "name_missing", "own_words_missing_in_document", "own_words_missing_in_document_share",
              "question_length", "practices_named", "practices_missing_in_section", "practices_missing_in_document",
              "object_missing_in_section", "object_missing_in_document", "missing_word_evidence")
if _ROW_ORDER != VERIFIER_FEATURES:
    raise AssertionError("answerability.features writes its row in another order than VERIFIER_FEATURES")


def missing_words(question: str, section_tokens) -> tuple[str, ...]:
    """The question's specific words (generic ones left out) that the section does not use, nor a synonym."""
    return tuple(t for t in question_facts(question).specific if not _uses(section_tokens, t))


def features(question: str, top, second, section: TextFacts, section_tokens: set[str], idf,
             document: TextFacts, evidence: Mapping[str, float] | None = None) -> np.ndarray:
    """One row of VERIFIER_FEATURES. `top`/`second`: SectionHit (second may be None); `idf(term)`;
    `section`/`document`: text_facts of the best section and of its whole document; `evidence`: the
    verifier's learned word table (word_evidence.py; None: the feature is 0, as training writes it first)."""
    facts = question_facts(question)
    asks = facts.asks
    has = section.contains
    specific = facts.specific
    weights = [idf(t) for t in specific]
    total = sum(weights)
    found = [t in section_tokens for t in specific]
    exact = sum(w for w, f in zip(weights, found) if f) / total if total else 0.0
    median = _median(weights)
    missing = sum(1 for w, f in zip(weights, found) if not f and w >= median)
    # A word the whole document never uses (nor a synonym of it): "IP address", "bug bounty", "appeal"…
    # Words the vocabulary marks ambiguous ("store", "keep", "use": in a group but naming no topic on their
    # own) do not count: "what do you store about me?" asks what is collected, in other words.
    absent = [not _uses(document.tokens, t) and not (t in SYNONYMS and t not in TOPICS) for t in specific]
    absent_share = sum(w for w, a in zip(weights, absent) if a) / total if total else 0.0
    named = facts.practices
    return np.array([
        top.score,
        top.score - second.score if second is not None else 5.0,
        *top.features[_RANKER_COLUMNS].tolist(),
        exact,
        float(missing),
        float(asks["yes_no"]),
        *[float(asks[k]) for k in FACT_KINDS],
        *[float(asks[k] and not has[k]) for k in FACT_KINDS],
        float(asks["name"]),
        float(asks["name"] and not (section.names - document.lead_names)),
        float(sum(absent)),
        absent_share,
        facts.length,
        float(len(named)),
        float(sum(1 for i in named if not section.practices[i])),
        float(sum(1 for i in named if not document.practices[i])),
        _unused_share(facts.objects, section_tokens, idf),
        _unused_share(facts.objects, document.tokens, idf),
        word_evidence.strongest(word_evidence.qualified(missing_words(question, section_tokens), getattr(top, "section_id", None)),
                                evidence) if evidence else 0.0,
    ], dtype=np.float32)


def _unused_share(words: tuple[str, ...], tokens, idf) -> float:
    """The idf-weighted share of `words` that `tokens` never uses, nor a synonym of them."""
    weights = [idf(t) for t in words]
    total = sum(weights)
    unused = sum(w for t, w in zip(words, weights) if not _uses(tokens, t))
    return unused / total if total else 0.0


def _uses(tokens, word: str) -> bool:
    """`tokens` has `word` or a synonym of it (without building the set of both, as this runs per word per row)."""
    return word in tokens or not SYNONYMS.get(word, _NO_WORDS).isdisjoint(tokens)


_NO_WORDS: frozenset[str] = frozenset()


def _median(values: list[float]) -> float:
    """np.median of a short list, without its overhead (it is called on every ask)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0
