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
from bot.lexical import (FIXED_GROUPS, MAX_GROUPS, BM25, TermIndex, UnitWords, coverage_of, fixed_group_bits,
                         missing_of_bits, own_terms, practice_categories, query_terms, share_of_bits, tokenize,
                         topic_groups)
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
# Beyond this many sections in a scope, only the best this many by each first-stage signal are scored in
# full (`shortlist`). Training scores every section (`candidates(..., every_section=True)`; PolicyQA dev's
# policies have 12-95 paragraphs), so the ranker never learned from a shortlist; serving matches it exactly
# up to this many sections and, beyond, for every section near the top by any first-stage signal.
SHORTLIST = 50
# How many each first-stage signal keeps (chunk cosine, adapted cosine, BM25): the adapted cosine, the
# ranker's strongest signal, keeps SHORTLIST; the other two add the sections only they put near the top.
# Chosen on PolicyQA dev at 100 documents (bench/bench_shortlist.py): with (20, 50, 20) the best section
# is the one every-section scoring gives for 98.8 % of 725 questions, as with (50, 50, 50) (98.9 %), and
# the top four agree as often (96.1 %), while 80 sections are scored instead of 130.
SHORTLIST_SIZES = (20, SHORTLIST, 20)
SHORTLIST_GROUPS = 8  # `shortlist` bounds each signal's best by the maxima of strided groups of this many values
SKETCH_DIMENSIONS = 96  # the first stage's principal directions (of 384); see README, How it answers


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
class Runs:
    """Rows sorted by section, as runs: the best value per section is one `np.maximum.reduceat`
    (no Python loop, no scatter), whatever the corpus size."""

    starts: np.ndarray  # where each non-empty run starts
    run_section: np.ndarray  # each run's position in the scope's section_rows
    row_section: np.ndarray  # each row's position in the scope's section_rows
    sections: int  # sections in the scope
    first: np.ndarray  # per section: its first row (0 when it has none)
    count: np.ndarray  # per section: how many rows it has

    @classmethod
    def of(cls, row_section: np.ndarray, sections: int) -> "Runs":
        starts = np.flatnonzero(np.r_[True, row_section[1:] != row_section[:-1]]) if len(row_section) else row_section
        first, count = np.zeros(sections, dtype=np.int64), np.zeros(sections, dtype=np.int64)
        first[row_section[starts]] = starts
        count[row_section[starts]] = np.diff(np.r_[starts, len(row_section)])
        return cls(starts, row_section[starts], row_section, sections, first, count)

    def best(self, values: np.ndarray, fill: float) -> np.ndarray:
        """Per section, the best of its rows' `values` (rows x k values give sections x k); `fill` if none."""
        out = np.empty((self.sections,) + values.shape[1:], dtype=np.float32)
        out.fill(fill)
        if len(values):
            out[self.run_section] = np.maximum.reduceat(values, self.starts, axis=0)
        return out

    def rows_of(self, keep: np.ndarray | None) -> tuple[np.ndarray | None, "Runs"]:
        """Positions of the rows of the sections `keep` (ascending positions; None: all), and their runs."""
        if keep is None:
            return None, self
        starts, lengths = self.first[keep], self.count[keep]
        offsets = lengths.cumsum() - lengths  # where each kept section's rows start among the kept rows
        # The concatenation of arange(start, start + length) over the kept sections, without a Python loop.
        # (Array methods rather than np.repeat/np.cumsum/np.flatnonzero: the same operations without their
        # Python wrappers, which cost as much as the work on arrays this small.)
        positions = (starts - offsets).repeat(lengths) + np.arange(int(offsets[-1] + lengths[-1]) if len(keep) else 0)
        present = lengths > 0
        return positions, Runs(offsets[present], present.nonzero()[0], np.arange(len(keep)).repeat(lengths),
                               len(keep), offsets, lengths)


@dataclass
class Scope:
    """One audience's rows, sorted by section, with their vectors copied out once per loaded index
    (indexing the whole matrix with the rows on every ask would copy it each time)."""

    chunk_rows: np.ndarray  # into LoadedIndex.chunks, sorted by section
    sentence_rows: np.ndarray  # into LoadedIndex.sentences, sorted by section
    section_rows: np.ndarray  # into LoadedIndex.section_ids, ascending
    bm25: BM25  # over chunk_rows, in that order
    chunk_matrix: np.ndarray
    sentence_matrix: np.ndarray
    chunk_runs: Runs
    sentence_runs: Runs
    sketch: "Sketch | None"  # for scopes of more than SHORTLIST sections
    # Per section: its words are exactly its (in-scope) sentences' words and its title's, as for nearly every
    # section. Its word matches are then the OR of theirs, and an ask does not read the section's own long
    # word list (`_word_signals`); a section with words outside its sentences has its own list read.
    words_of_parts: np.ndarray


