"""The request router at serve time: numpy arithmetic over the query vector retrieval computed.

    route = router.route(question, query_vector)   # ~0.1 ms: one (21 x 392) matrix-vector product
                                                   # (+ a few n-gram column look-ups when trained with them)
    route.action   "answer" | "offer" | "escalate" | "decline"
    route.reason   the request label escalated or offered ("data_request", "security", "user_request")
    route.kind     its most probable kind ("deletion", "account_compromise", "human", …)

`RouterHandle` is what the assistant holds: it loads the artifact matching this setup (refusing
a stale one at start), and re-checks every few seconds whether the team's examples or the
trained artifact changed, so a refresh that retrained the router is served without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.errors import RouterMismatch
from bot.understanding import artifact
from bot.understanding.corpus import LABELS, REQUEST_LABELS, TEAM_FILE, corpus_hash
from bot.understanding.features import (CODE_VERSION, SIGNAL_NAMES, feature_matrix, feature_vector, message_words,
                                        ngram_ids, request_sentences)
from bot.understanding.policy import ACTIONS, OperatingPoint, Route, decide_all, decide_index

log = logging.getLogger(__name__)

CHECK_S = 2.0  # how stale the view of the artifact and the team's examples may be


class Router:
    def __init__(self, weights: artifact.RouterWeights, path: Path | None = None):
        self.weights = weights
        self.path = path
        # Standardisation and temperature folded into one affine map: logits = W x + b.
        t = weights.temperature
        w = (weights.coef / weights.scale).astype(np.float32) / t
        self._b = ((weights.intercept - (weights.coef / weights.scale) @ weights.mean) / t).astype(np.float32)
        # Hashed n-gram blocks (when trained with them) are the last columns: looked up, not multiplied.
        self.ngram_blocks = ngram_blocks(weights.meta)
        self.ngram_buckets = sum(buckets for _, buckets in self.ngram_blocks)
        dense = w.shape[1] - self.ngram_buckets
        self._w, self._w_ngrams = np.ascontiguousarray(w[:, :dense]), np.ascontiguousarray(w[:, dense:].T)
        self.classes = weights.classes
        self._label_of = np.array([LABELS.index(c.split(":")[0]) for c in self.classes])
        self._summed = np.zeros((len(self.classes), len(LABELS)), dtype=np.float32)  # fine -> label
        self._summed[np.arange(len(self.classes)), self._label_of] = 1.0
        self.point = weights.point
        # A message read through its English gloss (bot/gloss.py) escalates at a lower request probability:
        # the gloss is rough English, and a missed request costs more than an extra hand-off. Chosen on the
        # training authors' glossed lines (train.choose_foreign_escalate); artifacts before it: the same point.
        foreign_at = weights.meta.get("foreign_escalate_at")
        # Glossed messages keep the summed-mass rule at that point (label_at=None): per-label thresholds were
        # chosen on English lines, and a gloss spreads its reading over labels more than English does.
        self.foreign_point = (self.point if foreign_at is None
                              else replace(self.point, escalate_at=float(foreign_at), label_at=None))
        self.signal_names = tuple(weights.meta.get("signals") or SIGNAL_NAMES)
        # Also route each request sentence of a longer message alone, keeping the most request-like reading.
        self.sentence_max = bool((weights.meta.get("config") or {}).get("sentence_max"))
        self._requests = np.array([LABELS.index(r) for r in REQUEST_LABELS])

    def fine_probabilities(self, features: np.ndarray, texts: list[str] | None = None) -> np.ndarray:
        """`features`: dense rows (embedding + signals); `texts`: the messages, for the n-gram columns."""
        logits = features @ self._w.T + self._b
        if self.ngram_buckets and texts is not None:
            logits = logits.reshape(-1, logits.shape[-1])  # np.atleast_2d, without its Python wrapper
            for row, text in enumerate(texts):
                offset, words = 0, message_words(text)  # split once for every block
                for kinds, buckets in self.ngram_blocks:  # each block normalised on its own, as in training
                    ids = ngram_ids(text, kinds, buckets, words)
                    if len(ids):
                        logits[row] += self._w_ngrams.take(offset + ids, 0).sum(axis=0) / np.sqrt(len(ids))
                    offset += buckets
            logits = logits.reshape(features.shape[:-1] + (logits.shape[-1],))
        logits -= logits.max(axis=-1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=-1, keepdims=True)

    def route(self, text: str, query_vector: np.ndarray, glossed: bool = False) -> Route:
        """`glossed`: `text` is the English gloss of a message in another language (its own operating point)."""
        fine = self.fine_probabilities(feature_vector(text, query_vector, self.signal_names), [text])
        fine, labels = self._most_request_like(text, query_vector, fine, fine @ self._summed)
        action, request = decide_index(labels, self.foreign_point if glossed else self.point)
        return self._route(fine, labels, action, request)

    def route_many(self, texts: list[str], vectors: np.ndarray) -> list[Route]:
        fine = self.fine_probabilities(feature_matrix(texts, vectors, self.signal_names), texts)
        labels = fine @ self._summed
        if self.sentence_max:
            for i, (text, vector) in enumerate(zip(texts, vectors)):
                fine[i], labels[i] = self._most_request_like(text, vector, fine[i], labels[i])
        actions, requests = decide_all(labels, self.point)
        return [self._route(f, p, ACTIONS[a], r) for f, p, a, r in zip(fine, labels, actions, requests)]

    def _most_request_like(self, text: str, vector: np.ndarray, fine: np.ndarray, labels: np.ndarray):
        """With `sentence_max`: the reading of the message, or of one of its request sentences scored alone
        (the message's vector, the sentence's signals and n-grams), whichever is more of a request."""
        sentences = request_sentences(text) if self.sentence_max else []
        if not sentences:
            return fine, labels
        vectors = np.repeat(np.asarray(vector, dtype=np.float32).reshape(1, -1), len(sentences), axis=0)
        s_fine = self.fine_probabilities(feature_matrix(sentences, vectors, self.signal_names), sentences)
        s_labels = s_fine @ self._summed
        best = int(np.argmax(s_labels[:, self._requests].sum(axis=1)))
        if s_labels[best, self._requests].sum() > labels[self._requests].sum():
            return s_fine[best], s_labels[best]
        return fine, labels

    def _route(self, fine: np.ndarray, labels: np.ndarray, action: str, index: int) -> Route:
        top = int(labels.argmax())
        if action == "offer" and LABELS[index] == "process_question":
            # A process question offers the hand-off it is about: its own most probable kind.
            mine = np.flatnonzero(self._label_of == index)
            kind_of_process = self.classes[int(mine[np.argmax(fine[mine])])].partition(":")[2]
            reason = kind_of_process or LABELS[self._requests[np.argmax(labels[self._requests])]]
        else:
            reason = LABELS[index] if action in ("escalate", "offer") else None
        kind = None
        if reason:
            mine = np.flatnonzero(self._label_of == LABELS.index(reason))
            kind = self.classes[int(mine[np.argmax(fine[mine])])].partition(":")[2] or None
        return Route(label=LABELS[top], action=action, reason=reason, kind=kind,
                     probabilities={label: float(p) for label, p in zip(LABELS, labels)})


def ngram_blocks(meta: dict) -> list[tuple[tuple[str, ...], int]]:
    """(kinds, buckets) of each hashed block, in column order; artifacts of router-2 had one block ("ngrams")."""
    if meta.get("ngram_blocks") is not None:
        return [(tuple(b["kinds"]), int(b["buckets"])) for b in meta["ngram_blocks"]]
    grams = meta.get("ngrams") or {}
    return [(tuple(grams["kinds"]), int(grams["buckets"]))] if grams.get("kinds") and grams.get("buckets") else []


class RouterHandle:
    """The router matching (corpus + team examples, embedding model, code); follows retraining."""

    def __init__(self, model_id: str, knowledge_dir: Path | None = None, data_dir: Path | None = None):
        self.model_id = model_id
        self.knowledge_dir = Path(knowledge_dir) if knowledge_dir else None
        self.candidates = ([artifact.trained_path(data_dir)] if data_dir else []) + [artifact.SHIPPED]
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._stamp = self._stamps()
        self._router = self._load()  # RouterMismatch at start: the service must not run with a stale router

    @classmethod
    def from_settings(cls, settings, model_id: str) -> "RouterHandle":
        return cls(model_id, settings.knowledge_dir, settings.data_dir)

    def expected(self) -> artifact.Provenance:
        return artifact.Provenance(corpus_hash(self.knowledge_dir), self.model_id, CODE_VERSION)

    def _load(self) -> Router:
        path, weights = artifact.find_matching(self.expected(), self.candidates)
        return Router(weights, path)

    def _stamps(self) -> tuple:
        files = list(self.candidates[:-1]) + ([self.knowledge_dir / TEAM_FILE] if self.knowledge_dir else [])
        return tuple(_mtime(p) for p in files)

    def current(self) -> Router:
        now = time.monotonic()
        if now - self._checked < CHECK_S:
            return self._router
        with self._lock:
            self._checked = now
            stamp = self._stamps()
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._router = self._load()
                    log.info("request router reloaded from %s", self._router.path)
                except RouterMismatch as error:
                    # Mid-run (the team edited examples, the retrain has not run yet): keep routing with
                    # the router we have rather than stop answering; the refresh will retrain it.
                    log.warning("request router not reloaded: %s", error)
        return self._router

    def route(self, text: str, query_vector: np.ndarray, glossed: bool = False) -> Route:
        return self.current().route(text, query_vector, glossed)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
