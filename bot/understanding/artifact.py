"""The trained router as a small file with its provenance, and the check that refuses a stale one.

An artifact (`.npz`, ~40 KB) holds the logistic regression's coefficients, the feature scaling,
the calibration temperature, the operating point and a JSON `meta` record:

    corpus_sha256   the corpus (repo corpus + the team's router_examples.yaml) it was trained on
    embedding_model the model whose vectors it reads (indexer.embedding.model_id)
    code_version    the feature code (bot/understanding/features.py CODE_VERSION)

Two places: the shipped artifact beside this module (the repo corpus, the bundled model) and
DATA_DIR/router/router.npz, written by `privacy-bot train-router` / `privacy-bot index` when the
team's examples or the model differ. Loading takes the first one matching this setup and refuses
with a message naming what differs otherwise. Loading is numpy only: no scikit-learn at serve time.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.errors import RouterMismatch
from bot.understanding.policy import OperatingPoint

SHIPPED = Path(__file__).resolve().parent / "router.npz"
RETRAIN_HINT = "run `privacy-bot train-router` (or `privacy-bot index`, which retrains it when needed)"


@dataclass(frozen=True)
class Provenance:
    corpus_sha256: str
    embedding_model: str
    code_version: str

    def differences(self, other: "Provenance") -> list[str]:
        out = []
        if self.embedding_model != other.embedding_model:
            out.append(f"embedding model {other.embedding_model!r} (this setup uses {self.embedding_model!r})")
        if self.corpus_sha256 != other.corpus_sha256:
            out.append(f"corpus {other.corpus_sha256[:12]} (this setup's corpus is {self.corpus_sha256[:12]})")
        if self.code_version != other.code_version:
            out.append(f"router code {other.code_version} (this code is {self.code_version})")
        return out


@dataclass
class RouterWeights:
    classes: list[str]  # fine labels, e.g. "data_request:deletion"
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray  # (classes,)
    mean: np.ndarray  # feature standardisation learned on the training corpus
    scale: np.ndarray
    temperature: float  # calibration: logits / temperature, fitted on out-of-fold predictions
    escalate_at: float
    offer_at: float
    meta: dict  # provenance plus training figures (counts, cross-validated results)
    offer_process_at: float = 1.0  # 1.0 in artifacts saved before the third threshold: process offered as top only
    process_ratio: float = float("inf")  # inf in artifacts saved before the fourth: request mass ≥ escalate_at escalates
    label_at: tuple[float, ...] | None = None  # None in artifacts saved before router-9: the summed request mass escalates

    @property
    def point(self) -> OperatingPoint:
        return OperatingPoint(self.escalate_at, self.offer_at, self.offer_process_at, self.process_ratio, self.label_at)

    @property
    def provenance(self) -> Provenance:
        return Provenance(self.meta["corpus_sha256"], self.meta["embedding_model"], self.meta["code_version"])


def save(weights: RouterWeights, path: Path) -> None:
    """Written to a temporary file and renamed: a running service never reads half an artifact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, classes=np.array(weights.classes), coef=weights.coef.astype(np.float32),
        intercept=weights.intercept.astype(np.float32), mean=weights.mean.astype(np.float32),
        scale=weights.scale.astype(np.float32),
        # Appended, never reordered: an older reader takes the first five numbers and ignores the rest.
        numbers=np.array([weights.temperature, weights.escalate_at, weights.offer_at, weights.offer_process_at,
                          weights.process_ratio, *(weights.label_at or ())], dtype=np.float64),
        meta=np.array(json.dumps(weights.meta, sort_keys=True)),
    )
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)


def load(path: Path) -> RouterWeights:
    with np.load(path, allow_pickle=False) as data:
        temperature, escalate_at, offer_at, *rest = (float(x) for x in data["numbers"])
        return RouterWeights(
            classes=[str(c) for c in data["classes"]], coef=data["coef"], intercept=data["intercept"],
            mean=data["mean"], scale=data["scale"], temperature=temperature, escalate_at=escalate_at,
            offer_at=offer_at, meta=json.loads(str(data["meta"])), offer_process_at=rest[0] if rest else 1.0,
            process_ratio=rest[1] if len(rest) > 1 else float("inf"), label_at=tuple(rest[2:]) or None,
        )


def trained_path(data_dir: Path) -> Path:
    return Path(data_dir) / "router" / "router.npz"


def find_matching(expected: Provenance, candidates: list[Path]) -> tuple[Path, RouterWeights]:
    """The first candidate trained for `expected`; RouterMismatch naming what differs when none is."""
    seen: list[str] = []
    for path in candidates:
        if not path.is_file():
            continue
        weights = load(path)
        differs = expected.differences(weights.provenance)
        if not differs:
            return path, weights
        seen.append(f"{path} was trained with " + ", ".join(differs))
    if not seen:
        raise RouterMismatch(f"no trained request router found (looked for {', '.join(map(str, candidates))}): "
                             + RETRAIN_HINT)
    raise RouterMismatch("the request router does not match this setup: " + "; ".join(seen) + ". To fix it, "
                         + RETRAIN_HINT + ".")