@dataclass
class Sketch:
    """The chunk vectors on their first principal directions: a cheap first pass over a large corpus.

    Its rows are laid out *lead first*: the first chunk of every section, in section order, then the
    other chunks, grouped by section. Most sections of a large corpus have one chunk, so the per-section
    best of a first-pass signal is a slice, and only the few extra chunks go through a reduceat (a gather
    of every section's first chunk out of the section-ordered rows took as long as the product itself)."""

    basis: np.ndarray  # (SKETCH_DIMENSIONS x dimension)
    vectors: np.ndarray  # (chunks x SKETCH_DIMENSIONS), lead first
    order: np.ndarray  # the scope's chunk positions, lead first
    extra_starts: np.ndarray  # where each section with more than one chunk starts among the extra rows
    extra_sections: np.ndarray  # those sections
    sections: int  # sections in the scope (the lead rows)

    @classmethod
    def of(cls, matrix: np.ndarray, runs: Runs) -> "Sketch":
        """`matrix`: the scope's chunk vectors in section order; `runs`: their sections (every one has rows)."""
        _, _, directions = np.linalg.svd(matrix, full_matrices=False)
        basis = np.ascontiguousarray(directions[:SKETCH_DIMENSIONS], dtype=np.float32)
        vectors = np.ascontiguousarray(matrix @ basis.T, dtype=np.float32)
        extra = np.setdiff1d(np.arange(len(runs.row_section)), runs.starts)  # ascending: grouped by section
        owner = runs.row_section[extra]
        extra_starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(extra) else extra
        order = np.r_[runs.starts, extra]
        return cls(basis, np.ascontiguousarray(vectors[order]), order, extra_starts, owner[extra_starts],
                   len(runs.starts))

    def first_pass(self, queries: np.ndarray, chunk_bm25: np.ndarray) -> np.ndarray:
        """(3 x sections): each section's best rough cosine for both query columns, and its best BM25
        (`chunk_bm25`: per chunk, in the scope's section order)."""
        rough = self.vectors @ (self.basis @ queries)
        bm25 = chunk_bm25[self.order]
        n = self.sections
        out = np.empty((3, n), dtype=np.float32)
        out[:2] = rough[:n].T
        out[2] = bm25[:n]
        if len(self.extra_sections):
            extra = np.concatenate([rough[n:].T, bm25[None, n:]])
            best = np.maximum.reduceat(extra, self.extra_starts, axis=1)
            out[:, self.extra_sections] = np.maximum(out[:, self.extra_sections], best)
        return out


