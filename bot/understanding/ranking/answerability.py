"""Does the best section answer the question? Features of (question, top section) for the verifier.

Relevance is not answerability: "how long do you keep my data?" is close to a section on what data
is collected, but that section does not say *how long*. So besides the ranker's signals the
verifier sees what kind of fact the question asks for (a period, a place, a party, a yes/no about
a named practice) and whether the section contains that kind of fact at all, and how many of the
question's own specific words the section uses (without synonyms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.lexical import GENERIC_WORDS, SYNONYMS, TOPICS, tokenize
from bot.understanding.ranking.features import RANKING_FEATURES

VERIFIER_VERSION = "verifier-features-6"

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
}
FACT_KINDS = ("period", "place", "party", "contact", "frequency")

# Specific privacy practices a question may name (after the OPP-115 categories and their attributes):
# (what in a question names it, what in policy text speaks of it). A question naming a practice that
# its best section — or its whole document — never speaks of is rarely answered by it.
_CONCEPTS = [
    (r"how long|retain|retention|kept for|purg|forever|backups?|delet\w* after", r"retain|retention|as long as|"
     r"period|purg|days|months|years"),  # a text that merely mentions backups does not say how long
    (r"\bsell|\bsold\b|\bsale\b", r"\bsell|\bsold\b|\bsale\b"),
    (r"advertis|\bads?\b|marketing|newsletter|promotional", r"advertis|\bads?\b|marketing|newsletter|promotional"),
    (r"third[- ]part|partners?\b|affiliates?|subprocessor|vendors?\b|law enforcement|government|police|court",
     r"third[- ]part|partner|affiliate|subprocessor|vendor|service provider|law enforcement|government|authorit|court"),
    (r"acqui|merg|bankrupt", r"acqui|merg|bankrupt"),
    (r"cookie|track|pixel|beacon|analytics|do not track|\bdnt\b|fingerprint", r"cookie|track|pixel|beacon|analytics"),
    (r"child|\bkids?\b|minor|under 1[3-8]|teen|parent", r"child|minor|under 1[3-8]|parent"),
    (r"countr|abroad|overseas|international|transfer|region|servers?\b|hosted|located|data cent|\bin the (us|eu|uk)\b|"
     r"outside (of )?(the )?(eu|us|eea|uk)|residency|standard contractual", r"countr|abroad|international|transfer|"
     r"region|server|hosted|located|data cent|united states|europe"),
    (r"gdpr|ccpa|cpra|lgpd|hipaa|coppa|california|article \d|lawful basis|legal basis|legitimate interest|"
     r"data protection officer|\bdpo\b|supervisory|regulator", r"gdpr|ccpa|lgpd|hipaa|coppa|california|"
     r"lawful basis|legal basis|legitimate interest|data protection officer|regulat"),
    (r"right to|\brights\b|portab|object to|restrict", r"\bright|portab|object|restrict"),
    (r"opt[- ]?(out|in)|unsubscrib|consent|withdraw|preferences", r"\bopt|unsubscrib|consent|withdraw|choice|preference"),
    (r"(chang|updat|notif|amend|revis)\w*.{0,30}(polic|terms|notice)|(polic|terms).{0,20}chang",
     r"chang|updat|revis|amend|notif"),
    (r"\btrain|machine learning|\bml\b", r"\btrain|machine learning"),
    (r"breach|\bleak|incident", r"breach|incident|notif"),
    (r"certif|soc ?2|iso ?27001|pen(etration)? test", r"certif|soc ?2|iso ?27001|penetration"),
    (r"at rest|\baes\b|256", r"at rest|\baes\b"),
    (r"biometric|health|medical|social security|\bssn\b|religio|sexual|genetic|location|\bgps\b",
     r"biometric|health|medical|social security|religio|sexual|genetic|location|\bgps\b"),
    (r"social media|other (sources|companies)|data brokers?|public sources", r"social media|other sources|broker|public"),
    (r"profil|automated decision", r"profil|automated decision"),
    (r"\bfees?\b|\bcost|\bcharge|how (many days|quickly|fast|soon)|deadline|within \d+", r"\bfee|charge|within \d+|days"),
    (r"anonym|pseudonym|de-?identif", r"anonym|pseudonym|de-?identif"),
]
_CONCEPT_PATTERNS = [(re.compile(q, re.I), re.compile(t, re.I)) for q, t in _CONCEPTS]

VERIFIER_FEATURES = (
    "ranker_score",  # the ranker's log-odds for the top section
    "ranker_margin",  # top minus second section's log-odds
    "chunk_cosine", "sentence_cosine", "sentence_with_words", "sentence_word_share", "section_word_share",
    "bm25", "practice_words", "practice_prototype", "topics_missing", "no_shared_words", "title_word_share",
    "own_words_exact_share",  # idf share of the question's own specific words found verbatim
    "own_words_missing",  # how many of the question's specific words (idf above median) are absent
    "asks_yes_no",
    "asks_period", "asks_place", "asks_party", "asks_contact", "asks_frequency",
    # asks for that kind of fact (a period, a place, a party, a contact detail, how often), the section has none
    "period_missing", "place_missing", "party_missing", "contact_missing", "frequency_missing",
    "own_words_missing_in_document",  # the question's specific words (or synonyms) its whole document never uses
    "own_words_missing_in_document_share",  # the same, as an idf-weighted share of its specific words
    "question_length",  # log(1 + words)
    "practices_named",  # specific practices (_CONCEPTS) the question names
    "practices_missing_in_section",  # of those, how many the best section never speaks of
    "practices_missing_in_document",  # of those, how many its whole document never speaks of
)


def asked_facts(question: str) -> dict[str, bool]:
    return {kind: bool(pattern.search(question)) for kind, pattern in _ASKS.items()}


def contained_facts(text: str) -> dict[str, bool]:
    return {kind: bool(pattern.search(text)) for kind, pattern in _CONTAINS.items()}


@dataclass(frozen=True)
class TextFacts:
    """What a text (a section, a whole document) speaks of, for the verifier: computed once per loaded
    index (bot/retrieval.py), so no regular expression runs over policy text on an ask."""

    contains: dict[str, bool]  # per FACT_KINDS: it states that kind of fact (a period, a place, a party…)
    practices: tuple[bool, ...]  # per _CONCEPTS: it speaks of that practice
    tokens: frozenset[str]  # its words (bot.lexical.tokenize)


def text_facts(text: str) -> TextFacts:
    return TextFacts(contained_facts(text), tuple(bool(t.search(text)) for _, t in _CONCEPT_PATTERNS),
                     frozenset(tokenize(text)))


@dataclass(frozen=True)
class QuestionFacts:
    asks: dict[str, bool]  # asked_facts
    practices: tuple[int, ...]  # which _CONCEPTS it names
    specific: tuple[str, ...]  # its own tokens, generic words left out, first occurrence order
    length: float  # the question_length feature: log(1 + words)


@lru_cache(maxsize=512)
def question_facts(question: str) -> QuestionFacts:
    """The question's side of the features: one ask reads it several times (best section, others cited)."""
    return QuestionFacts(asked_facts(question),
                         tuple(i for i, (ask, _) in enumerate(_CONCEPT_PATTERNS) if ask.search(question)),
                         tuple(t for t in dict.fromkeys(tokenize(question)) if t not in GENERIC_WORDS),
                         float(np.log1p(len(question.split()))))


