"""Retrieval over the active index: every section of the asker's scope scored on dense, sentence,
lexical (BM25), practice and position signals, ranked by the learned ranker (bot/understanding/ranking).

The active collection is read from Chroma into memory once per published index; on each ask the
signals are numpy operations over all of the scope's chunks, sentences and sections, so the cost
stays a few milliseconds at a hundred documents. The audience is enforced inside the scoring:
each audience's scope holds only the rows it may read, so an internal document can never surface
for a customer and then be filtered out (or forgotten) later.

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
from bot.lexical import BM25, TermIndex, own_terms, practice_categories, query_terms, tokenize, topic_groups
from bot.quoting import SentenceLayout
from bot.understanding.ranking import answerability
from bot.understanding.ranking import model as ranking_model
from bot.understanding.ranking.features import RANKING_FEATURES, assemble
from indexer.store import IndexInfo, VectorStore

AUDIENCE_SCOPES = {"employee": ("public", "internal"), "customer": ("public",)}
POINTER_CHECK_S = 2.0  # how stale the view of the active pointer may be
SENTENCE_COVERAGE_WEIGHT = 0.3  # the "sentence_with_words" signal: cosine + this x share of the words
QUOTE_COVERAGE_WEIGHT = 0.15  # choosing sentences to quote within a section leans more on meaning
RETURNED_HITS = 20  # sections returned per question, best first (the ranking of all is in `Candidates`)


@dataclass
class SectionHit:
    section_id: str
    meta: dict  # document, title, section, url, updated, audience, position of the section
    features: np.ndarray  # its row of RANKING_FEATURES
    score: float = 0.0  # the learned ranker's log-odds that it answers the question
    sentences: list[tuple[int, float]] = field(default_factory=list)  # (sentence row, score), best first

    def feature(self, name: str) -> float:
        return float(self.features[RANKING_FEATURES.index(name)])


@dataclass
class Candidates:
    """Every section of the audience's scope, with its signals for one question."""

    sections: np.ndarray  # section indexes (LoadedIndex.section_ids), one per row
    features: np.ndarray  # (rows x RANKING_FEATURES)
    sentence_scores: np.ndarray  # per sentence row of the whole index (quoting score; -inf outside scope)


@dataclass
class Scope:
    chunk_rows: np.ndarray
    sentence_rows: np.ndarray
    section_rows: np.ndarray
    bm25: BM25


