"""Lexical matching: tokens, light stemming, privacy vocabulary, and a small BM25.

Dense embeddings miss exact terms (product names, "GDPR", "/app/support"); BM25 misses
paraphrase. Retrieval fuses both. The vocabulary groups let "share" meet "third parties" and
"keep" meet "retain" on the lexical side too — words privacy policies use for the same idea.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache

import numpy as np

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me might more most my myself no nor not now of off on once
    only or other our ours out over own same shall she should so some such than that the their theirs them then
    there these they this those through to too under until up upon very was we were what when where which while who
    whom why will with would you your yours yourself us kimss please tell know want""".split()
)

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_SUFFIX_ENDS = frozenset("sngdry")  # the last letters of stem()'s suffixes


def stem(word: str) -> str:
    """A deliberately light stemmer: plural and common verb/noun endings only."""
    if word[-1:] not in _SUFFIX_ENDS:  # most words end in no suffix's letter: skip the twelve tests
        return word
    for suffix, keep in (("ations", 3), ("ation", 3), ("ings", 3), ("ing", 3), ("ies", 3), ("ied", 3),
                         ("ers", 3), ("er", 4), ("ed", 3), ("es", 4), ("ly", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


def tokenize(text: str) -> list[str]:
    tokens = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        base = word.partition("'")[0]  # "user's" -> "user" (one call, where w.split("'")[0] took two)
        if base not in STOPWORDS and len(word) > 1:
            tokens.append(stem(base))
    return tokens


# Groups of words privacy documents use interchangeably; query terms expand to their group.
# Groups of words privacy documents use interchangeably; query terms expand to their group.
# A word marked "?" is ambiguous ("keep it safe", "access controls"): it expands, but on its
# own it does not say the question is about that topic.
VOCABULARY_GROUPS = [
    "share disclose disclosure sell third party parties partner vendor processor subprocessor transfer",
    "?keep retain retention ?store storage ?hold ?long ?period",
    "delete deletion erase erasure ?remove wipe forget",
    "protect protection secure security safeguard encrypt encryption encrypted ?safe",
    "collect collection gather ?obtain capture",
    "?use usage ?purpose ?purposes",
    "contact ?reach ?support email ?help",
    "?access ?copy export download portability",
    "correct correction rectify rectification ?fix amend inaccurate",
    "cookie cookies track tracking tracker pixel",
    "password credential authentication authenticate login ?sign",
    "payment billing ?card subscription invoice",
    "log logs telemetry monitoring ?monitor",
    "breach leak incident compromise hack",
    "opt object objection unsubscribe withdraw consent",
    "ai agent agents prompt prompts ?model",
    "market marketing advertise advertising advertisers ads newsletter promotional",
    "international abroad country countries europe european eu region jurisdiction",
    "?age child children minor",
    "location gps geolocation",
    "?information ?data ?details",
]


def _group_stems(group: str) -> tuple[set[str], set[str]]:
    words = group.split()
    every = {stem(w.lstrip("?")) for w in words}
    naming = {stem(w) for w in words if not w.startswith("?")}
    return every, naming


SYNONYMS: dict[str, set[str]] = defaultdict(set)
TOPICS: dict[str, frozenset[str]] = {}
for _group in VOCABULARY_GROUPS:
    _every, _naming = _group_stems(_group)
    for _s in _every:
        SYNONYMS[_s] |= _every - {_s}
    for _s in _naming:
        TOPICS[_s] = frozenset(_every)

EXPANSION_WEIGHT = 0.4  # a synonym is evidence, but weaker than the asker's own word
# Words that name the parties ("the website", "users", "information") rather than the practice
# asked about: nearly every privacy question has them, so they count for less.
GENERIC_WORDS = frozenset(stem(w) for w in (
    "website websites site sites web page user users visitor visitors company information data personal "
    "policy privacy service services").split())
GENERIC_WEIGHT = 0.3

# The practice categories privacy policies are written in (after the OPP-115 annotation scheme).
# A section that speaks of the practice a question asks about is more likely to answer it.
PRACTICE_CATEGORIES = [frozenset(stem(w) for w in group.split()) for group in (
    "change changes modify modification amend amendment revise revision notify notification notice",
    "opt choice choose control preference preferences settings unsubscribe disable decline consent agree option",
    "access edit correct update delete review view",
    "retain retention keep store period long",
    "protect secure security safeguard encrypt encryption ssl firewall",
    "track tracking dnt signal",
    "share disclose third party parties partner partners affiliate affiliates vendor sell advertiser provider sponsor",
    "collect collection gather obtain receive automatically device browser ip",
    "child children minor age parent parental",
    "california resident residents eu european international transfer",
    "contact email address phone question questions",
    "cookie cookies beacon beacons pixel",
)]


# Question-side caches hold the asks in flight, not a history: one ask reads its question's tokens and
# facts several times, but a cache big enough to remember earlier questions would keep question text
# in memory and would make a benchmark that repeats its questions look faster than a real user's ask.
QUESTION_CACHE = 16


@lru_cache(maxsize=QUESTION_CACHE)
def question_tokens(text: str) -> tuple[str, ...]:
    """tokenize() of a question, kept for the few question-side signals one ask computes from it."""
    return tuple(tokenize(text))


def own_terms(text: str) -> dict[str, float]:
    """The question's own tokens, generic ones (GENERIC_WORDS) weighted down."""
    return {t: GENERIC_WEIGHT if t in GENERIC_WORDS else 1.0 for t in question_tokens(text)}


def query_terms(text: str, own: dict[str, float] | None = None) -> dict[str, float]:
    """Own tokens plus their vocabulary expansions at EXPANSION_WEIGHT. `own`: own_terms(text), when the
    caller has it already."""
    terms = dict(own) if own is not None else own_terms(text)
    for token in list(terms):
        for synonym in SYNONYMS.get(token, ()):
            terms.setdefault(synonym, EXPANSION_WEIGHT)
    return terms


def topic_groups(text: str) -> list[frozenset[str]]:
    """The privacy topics a question names (retention, sharing, cookies…), each as its word group."""
    groups = {TOPICS[t] for t in question_tokens(text) if t in TOPICS}
    return sorted(groups, key=sorted)


def practice_categories(text: str) -> list[frozenset[str]]:
    tokens = set(question_tokens(text))
    return [group for group in PRACTICE_CATEGORIES if group & tokens]


# The word groups that do not depend on the question: the practice categories, then every topic group.
# Which of them each section has words of is computed once per loaded index (bot/retrieval.py), so an
# ask reads the question's categories and topics as bits (`fixed_group_bits`) instead of looking their
# words up in every scored section.
TOPIC_GROUPS: list[frozenset[str]] = sorted(set(TOPICS.values()), key=sorted)
FIXED_GROUPS: list[frozenset[str]] = PRACTICE_CATEGORIES + TOPIC_GROUPS
_TOPIC_BIT = {group: len(PRACTICE_CATEGORIES) + i for i, group in enumerate(TOPIC_GROUPS)}


def fixed_group_bits(text: str) -> tuple[int, int, int, int]:
    """(bits, count) of the question's practice categories (`practice_categories`) and of its topics
    (`topic_groups`), as bits of FIXED_GROUPS."""
    tokens = set(question_tokens(text))
    practices = [c for c, group in enumerate(PRACTICE_CATEGORIES) if group & tokens]
    topics = {_TOPIC_BIT[TOPICS[t]] for t in tokens if t in TOPICS}
    return sum(1 << c for c in practices), len(practices), sum(1 << b for b in topics), len(topics)


class BM25:
    """Okapi BM25 over a fixed list of token lists (k1=1.2, b=0.75), scored with numpy postings."""

    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.size = len(documents)
        self.lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self.avg_length = float(self.lengths.mean()) if self.size else 0.0
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, document in enumerate(documents):
            for term, count in Counter(document).items():
                postings[term].append((i, count))
        self.k1, self.b = k1, b
        self.norm = k1 * (1 - b + b * self.lengths / (self.avg_length or 1.0))
        # term -> (document rows, term frequencies): one vector operation per query term on each ask
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {
            term: (np.array([i for i, _ in p], dtype=np.int64), np.array([c for _, c in p], dtype=np.float32))
            for term, p in postings.items()
        }
        # term -> its idf, and its BM25 contribution to each of its rows: neither depends on the question
        self.idfs = {term: self._idf(len(rows)) for term, (rows, _) in self.postings.items()}
        self.unseen_idf = self._idf(0)
        self.contributions: dict[str, np.ndarray] = {
            term: (self.idf(term) * tf * (k1 + 1) / (tf + self.norm[rows])).astype(np.float32)
            for term, (rows, tf) in self.postings.items()
        }

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def idf(self, term: str) -> float:
        return self.idfs.get(term, self.unseen_idf)

    def scores(self, terms: dict[str, float]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        for term, weight in terms.items():
            contribution = self.contributions.get(term)
            if contribution is not None:
                out[self.postings[term][0]] += weight * contribution
        return out

    def coverage_weights(self, own_terms: dict[str, float]) -> list[tuple[float, set[str]]]:
        """The question's own terms as (normalised idf x weight, accepted words), for `TermIndex.coverage`."""
        own = [(self.idf(t) * w, {t} | SYNONYMS.get(t, set())) for t, w in own_terms.items()]
        total = sum(weight for weight, _ in own)
        return [(weight / total, accepted) for weight, accepted in own] if total else []


class TermIndex:
    """Which units (sentences, sections, titles) contain a word: answers "contains any of" for all
    units at once as a boolean vector, so matching a question costs a few vector operations
    whatever the corpus size. (For a few units, `UnitWords.matches` answers at a cost that follows
    those units rather than the corpus.)"""

    def __init__(self, units: list[set[str]]):
        self.size = len(units)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, tokens in enumerate(units):
            for token in tokens:
                postings[token].append(i)
        self.postings = {t: np.array(rows, dtype=np.int64) for t, rows in postings.items()}

    def contains_any(self, words) -> np.ndarray:
        out = np.zeros(self.size, dtype=bool)
        found = [rows for rows in map(self.postings.get, words) if rows is not None]
        if found:
            out[found[0] if len(found) == 1 else np.concatenate(found)] = True
        return out

    # The three below add in place where a unit matches (no temporary vector per group): they run over
    # every sentence and section on each ask.
    def coverage(self, weights: list[tuple[float, set[str]]]) -> np.ndarray:
        """Per unit: the share of the question's terms (`BM25.coverage_weights`) it contains."""
        out = np.zeros(self.size, dtype=np.float32)
        for weight, accepted in weights:
            np.add(out, np.float32(weight), out=out, where=self.contains_any(accepted))
        return out

    def share_of_groups(self, groups: list[frozenset[str]]) -> np.ndarray:
        """Per unit: the share of `groups` (practice categories) it speaks of; 0 when there are none."""
        out = np.zeros(self.size, dtype=np.float32)
        for group in groups:
            np.add(out, np.float32(1.0), out=out, where=self.contains_any(group))
        return out / len(groups) if groups else out

    def groups_missing(self, groups: list[frozenset[str]]) -> np.ndarray:
        """Per unit: how many of `groups` (the question's named topics) it never speaks of."""
        out = np.full(self.size, float(len(groups)), dtype=np.float32)
        for group in groups:
            np.subtract(out, np.float32(1.0), out=out, where=self.contains_any(group))
        return out


MAX_GROUPS = 64  # word groups one lookup holds (bits of a uint64); a longer question takes the full path


class UnitWords:
    """Each unit's distinct words as ids (CSR: unit i has ids[offsets[i]:offsets[i + 1]]), for asking
    which of a question's word groups a few units contain (`matches`). One instance holds several
    kinds of unit one after the other (sentences, then sections, then section titles), so one lookup
    and one pass serve all the rows an ask scores."""

    def __init__(self, units: list[set[str]]):
        self.vocabulary: dict[str, int] = {}
        for tokens in units:
            for token in tokens:
                self.vocabulary.setdefault(token, len(self.vocabulary))
        lengths = np.array([len(tokens) for tokens in units], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.ids = np.fromiter((self.vocabulary[t] for tokens in units for t in tokens), dtype=np.int64,
                               count=int(lengths.sum()))

    def lookup(self, groups: list) -> np.ndarray:
        """Per vocabulary id: bit g set when the word is in groups[g] (at most MAX_GROUPS groups)."""
        if len(groups) > MAX_GROUPS:
            raise ValueError(f"{len(groups)} word groups; at most {MAX_GROUPS} fit one lookup")
        found: dict[int, int] = {}
        for g, words in enumerate(groups):
            for i in map(self.vocabulary.get, words):
                if i is not None:
                    found[i] = found.get(i, 0) | 1 << g
        bits = np.zeros(len(self.vocabulary), dtype=np.uint64)
        if found:
            bits[np.fromiter(found, dtype=np.int64, count=len(found))] = np.fromiter(
                found.values(), dtype=np.uint64, count=len(found))
        return bits

    def matches(self, rows: np.ndarray, lookup: np.ndarray) -> np.ndarray:
        """Per unit of `rows`: bit g set when it contains a word of group g (`lookup`)."""
        starts = self.offsets[rows]
        lengths = self.offsets[rows + 1] - starts
        within = lengths.cumsum() - lengths  # where each unit's ids start among the gathered ones
        total = int(within[-1] + lengths[-1]) if len(rows) else 0
        out = np.zeros(len(rows), dtype=np.uint64)
        if total:
            nonempty = lengths > 0
            ids = self.ids[(starts - within).repeat(lengths) + np.arange(total)]
            out[nonempty] = np.bitwise_or.reduceat(lookup.take(ids), within[nonempty])
        return out


def _has(matches: np.ndarray, group: int) -> np.ndarray:
    return (matches & np.uint64(1 << group)) != 0


# The three below are `TermIndex.coverage`, `share_of_groups` and `groups_missing` computed from
# `UnitWords.matches`, with the same float32 operations in the same order: the numbers are identical.
def coverage_of(matches: np.ndarray, weights: list[tuple[float, set[str]]]) -> np.ndarray:
    # Each group's weight where the unit has the group, else 0, summed over the groups in their order: the
    # same float32 additions as adding each weight where it matches (x + 0 is x), in four array operations
    # instead of three per group (about 0.03 ms less per ask at 100 documents, measured in process). A
    # reduction along the first axis of a (groups x units) array adds row after row; for a single unit the
    # groups lie contiguous and numpy may sum them pairwise instead, so that case accumulates in order.
    if not weights or not len(matches):
        return np.zeros(len(matches), dtype=np.float32)
    bits = (matches >> np.arange(len(weights), dtype=np.uint64)[:, None]) & np.uint64(1)
    terms = bits.astype(np.float32) * np.array([weight for weight, _ in weights], dtype=np.float32)[:, None]
    return np.add.reduce(terms, axis=0) if len(matches) > 1 else np.add.accumulate(terms, axis=0)[-1]


def share_of(matches: np.ndarray, first: int, count: int) -> np.ndarray:
    out = np.zeros(len(matches), dtype=np.float32)
    for g in range(first, first + count):
        np.add(out, np.float32(1.0), out=out, where=_has(matches, g))
    return out / count if count else out


def missing_of(matches: np.ndarray, first: int, count: int) -> np.ndarray:
    out = np.full(len(matches), float(count), dtype=np.float32)
    for g in range(first, first + count):
        np.subtract(out, np.float32(1.0), out=out, where=_has(matches, g))
    return out


# `share_of` and `missing_of` of groups given as bits (`fixed_group_bits`): a count of whole matches,
# hence the same float32 numbers.
def share_of_bits(unit_bits: np.ndarray, bits: int, count: int) -> np.ndarray:
    if not count:
        return np.zeros(len(unit_bits), dtype=np.float32)
    return np.bitwise_count(unit_bits & np.uint64(bits)).astype(np.float32) / count


def missing_of_bits(unit_bits: np.ndarray, bits: int, count: int) -> np.ndarray:
    return np.float32(count) - np.bitwise_count(unit_bits & np.uint64(bits)).astype(np.float32)
