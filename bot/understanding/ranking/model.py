"""The learned ranker and answerability verifier at serve time: vector arithmetic over a small artifact.

Both are logistic regressions trained by `train.py` (scikit-learn is used there only); here they
are a standardisation, a dot product and a sigmoid. Each artifact (`ranker.json`, `verifier.json`)
records what it was trained on — the feature names and version, the embedding model, the
training data's sha256 and the code revision — and loading refuses an artifact whose features or
model do not match the running code, with a message saying how to retrain.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.errors import KnowledgeError
from bot.understanding.ranking.features import FEATURE_VERSION, RANKING_FEATURES

ARTIFACT_DIR = Path(__file__).resolve().parent
RANKER_FILE = ARTIFACT_DIR / "ranker.json"
VERIFIER_FILE = ARTIFACT_DIR / "verifier.json"
RETRAIN = "retrain with `python -m bot.understanding.ranking.train` (see README, Learned ranking)"


class ArtifactMismatch(KnowledgeError):
    """A trained artifact does not fit the running code or model."""


@dataclass(frozen=True)
class LinearModel:
    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float  # the decision level (verifier); 0 for the ranker
    provenance: dict
    adapter: tuple[np.ndarray, np.ndarray] | None = None  # ranker only: the query adapter's (U, V), or None
    # verifier only: the learned table of word_evidence.py its "missing_word_evidence" feature reads
    word_evidence: dict[str, float] | None = None

    def score(self, features: np.ndarray) -> np.ndarray:
        """Log-odds, one per row."""
        return ((features - self.mean) / self.scale) @ self.weights + self.bias

    def probability(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.score(features)))

    def adapt(self, query_vector: np.ndarray) -> np.ndarray:
        if self.adapter is None:
            return query_vector
        # W q = (I + U V) q, in its low-rank form: two (dimension x 16) products instead of a
        # (dimension x dimension) one, a tenth of the arithmetic on every ask.
        u, v = self.adapter
        adapted = query_vector + u @ (v @ query_vector)
        # np.linalg.norm of a vector is exactly this, after a page of Python argument handling.
        return adapted / (np.sqrt(adapted.dot(adapted)) or 1.0)

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        """What each feature added to one row's log-odds: the explanation of a decision."""
        return {n: round(float(v), 4) for n, v in zip(self.names, ((row - self.mean) / self.scale) * self.weights)}


def load(path: Path, expected_names: tuple[str, ...], expected_version: str, model_id: str | None) -> LinearModel:
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ArtifactMismatch(f"{path} is missing; {RETRAIN}") from None
    provenance = data.get("provenance", {})
    problems = []
    if tuple(data.get("features", ())) != tuple(expected_names):
        problems.append(f"its features {data.get('features')} are not the code's {list(expected_names)}")
    if provenance.get("feature_version") != expected_version:
        problems.append(f"it was trained on feature version {provenance.get('feature_version')!r}, "
                        f"the code computes {expected_version!r}")
    if model_id is not None and provenance.get("embedding_model") != model_id:
        problems.append(f"it was trained with embeddings of {provenance.get('embedding_model')!r}, "
                        f"the index uses {model_id!r}")
    if problems:
        raise ArtifactMismatch(f"{Path(path).name} does not fit this code: " + "; ".join(problems) + f"; {RETRAIN}")
    adapter = data.get("adapter")
    return LinearModel(
        names=tuple(data["features"]), mean=np.asarray(data["mean"], dtype=np.float32),
        scale=np.asarray(data["scale"], dtype=np.float32), weights=np.asarray(data["weights"], dtype=np.float32),
        bias=float(data["bias"]), threshold=float(data.get("threshold", 0.0)), provenance=provenance,
        adapter=None if adapter is None else _decode_adapter(adapter),
        word_evidence=data.get("word_evidence"),
    )


def _decode_adapter(adapter: dict) -> tuple[np.ndarray, np.ndarray]:
    # Stored low-rank: identity + U @ V (rank r), so the artifact stays small.
    return (np.ascontiguousarray(adapter["u"], dtype=np.float32),
            np.ascontiguousarray(adapter["v"], dtype=np.float32))


@lru_cache(maxsize=4)
def ranker(model_id: str | None = None) -> LinearModel:
    return load(RANKER_FILE, RANKING_FEATURES, FEATURE_VERSION, model_id)


@lru_cache(maxsize=4)
def verifier(model_id: str | None = None) -> LinearModel:
    from bot.understanding.ranking.answerability import VERIFIER_FEATURES, VERIFIER_VERSION

    return load(VERIFIER_FILE, VERIFIER_FEATURES, VERIFIER_VERSION, model_id)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
