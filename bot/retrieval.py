"""Hybrid retrieval over the active index: dense (Chroma) + sentences + lexical (BM25), fused per section.

The audience is enforced inside each query: Chroma gets a `where` filter and the lexical side
scores only the records of that audience, so an internal document can never surface for a
customer and then be filtered out (or forgotten) later.

The active index is re-read when the registry pointer changes (checked every few seconds), so a
refresh published by any process is served without a restart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from chromadb.errors import NotFoundError

from bot import practices
from bot.errors import IndexNotBuilt, ModelMismatch
from bot.lexical import (BM25, own_terms, practice_categories, practice_match, query_terms, tokenize,
                         topic_groups, unmatched_topics)
from indexer.store import IndexInfo, VectorStore

AUDIENCE_SCOPES = {"employee": ("public", "internal"), "customer": ("public",)}
POINTER_CHECK_S = 2.0  # how stale the view of the active pointer may be
DENSE_K = 50  # chunks asked of Chroma and of BM25; sections beyond them score on sentences alone
TOPIC_MISMATCH_PENALTY = 0.2
NO_SHARED_WORDS_PENALTY = 0.2
# Fusion of the signals into one section score, each term on an absolute 0..1-ish scale:
# chunk cosine + best sentence (cosine + SENTENCE_COVERAGE_WEIGHT x its share of the question's
# words) + LEXICAL_WEIGHT x saturated BM25 + PRACTICE_WEIGHT x practice-category match.
# Chosen as design weights (sentence and chunk evidence equal; lexical and category evidence as
# tie-breakers of similar size) and checked on PolicyQA dev in aggregate: see README.
SENTENCE_COVERAGE_WEIGHT = 0.3
QUOTE_COVERAGE_WEIGHT = 0.15  # choosing sentences to quote within a section
LEXICAL_WEIGHT = 0.3
BM25_HALF = 5.0  # BM25 score at which the lexical term reaches half its weight
PRACTICE_WEIGHT = 0.3
PROTOTYPE_WEIGHT = 0.2  # agreement of question and section on the practice they are about (bot/practices.py)


@dataclass
class SectionHit:
    section_id: str
    meta: dict  # document, title, section, url, updated, audience of the section
    dense: float = 0.0  # best cosine of the section's chunks (from Chroma)
    sentence: float = 0.0  # best cosine of the section's sentences
    best_sentence: float = 0.0  # best sentence cosine plus its share of the question's words (ranking)
    lexical: float = 0.0  # best BM25 of the section's chunks
    term_coverage: float = 0.0  # idf-weighted share of the query's terms found in the section
    unmatched_topics: int = 0  # privacy topics the question names that the section never mentions
    practice: float = 0.0  # share of the question's practice categories the section speaks of
    prototype: float = 0.0  # how much question and section agree on which practice they are about
    fused: float = 0.0
    sentences: list[tuple[int, float]] = field(default_factory=list)  # (sentence row, score), best first

    @property
    def evidence(self) -> float:
        """Absolute relevance used for "covered": dense similarity plus a little lexical support.

        A question about a named topic ("how long do you *retain*…") that the section never
        mentions is not answered by it, however close the embeddings are: penalise that.
        """
        penalty = TOPIC_MISMATCH_PENALTY * self.unmatched_topics
        if self.term_coverage == 0.0:  # not one word of the question (or a synonym) is in the section
            penalty += NO_SHARED_WORDS_PENALTY
        return max(self.dense, self.sentence) + 0.1 * self.term_coverage - penalty


@dataclass
class Scope:
    chunk_rows: np.ndarray
    sentence_rows: np.ndarray
    bm25: BM25


class LoadedIndex:
    """One published collection, read into memory for lexical and sentence-level scoring."""

    def __init__(self, store: VectorStore, info: IndexInfo, embeddings):
        self.info = info
        self.collection = store.collection(info.collection)
        got = _read_all(self.collection)
        self.chunks: list[dict] = []
        self.sentences: list[dict] = []
        sentence_vectors, chunk_vectors = [], []
        self.chunk_by_id: dict[str, dict] = {}
        for record_id, meta, vector in got:
            if meta["unit"] == "chunk":
                self.chunks.append(meta)
                self.chunk_by_id[record_id] = meta
                chunk_vectors.append(vector)
            else:
                self.sentences.append(meta)
                sentence_vectors.append(vector)
        self.sentence_matrix = np.asarray(sentence_vectors, dtype=np.float32).reshape(len(sentence_vectors), -1)
        self.prototypes = practices.prototypes(embeddings)
        # A section's practice: the strongest similarity of any of its chunks to each practice.
        section_similarity: dict[str, np.ndarray] = {}
        if chunk_vectors:
            for meta, row in zip(self.chunks, np.asarray(chunk_vectors, dtype=np.float32) @ self.prototypes.T):
                known = section_similarity.get(meta["section_id"])
                section_similarity[meta["section_id"]] = row if known is None else np.maximum(known, row)
        self.section_practice = {k: practices.distribution(v) for k, v in section_similarity.items()}
        chunk_token_lists = [_chunk_tokens(m) for m in self.chunks]  # tokenised once, for sets and BM25
        self.chunk_tokens = [set(tokens) for tokens in chunk_token_lists]
        self.sentence_tokens = [set(tokenize(m["body"])) for m in self.sentences]
        # Where quoting looks: a sentence by (section, position), and a list's items by their lead-in.
        self.sentence_at: dict[tuple[str, int], int] = {}
        self.list_items: dict[tuple[str, str], list[int]] = {}
        for row, meta in enumerate(self.sentences):
            self.sentence_at[(meta["section_id"], meta["ordinal"])] = row
            if meta.get("lead"):
                self.list_items.setdefault((meta["section_id"], meta["lead"]), []).append(row)
        self.section_tokens: dict[str, set[str]] = {}
        for meta, tokens in zip(self.chunks, self.chunk_tokens):
            self.section_tokens.setdefault(meta["section_id"], set()).update(tokens)
        self.scopes = {}
        for audience, allowed in AUDIENCE_SCOPES.items():
            chunk_rows = np.array([i for i, m in enumerate(self.chunks) if m["audience"] in allowed], dtype=int)
            sentence_rows = np.array([i for i, m in enumerate(self.sentences) if m["audience"] in allowed], dtype=int)
            bm25 = BM25([chunk_token_lists[i] for i in chunk_rows])
            self.scopes[audience] = Scope(chunk_rows, sentence_rows, bm25)

    def search(self, query_vector: np.ndarray, question: str, audience: str) -> list[SectionHit]:
        scope = self.scopes[audience]
        if not len(scope.chunk_rows):
            return []
        hits: dict[str, SectionHit] = {}

        def hit(meta: dict) -> SectionHit:
            found = hits.get(meta["section_id"])
            if found is None:
                found = hits[meta["section_id"]] = SectionHit(meta["section_id"], meta)
            return found

        # Dense, in Chroma, with the audience as part of the query. The collection is queried
        # directly rather than through LangChain's similarity_search: that wrapper also fetches
        # every hit's text and builds Documents, which costs more than the search on this path.
        where = _chunk_filter(audience)
        dense = self.collection.query(
            query_embeddings=[query_vector], n_results=min(DENSE_K, len(scope.chunk_rows)), where=where,
            include=["distances"],  # metadata comes from memory by id: a quarter of the query's cost
        )
        for record_id, distance in zip(dense["ids"][0], dense["distances"][0]):  # cosine distance
            h = hit(self.chunk_by_id[record_id])
            h.dense = max(h.dense, 1.0 - float(distance))

        # Sentences of this audience, scored in memory (the matrix rows were filtered at load).
        terms = query_terms(question)
        coverage = scope.bm25.coverage_scorer(own_terms(question))
        if len(scope.sentence_rows):
            cosines = self.sentence_matrix[scope.sentence_rows] @ query_vector
            for row, cosine in zip(scope.sentence_rows.tolist(), cosines.tolist()):
                meta = self.sentences[row]
                lexical = coverage(self.sentence_tokens[row])
                h = hit(meta)
                # Quoting leans on meaning; ranking sections gives the question's words more say.
                h.sentences.append((row, cosine + QUOTE_COVERAGE_WEIGHT * lexical))
                h.best_sentence = max(h.best_sentence, cosine + SENTENCE_COVERAGE_WEIGHT * lexical)
                h.sentence = max(h.sentence, cosine)

        # Lexical, over this audience's chunks only.
        if terms:
            scores = scope.bm25.scores(terms)
            for local in np.argsort(-scores)[:DENSE_K]:
                if scores[local] <= 0:
                    break
                h = hit(self.chunks[scope.chunk_rows[local]])
                h.lexical = max(h.lexical, float(scores[local]))

        topics = topic_groups(question)
        categories = practice_categories(question)
        question_practice = practices.distribution(self.prototypes @ query_vector)
        for h in hits.values():
            tokens = self.section_tokens.get(h.section_id, set())
            h.unmatched_topics = unmatched_topics(topics, tokens)
            h.term_coverage = coverage(tokens)
            h.practice = practice_match(categories, tokens)
            section_practice = self.section_practice.get(h.section_id)
            h.prototype = float(section_practice @ question_practice) if section_practice is not None else 0.0
            h.sentences.sort(key=lambda pair: -pair[1])
            h.fused = (h.dense + h.best_sentence + LEXICAL_WEIGHT * h.lexical / (h.lexical + BM25_HALF)
                       + PRACTICE_WEIGHT * h.practice + PROTOTYPE_WEIGHT * h.prototype)
        return sorted(hits.values(), key=lambda h: (-h.fused, -h.evidence))


class Retriever:
    """Keeps the loaded index in step with the store's active pointer."""

    def __init__(self, store: VectorStore, embeddings):
        self.store = store
        self.embeddings = embeddings
        self._loaded: LoadedIndex | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def current(self, *, force_check: bool = False) -> LoadedIndex:
        loaded = self._loaded
        if loaded is not None and not force_check and time.monotonic() - self._checked_at < POINTER_CHECK_S:
            return loaded
        with self._lock:  # one reload at a time; other threads keep answering from `loaded`
            if self._loaded is not loaded and not force_check:
                return self._loaded
            info = self.store.active()
            self._checked_at = time.monotonic()
            if info is None:
                raise IndexNotBuilt("no index has been built yet: run `privacy-bot index`")
            self._check_model(info)
            if self._loaded is None or self._loaded.info.collection != info.collection:
                self._loaded = LoadedIndex(self.store, info, self.embeddings)
            return self._loaded

    def _check_model(self, info: IndexInfo) -> None:
        if info.model != self.embeddings.model_id or info.dimension != self.embeddings.dimension:
            raise ModelMismatch(
                f"the index was built with {info.model} ({info.dimension} dimensions) but EMBEDDING_MODEL is "
                f"{self.embeddings.model_id} ({self.embeddings.dimension} dimensions); "
                "rebuild it with `privacy-bot index --full`"
            )

    def search(self, question: str, audience: str, query_vector: np.ndarray | None = None) -> list[SectionHit]:
        if query_vector is None:
            query_vector = self.embeddings.encode_query(question)
        try:
            return self.current().search(query_vector, question, audience)
        except NotFoundError:
            # A refresh dropped the collection we were reading: the pointer has moved on.
            return self.current(force_check=True).search(query_vector, question, audience)