class LoadedIndex:
    """One published collection, read into memory: every score on the ask path is a numpy operation
    over all chunks, sentences and sections of the asker's scope (no per-record Python loop)."""

    def __init__(self, store: VectorStore, info: IndexInfo, embeddings):
        _one_blas_thread()
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
        # The ranking signals that depend on the section alone, side by side: one gather per ask.
        self.section_static = np.column_stack([
            self.sentence_count, (self.section_position == 0).astype(np.float32), self.relative_position,
            np.log1p(self.sentence_count)]).astype(np.float32)
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
        title_tokens = [set(tokenize(m["section"])) for m in self.section_meta]
        sentence_tokens = [set(tokenize(m["body"])) for m in self.sentences]
        self.title_terms = TermIndex(title_tokens)
        self.sentence_terms = TermIndex(sentence_tokens)
        # The same words per unit, for the rows one ask scores: sentences, then sections, then titles.
        self.unit_words = UnitWords(sentence_tokens + section_tokens + title_tokens)
        # Each section's practice categories and topics (FIXED_GROUPS), as bits: the same for every question.
        self.section_group_bits = self.unit_words.matches(len(self.sentences) + np.arange(n_sections, dtype=np.int64),
                                                          self.unit_words.lookup(FIXED_GROUPS))
        self.layout = SentenceLayout(self.sentences, self.chunks)
        self.scopes = {audience: self._scope(allowed, chunk_token_lists, sentence_tokens, title_tokens)
                       for audience, allowed in AUDIENCE_SCOPES.items()}
        # What each section and document says, for the verifier (regular expressions run once here, not per ask).
        self.section_facts = [answerability.text_facts(t) for t in self.section_text]
        self.document_facts = {d: answerability.text_facts(t) for d, t in self.document_text.items()}

    def _scope(self, allowed: tuple[str, ...], chunk_token_lists: list[list[str]], sentence_tokens: list[set[str]],
               title_tokens: list[set[str]]) -> Scope:
        chunk_rows = np.array([i for i, m in enumerate(self.chunks) if m["audience"] in allowed], dtype=np.int64)
        chunk_rows = chunk_rows[np.argsort(self.chunk_section[chunk_rows], kind="stable")]
        section_rows = np.unique(self.chunk_section[chunk_rows])
        sentence_rows = np.array([i for i, m in enumerate(self.sentences) if m["audience"] in allowed], dtype=np.int64)
        sentence_rows = sentence_rows[np.isin(self.sentence_section[sentence_rows], section_rows)]
        sentence_rows = sentence_rows[np.argsort(self.sentence_section[sentence_rows], kind="stable")]
        n = len(section_rows)
        sentence_section = np.searchsorted(section_rows, self.sentence_section[sentence_rows])
        chunk_runs = Runs.of(np.searchsorted(section_rows, self.chunk_section[chunk_rows]), n)
        parts = [set(title_tokens[s]) for s in section_rows.tolist()]
        for position, row in zip(sentence_section.tolist(), sentence_rows.tolist()):
            parts[position] |= sentence_tokens[row]
        words_of_parts = np.array([p == self.section_tokens[s] for p, s in zip(parts, section_rows.tolist())],
                                  dtype=bool)
        return Scope(
            chunk_rows, sentence_rows, section_rows, BM25([chunk_token_lists[i] for i in chunk_rows]),
            np.ascontiguousarray(self.chunk_matrix[chunk_rows]), np.ascontiguousarray(self.sentence_matrix[sentence_rows]),
            chunk_runs, Runs.of(sentence_section, n),
            Sketch.of(self.chunk_matrix[chunk_rows], chunk_runs) if n > SHORTLIST else None, words_of_parts,
        )

    def candidates(self, query_vector: np.ndarray, question: str, audience: str,
                   adapted_vector: np.ndarray | None = None, every_section: bool = False) -> Candidates:
        """The signals (RANKING_FEATURES) of the sections of `audience`'s scope that could answer: all of
        them up to SHORTLIST sections, beyond that the best by each of chunk cosine, adapted
        cosine and BM25 (a section outside all three is never near the top of the learned ranking, and
        skipping it keeps the per-ask cost flat as the corpus grows). `every_section`: no shortlist (training)."""
        scope = self.scopes[audience]
        # (dimension x 2), C order, as np.column_stack gives it, without its Python-level loop.
        queries = np.array((query_vector, query_vector if adapted_vector is None else adapted_vector)).T.copy()
        own = own_terms(question)  # the question's words, for BM25 (with synonyms) and for word coverage
        bm25_chunks = scope.bm25.scores(query_terms(question, own)) if scope.bm25.size else np.zeros(0, np.float32)
        if scope.sketch is None or every_section:
            bm25_raw, keep = scope.chunk_runs.best(bm25_chunks, 0.0), None
        else:
            # Many sections: shortlist on the chunks' sketch (SKETCH_DIMENSIONS principal directions, a quarter
            # of the memory to read), then score the shortlisted sections' chunks exactly.
            first_pass = scope.sketch.first_pass(queries, bm25_chunks)  # (3 x sections)
            bm25_raw, keep = first_pass[2], shortlist(first_pass, SHORTLIST_SIZES)
        positions, chunk_runs = scope.chunk_runs.rows_of(keep)
        # Rows gathered with take(): the same copy as indexing, without its per-row iterator (a third of the time).
        both = chunk_runs.best((scope.chunk_matrix if positions is None else scope.chunk_matrix.take(positions, 0))
                               @ queries, -1.0).T  # (2 x sections), a view: the two signals without copies
        chunk_cosine = both[0]
        adapted = chunk_cosine if adapted_vector is None else both[1]
        sections = scope.section_rows if keep is None else scope.section_rows[keep]
        if keep is not None:
            bm25_raw = bm25_raw[keep]

        weights = scope.bm25.coverage_weights(own)
        positions, runs = scope.sentence_runs.rows_of(keep)
        matrix = scope.sentence_matrix if positions is None else scope.sentence_matrix.take(positions, 0)
        sentence_rows = scope.sentence_rows if positions is None else scope.sentence_rows[positions]
        sentence_cos = matrix @ query_vector
        sentence_share, word_columns = self._word_signals(
            question, weights, sentence_rows, sections, runs,
            scope.words_of_parts if keep is None else scope.words_of_parts[keep])
        sentence_cosine = runs.best(sentence_cos, -1.0)
        # Second best sentence: mask each section's best and take the best again.
        is_best = sentence_cos >= sentence_cosine[runs.row_section] - 1e-7
        second = runs.best(np.where(is_best, np.float32(-1.0), sentence_cos), -1.0)
        sentence_count, is_first_section, relative_position, log_sentences = self.section_static.take(sections, 0).T
        has_sentences = sentence_count > 0
        sentence_cosine = np.where(has_sentences, sentence_cosine, chunk_cosine)
        second = np.where(sentence_count > 1, second, sentence_cosine)
        quote_scores = np.empty(len(self.sentences), dtype=np.float32)
        quote_scores.fill(-np.inf)
        quote_scores[sentence_rows] = sentence_cos + QUOTE_COVERAGE_WEIGHT * sentence_share

        question_practice = practices.distribution(self.prototypes @ query_vector)
        columns = {
            "chunk_cosine": chunk_cosine,
            "sentence_cosine": sentence_cosine,
            "second_sentence_cosine": second,
            "sentence_with_words": np.where(has_sentences, runs.best(
                sentence_cos + SENTENCE_COVERAGE_WEIGHT * sentence_share, -1.0), chunk_cosine),
            "sentence_word_share": runs.best(sentence_share, 0.0),
            **word_columns,  # section_word_share, practice_words, topics_missing, title_word_share
            "bm25_raw": bm25_raw,
            "practice_prototype": self.section_practice.take(sections, 0) @ question_practice,
            "is_first_section": is_first_section,
            "relative_position": relative_position,
            "log_sentences": log_sentences,
            "adapted_cosine": adapted,
        }
        return Candidates(sections, assemble(columns), quote_scores)

    def _word_signals(self, question: str, weights: list[tuple[float, set[str]]], sentence_rows: np.ndarray,
                      sections: np.ndarray, runs: Runs, words_of_parts: np.ndarray,
                      ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The scored sentences' share of the question's words, and the scored sections' word signals.
        Only those rows are looked at, all in one pass (`UnitWords`): at 100 documents a few hundred
        sentences and sections of 10,000. A question of more than MAX_GROUPS word groups takes the
        every-unit path; both give the same numbers (tests/test_retrieval_scale.py). The question's practice
        categories and topics are read from the sections' precomputed bits (`section_group_bits`)."""
        groups = [accepted for _, accepted in weights]
        if len(groups) > MAX_GROUPS:
            named_practices, topics = practice_categories(question), topic_groups(question)
            return self.sentence_terms.coverage(weights)[sentence_rows], {
                "section_word_share": self.section_terms.coverage(weights)[sections],
                "practice_words": self.section_terms.share_of_groups(named_practices)[sections],
                "topics_missing": self.section_terms.groups_missing(topics)[sections],
                "title_word_share": self.title_terms.coverage(weights)[sections],
            }
        n_sentences, n_sections = len(self.sentences), len(self.section_ids)
        scored, k = len(sentence_rows), len(sections)
        # The sentences' and titles' matches; a section's are the OR of its sentences' and its title's
        # (`Scope.words_of_parts`), read from its own word list only for the few sections where they differ.
        own = (~words_of_parts).nonzero()[0]
        rows = np.concatenate([sentence_rows, n_sentences + n_sections + sections, n_sentences + sections[own]])
        found = self.unit_words.matches(rows, self.unit_words.lookup(groups))
        in_titles = found[scored:scored + k]
        in_sections = in_titles.copy()
        if len(runs.starts):
            in_sections[runs.run_section] |= np.bitwise_or.reduceat(found[:scored], runs.starts)
        in_sections[own] = found[scored + k:]
        matches = np.concatenate([found[:scored], in_sections, in_titles])
        del in_sections  # (the name is the sections' group bits below)
        shares = coverage_of(matches, weights)  # of the sentences, the sections and their titles
        in_sections = self.section_group_bits[sections]
        practice_bits, practice_count, topic_bits, topic_count = fixed_group_bits(question)
        return shares[:scored], {
            "section_word_share": shares[scored:scored + len(sections)],
            "practice_words": share_of_bits(in_sections, practice_bits, practice_count),
            "topics_missing": missing_of_bits(in_sections, topic_bits, topic_count),
            "title_word_share": shares[scored + len(sections):],
        }

    def rank(self, query_vector: np.ndarray, question: str, audience: str, limit: int | None = RETURNED_HITS,
             ranker: ranking_model.LinearModel | None = None) -> list[SectionHit]:
        """Sections of the audience's scope, best first by the learned ranker, each with its quotable sentences."""
        if not len(self.scopes[audience].section_rows):
            return []
        ranker = ranker or ranking_model.ranker(self.info.model)
        found = self.candidates(query_vector, question, audience, ranker.adapt(query_vector))
        scores = ranker.score(found.features)
        order = top_order(scores, limit).tolist()
        sections = found.sections[order].tolist()
        # Each hit's sentences, best first (ties in document order): one sort for all hits.
        parts = [self.sentences_of[s] for s in sections]
        lengths = [len(rows) for rows in parts]
        rows = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        values = found.sentence_scores[rows]
        ranked = np.lexsort((-values, np.arange(len(parts)).repeat(lengths)))
        ranked_rows, ranked_values = rows[ranked].tolist(), values[ranked].tolist()
        hits, start = [], 0
        for i, section, length in zip(order, sections, lengths):
            hits.append(SectionHit(
                self.section_ids[section], self.section_meta[section], found.features[i], float(scores[i]),
                list(zip(ranked_rows[start:start + length], ranked_values[start:start + length])),
            ))
            start += length
        return hits

    def search(self, query_vector: np.ndarray, question: str, audience: str,
               limit: int | None = RETURNED_HITS) -> list[SectionHit]:
        return self.rank(query_vector, question, audience, limit)

    def answerability_features(self, question: str, hits: list[SectionHit], audience: str,
                               evidence=None) -> np.ndarray:
        """The verifier's row for (question, best section): see bot/understanding/ranking/answerability.py.
        `evidence`: the verifier's learned word table (LinearModel.word_evidence)."""
        section = self.section_index[hits[0].section_id]
        return answerability.features(question, hits[0], hits[1] if len(hits) > 1 else None,
                                      self.section_facts[section], self.section_tokens[section],
                                      self.scopes[audience].bm25.idf,
                                      self.document_facts[self.section_meta[section]["document"]], evidence)


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

    def search(self, question: str, audience: str, query_vector: np.ndarray | None = None,
               limit: int | None = RETURNED_HITS) -> list[SectionHit]:
        """The `limit` best sections (None: all of the scope), best first."""
        if query_vector is None:
            query_vector = self.embeddings.encode_query(question)
        try:
            return self.current().search(query_vector, question, audience, limit)
        except NotFoundError:
            # A refresh dropped the collection we were reading: the pointer has moved on.
            return self.current(force_check=True).search(query_vector, question, audience, limit)


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


_blas_limited = False


def _one_blas_thread() -> None:
    """The ask path's products are small (a few thousand rows x 384 dimensions): handing each to a pool
    of BLAS threads costs more than it saves, badly so on a busy machine (measured at 100 documents on
    2 shared cores: a sentence product took 8 ms with OpenBLAS's default threads, 1 ms with one)."""
    global _blas_limited
    if not _blas_limited:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _blas_limited = True


def shortlist(signals: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray | None:
    """Sorted positions of the `sizes[i]` best by row i of `signals` (signals x positions), for any row;
    None when there are no more positions than the largest size."""
    n = signals.shape[1]
    if n <= max(sizes):
        return None
    kept = np.zeros(n, dtype=bool)  # a mask, not np.unique: sorted positions, faster
    # A bound below each row's best `size`: the size-th largest of the maxima of groups of its values (at
    # least `size` values reach it). Only the values reaching it are partitioned: a tenth of the row,
    # instead of an argpartition of all of it (which took ~0.1 ms of an ask for three rows at 100 documents).
    whole = n - n % SHORTLIST_GROUPS
    maxima = np.concatenate([signals[:, :whole].reshape(len(signals), SHORTLIST_GROUPS, -1).max(axis=1),
                             signals[:, whole:]], axis=1)
    for row, group_max, size in zip(signals, maxima, sizes):
        values = ()
        if len(group_max) >= size:
            group_max.partition(len(group_max) - size)
            candidates = (row >= group_max[len(group_max) - size]).nonzero()[0]
            values = row[candidates]
        if len(values) >= size:
            cut = values.copy()
            cut.partition(len(cut) - size)
            best = values >= cut[len(cut) - size]
            if best.sum() == size:  # no tie at the cut: the best `size` are these, whatever the method
                kept[candidates[best]] = True
                continue
        # Ties at the cut (copies of a section, rows of zeros): which of the tied argpartition keeps is its own
        # choice, and the shortlist is kept exactly as it was.
        kept[(-row).argpartition(size - 1)[:size]] = True
    return kept.nonzero()[0]


def top_order(scores: np.ndarray, limit: int | None) -> np.ndarray:
    """Indexes of the `limit` highest scores, best first (ties in index order): a partial sort."""
    if limit is None or limit >= len(scores):
        return (-scores).argsort(kind="stable")
    top = (-scores).argpartition(limit - 1)[:limit]
    return top[np.lexsort((top, -scores[top]))]


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