class LoadedIndex:
    """One published collection, read into memory: every score on the ask path is a numpy operation
    over all chunks, sentences and sections of the asker's scope (no per-record Python loop)."""

    def __init__(self, store: VectorStore, info: IndexInfo, embeddings):
        self.info = info
        self.collection = store.collection(info.collection)
        got = _read_all(self.collection)
        self.chunks: list[dict] = []
        self.sentences: list[dict] = []
        sentence_vectors, chunk_vectors = [], []
        for _record_id, meta, vector in got:
            if meta["unit"] == "chunk":
                self.chunks.append(meta)
                chunk_vectors.append(vector)
            else:
                self.sentences.append(meta)
                sentence_vectors.append(vector)
        dimension = info.dimension
        self.chunk_matrix = np.asarray(chunk_vectors, dtype=np.float32).reshape(len(chunk_vectors), dimension)
        self.sentence_matrix = np.asarray(sentence_vectors, dtype=np.float32).reshape(len(sentence_vectors), dimension)
        # Sections, in document order; every chunk and sentence knows its section's index.
        self.section_ids: list[str] = []
        self.section_meta: list[dict] = []
        index_of: dict[str, int] = {}
        for meta in sorted(self.chunks, key=lambda m: (m["document"], m.get("position", 0), m["ordinal"])):
            if meta["section_id"] not in index_of:
                index_of[meta["section_id"]] = len(self.section_ids)
                self.section_ids.append(meta["section_id"])
                self.section_meta.append(meta)
        self.section_index = index_of
        self.chunk_section = np.array([index_of[m["section_id"]] for m in self.chunks], dtype=np.int64)
        self.sentence_section = np.array([index_of.get(m["section_id"], -1) for m in self.sentences], dtype=np.int64)
        n_sections = len(self.section_ids)
        self.sentences_of: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * n_sections
        for section, rows in _group_rows(self.sentence_section, n_sections).items():
            self.sentences_of[section] = rows
        self.sentence_count = np.array([len(r) for r in self.sentences_of], dtype=np.float32)
        last_position: dict[str, int] = {}
        for meta in self.section_meta:
            last_position[meta["document"]] = max(last_position.get(meta["document"], 0), meta.get("position", 0))
        self.section_position = np.array([m.get("position", 0) for m in self.section_meta], dtype=np.float32)
        self.relative_position = np.array(
            [m.get("position", 0) / (last_position[m["document"]] or 1) for m in self.section_meta], dtype=np.float32)
        # Which practice each section is about: the strongest similarity of any chunk to each practice.
        self.prototypes = practices.prototypes(embeddings)
        similarity = np.full((n_sections, len(self.prototypes)), -1.0, dtype=np.float32)
        if len(self.chunks):
            np.maximum.at(similarity, self.chunk_section, self.chunk_matrix @ self.prototypes.T)
        self.section_practice = practices.distribution(similarity)
        chunk_token_lists = [_chunk_tokens(m) for m in self.chunks]  # tokenised once, for sets and BM25
        section_tokens: list[set[str]] = [set() for _ in range(n_sections)]
        for section, tokens in zip(self.chunk_section.tolist(), chunk_token_lists):
            section_tokens[section].update(tokens)
        self.section_tokens = section_tokens
        self.section_terms = TermIndex(section_tokens)
        texts: list[list[str]] = [[] for _ in range(n_sections)]
        for meta in sorted(self.chunks, key=lambda m: m["ordinal"]):
            texts[index_of[meta["section_id"]]].append(meta["body"])
        self.section_text = ["\n".join(t) for t in texts]
        by_document: dict[str, list[str]] = {}
        for meta, text in zip(self.section_meta, self.section_text):
            by_document.setdefault(meta["document"], []).append(text)
        self.document_text = {document: "\n".join(parts) for document, parts in by_document.items()}
        self.title_terms = TermIndex([set(tokenize(m["section"])) for m in self.section_meta])
        self.sentence_terms = TermIndex([set(tokenize(m["body"])) for m in self.sentences])
        self.layout = SentenceLayout(self.sentences, self.chunks)
        self.scopes = {}
        for audience, allowed in AUDIENCE_SCOPES.items():
            chunk_rows = np.array([i for i, m in enumerate(self.chunks) if m["audience"] in allowed], dtype=np.int64)
            sentence_rows = np.array([i for i, m in enumerate(self.sentences)
                                      if m["audience"] in allowed and self.sentence_section[i] >= 0], dtype=np.int64)
            section_rows = np.unique(self.chunk_section[chunk_rows]) if len(chunk_rows) else chunk_rows
            bm25 = BM25([chunk_token_lists[i] for i in chunk_rows])
            self.scopes[audience] = Scope(chunk_rows, sentence_rows, section_rows, bm25)

    def candidates(self, query_vector: np.ndarray, question: str, audience: str,
                   adapted_vector: np.ndarray | None = None) -> Candidates:
        """The signals of every section in `audience`'s scope for one question (RANKING_FEATURES)."""
        scope = self.scopes[audience]
        n = len(self.section_ids)
        local = np.full(n, -1, dtype=np.int64)
        local[scope.section_rows] = np.arange(len(scope.section_rows))
        sections = scope.section_rows

        def best_per_section(values: np.ndarray, owner: np.ndarray, fill: float) -> np.ndarray:
            out = np.full(n, fill, dtype=np.float32)
            if len(values):
                np.maximum.at(out, owner, values)
            return out[sections]

        chunk_section = self.chunk_section[scope.chunk_rows]
        chunk_cos = self.chunk_matrix[scope.chunk_rows] @ query_vector
        chunk_cosine = best_per_section(chunk_cos, chunk_section, -1.0)
        adapted = chunk_cosine
        if adapted_vector is not None:
            adapted = best_per_section(self.chunk_matrix[scope.chunk_rows] @ adapted_vector, chunk_section, -1.0)

        weights = scope.bm25.coverage_weights(own_terms(question))
        sentence_rows = scope.sentence_rows
        sentence_section = self.sentence_section[sentence_rows]
        sentence_cos = self.sentence_matrix[sentence_rows] @ query_vector
        sentence_share = self.sentence_terms.coverage(weights)[sentence_rows]
        sentence_cosine = best_per_section(sentence_cos, sentence_section, -1.0)
        # Second best sentence: mask each section's best and take the best again.
        is_best = sentence_cos >= sentence_cosine[local[sentence_section]] - 1e-7 if len(sentence_rows) else sentence_cos > 0
        second = best_per_section(np.where(is_best, -1.0, sentence_cos), sentence_section, -1.0)
        has_sentences = self.sentence_count[sections] > 0
        sentence_cosine = np.where(has_sentences, sentence_cosine, chunk_cosine)
        second = np.where(self.sentence_count[sections] > 1, second, sentence_cosine)
        quote_scores = np.full(len(self.sentences), -np.inf, dtype=np.float32)
        quote_scores[sentence_rows] = sentence_cos + QUOTE_COVERAGE_WEIGHT * sentence_share

        bm25_chunks = scope.bm25.scores(query_terms(question)) if scope.bm25.size else np.zeros(0, np.float32)
        question_practice = practices.distribution(self.prototypes @ query_vector)
        columns = {
            "chunk_cosine": chunk_cosine,
            "sentence_cosine": sentence_cosine,
            "second_sentence_cosine": second,
            "sentence_with_words": np.where(has_sentences, best_per_section(
                sentence_cos + SENTENCE_COVERAGE_WEIGHT * sentence_share, sentence_section, -1.0), chunk_cosine),
            "sentence_word_share": best_per_section(sentence_share, sentence_section, 0.0),
            "section_word_share": self.section_terms.coverage(weights)[sections],
            "bm25_raw": best_per_section(bm25_chunks, chunk_section, 0.0),
            "practice_words": self.section_terms.share_of_groups(practice_categories(question))[sections],
            "practice_prototype": self.section_practice[sections] @ question_practice,
            "topics_missing": self.section_terms.groups_missing(topic_groups(question))[sections],
            "title_word_share": self.title_terms.coverage(weights)[sections],
            "is_first_section": (self.section_position[sections] == 0).astype(np.float32),
            "relative_position": self.relative_position[sections],
            "log_sentences": np.log1p(self.sentence_count[sections]),
            "adapted_cosine": adapted,
        }
        return Candidates(sections, assemble(columns), quote_scores)

    def rank(self, query_vector: np.ndarray, question: str, audience: str, limit: int | None = RETURNED_HITS,
             ranker: ranking_model.LinearModel | None = None) -> list[SectionHit]:
        """Sections of the audience's scope, best first by the learned ranker, each with its quotable sentences."""
        if not len(self.scopes[audience].section_rows):
            return []
        ranker = ranker or ranking_model.ranker(self.info.model)
        found = self.candidates(query_vector, question, audience, ranker.adapt(query_vector))
        scores = ranker.score(found.features)
        order = np.argsort(-scores, kind="stable")[:limit]
        hits = []
        for i in order.tolist():
            section = int(found.sections[i])
            rows = self.sentences_of[section]
            ranked = rows[np.argsort(-found.sentence_scores[rows], kind="stable")]
            hits.append(SectionHit(
                self.section_ids[section], self.section_meta[section], found.features[i], float(scores[i]),
                [(int(r), float(found.sentence_scores[r])) for r in ranked],
            ))
        return hits

    def search(self, query_vector: np.ndarray, question: str, audience: str) -> list[SectionHit]:
        return self.rank(query_vector, question, audience)

    def answerability_features(self, question: str, hits: list[SectionHit], audience: str) -> np.ndarray:
        """The verifier's row for (question, best section): see bot/understanding/ranking/answerability.py."""
        section = self.section_index[hits[0].section_id]
        return answerability.features(question, hits[0], hits[1] if len(hits) > 1 else None,
                                      self.section_text[section], self.section_tokens[section],
                                      self.scopes[audience].bm25.idf,
                                      self.document_text[self.section_meta[section]["document"]])


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


def _group_rows(owner: np.ndarray, size: int) -> dict[int, np.ndarray]:
    """{owner index: its rows in order}, for owners that have any."""
    order = np.argsort(owner, kind="stable")
    owners = owner[order]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(owners) else owners
    ends = np.r_[starts[1:], len(owners)]
    return {int(owners[s]): order[s:e] for s, e in zip(starts, ends) if 0 <= owners[s] < size}


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