def features(question: str, top, second, section: TextFacts, section_tokens: set[str], idf,
             document: TextFacts) -> np.ndarray:
    """One row of VERIFIER_FEATURES. `top`/`second`: SectionHit (second may be None); `idf(term)`;
    `section`/`document`: text_facts of the best section and of its whole document."""
    ranked = dict(zip(RANKING_FEATURES, top.features.tolist()))
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
    absent = [not ({t} | SYNONYMS.get(t, set())) & document.tokens and not (t in SYNONYMS and t not in TOPICS)
              for t in specific]
    absent_share = sum(w for w, a in zip(weights, absent) if a) / total if total else 0.0
    row = {
        "ranker_score": top.score,
        "ranker_margin": top.score - second.score if second is not None else 5.0,
        **{name: ranked[name] for name in ("chunk_cosine", "sentence_cosine", "sentence_with_words",
                                           "sentence_word_share", "section_word_share", "bm25", "practice_words",
                                           "practice_prototype", "topics_missing", "no_shared_words",
                                           "title_word_share")},
        "own_words_exact_share": exact,
        "own_words_missing": float(missing),
        "asks_yes_no": float(asks["yes_no"]),
        **{f"asks_{k}": float(asks[k]) for k in FACT_KINDS},
        **{f"{k}_missing": float(asks[k] and not has[k]) for k in FACT_KINDS},
        "question_length": facts.length,
        "own_words_missing_in_document": float(sum(absent)),
        "own_words_missing_in_document_share": absent_share,
    }
    named = facts.practices
    row["practices_named"] = float(len(named))
    row["practices_missing_in_section"] = float(sum(1 for i in named if not section.practices[i]))
    row["practices_missing_in_document"] = float(sum(1 for i in named if not document.practices[i]))
    return np.array([row[name] for name in VERIFIER_FEATURES], dtype=np.float32)


def _median(values: list[float]) -> float:
    """np.median of a short list, without its overhead (it is called on every ask)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0