class PinnedRetriever(Retriever):
    """Reads one given collection whatever the active pointer says: evaluating a build before publishing it."""

    def __init__(self, store: VectorStore, embeddings, info: IndexInfo):
        super().__init__(store, embeddings)
        self.info = info

    def current(self, *, force_check: bool = False) -> LoadedIndex:
        with self._lock:
            if self._loaded is None:
                self._check_model(self.info)
                self._loaded = LoadedIndex(self.store, self.info, self.embeddings)
            return self._loaded


def _chunk_filter(audience: str) -> dict:
    if audience == "employee":  # employees may read every audience the indexer accepts
        return {"unit": "chunk"}
    return {"$and": [{"unit": "chunk"}, {"audience": {"$in": list(AUDIENCE_SCOPES[audience])}}]}


def _chunk_tokens(meta: dict) -> list[str]:
    # The section title counts twice: a heading names what the whole section is about.
    return tokenize(meta["section"]) * 2 + tokenize(meta["body"])


def _read_all(collection) -> list[tuple[str, dict, list[float]]]:
    out, offset, page = [], 0, 2000
    while True:
        got = collection.get(include=["metadatas", "embeddings"], limit=page, offset=offset)
        out.extend(zip(got["ids"], got["metadatas"], got["embeddings"]))
        if len(got["ids"]) < page:
            return out
        offset += page
