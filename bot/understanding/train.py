"""Train the request router reproducibly: grouped cross-validation, calibration, costs, final fit.

    train(examples, embeddings, ...) -> RouterWeights   (privacy-bot train-router, privacy-bot index)

1. Every utterance is embedded with the serving model (cached by text hash under DATA_DIR, so a
   retrain after the team adds ten examples embeds ten texts).
2. Multinomial logistic regression over the standardised [embedding, signals] (features.py),
   classes = label:kind, class-balanced. C is a design value (1.0), not searched.
3. Five-fold cross-validation grouped by family (a template's siblings, a hand-written line's
   renderings, a public data set's policy, a team example) and stratified by label: out-of-fold
   probabilities for every line, per-fold figures for the spread.
4. Calibration: one temperature on the logits minimising the out-of-fold log loss.
5. Operating point: the (escalate_at, offer_at) pair minimising the cost matrix (policy.py) on
   the calibrated out-of-fold probabilities. The held-out set plays no part.
6. The final model on every line, saved with its provenance and the cross-validated figures.

scikit-learn is imported here only: serving reads the saved coefficients with numpy.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from bot.understanding import artifact
from bot.understanding.corpus import LABELS, Example, corpus_hash
from bot.understanding.features import CODE_VERSION, SIGNAL_NAMES, feature_matrix
from bot.understanding.policy import ACTIONS, OperatingPoint, choose_operating_point, decide_all

log = logging.getLogger(__name__)

C = 1.0
# The signals are few and precise; after standardisation they are weighted up so the L2 penalty
# does not drown them among 384 embedding dimensions (folded into `scale`, so serving is unchanged).
SIGNAL_WEIGHT = 3.0
FOLDS = 5
SEED = 0
# The privacy team's own examples (router_examples.yaml) correct what the router gets wrong in
# their world: each counts as this many corpus lines, so a handful of lines is enough to teach it.
TEAM_WEIGHT = 5.0
TEMPERATURES = np.round(np.arange(0.3, 3.01, 0.05), 3)


def embed(texts: list[str], embeddings, cache_dir: Path | None) -> np.ndarray:
    """Vectors for `texts`, reusing a per-model cache of earlier ones (keyed by the text's sha256)."""
    keys = [hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts]
    known: dict[str, np.ndarray] = {}
    cache = None
    if cache_dir is not None:
        slug = hashlib.sha256(embeddings.model_id.encode()).hexdigest()[:12]
        cache = Path(cache_dir) / f"vectors-{slug}.npz"
        if cache.is_file():
            with np.load(cache, allow_pickle=False) as data:
                known = dict(zip(data["keys"].tolist(), data["vectors"]))
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    if missing:
        vectors = np.asarray(embeddings.embed_documents([t for _, t in missing]), dtype=np.float32)
        known.update({k: v for (k, _), v in zip(missing, vectors)})
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(cache.name + ".tmp.npz")
            np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
            tmp.replace(cache)
    log.info("router training: %d texts, %d embedded now", len(texts), len(missing))
    return np.stack([known[k] for k in keys])


def _fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None):
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    scale[-len(SIGNAL_NAMES):] /= SIGNAL_WEIGHT
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    model.fit((x - mean) / scale, y, sample_weight=weight)
    return model, mean, scale


def _logits(model, mean, scale, x: np.ndarray) -> np.ndarray:
    return model.decision_function((x - mean) / scale)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class CrossValidation:
    classes: list[str]
    oof_logits: np.ndarray  # (n, classes), every line predicted by a model that never saw its group
    folds: np.ndarray  # fold of each line


def cross_validate(x: np.ndarray, fine: list[str], top: list[str], groups: list[str],
                   weight: np.ndarray | None = None) -> CrossValidation:
    from sklearn.model_selection import StratifiedGroupKFold

    classes = sorted(set(fine))
    y = np.array(fine)
    oof = np.zeros((len(fine), len(classes)))
    folds = np.zeros(len(fine), dtype=int)
    splitter = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for n, (train_rows, test_rows) in enumerate(splitter.split(x, top, groups)):
        model, mean, scale = _fit(x[train_rows], y[train_rows], None if weight is None else weight[train_rows])
        columns = [classes.index(c) for c in model.classes_]
        oof[np.ix_(test_rows, columns)] = _logits(model, mean, scale, x[test_rows])
        missing = [i for i, c in enumerate(classes) if c not in model.classes_]
        oof[np.ix_(test_rows, missing)] = -1e9  # a class absent from a fold's training part is never predicted
        folds[test_rows] = n
    return CrossValidation(classes, oof, folds)


def fit_temperature(logits: np.ndarray, classes: list[str], fine: list[str]) -> float:
    index = np.array([classes.index(f) for f in fine])
    losses = [-np.log(softmax(logits, t)[np.arange(len(fine)), index] + 1e-12).mean() for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(losses))])


def label_probabilities(fine_probs: np.ndarray, classes: list[str]) -> np.ndarray:
    summed = np.zeros((len(classes), len(LABELS)))
    for i, c in enumerate(classes):
        summed[i, LABELS.index(c.split(":")[0])] = 1.0
    return fine_probs @ summed


def fold_figures(probs: np.ndarray, top: list[str], folds: np.ndarray, point: OperatingPoint) -> dict:
    """Per label: precision/recall of the most probable label, mean and spread across folds; and decisions."""
    truth = np.array(top)
    predicted = np.array(LABELS)[np.argmax(probs, axis=1)]
    actions, _ = decide_all(probs, point)
    actions = np.array(ACTIONS)[actions]
    per_fold: dict[str, list] = {}
    for f in sorted(set(folds.tolist())):
        rows = folds == f
        for label in LABELS:
            t, p = truth[rows] == label, predicted[rows] == label
            if t.any():
                per_fold.setdefault(f"{label}.recall", []).append(float((t & p).sum() / t.sum()))
            if p.any():
                per_fold.setdefault(f"{label}.precision", []).append(float((t & p).sum() / p.sum()))
        for label in ("data_request", "security", "user_request"):
            t = truth[rows] == label
            per_fold.setdefault(f"{label}.escalated", []).append(float((actions[rows][t] == "escalate").mean()))
        q = truth[rows] == "question"
        per_fold.setdefault("question.escalated", []).append(float((actions[rows][q] == "escalate").mean()))
        pq = truth[rows] == "process_question"
        per_fold.setdefault("process_question.offered", []).append(float((actions[rows][pq] == "offer").mean()))
    return {k: {"mean": round(float(np.mean(v)), 4), "std": round(float(np.std(v)), 4),
                "min": round(float(np.min(v)), 4), "max": round(float(np.max(v)), 4)} for k, v in per_fold.items()}


def train(examples: list[Example], embeddings, *, knowledge_dir: Path | None,
          cache_dir: Path | None = None) -> artifact.RouterWeights:
    started = time.perf_counter()
    texts = [e.text for e in examples]
    fine = [e.fine for e in examples]
    top = [e.label for e in examples]
    x = feature_matrix(texts, embed(texts, embeddings, cache_dir))
    weight = np.array([TEAM_WEIGHT if e.register == "team" else 1.0 for e in examples])
    cv = cross_validate(x, fine, top, [e.group for e in examples], weight)
    temperature = fit_temperature(cv.oof_logits, cv.classes, fine)
    probs = label_probabilities(softmax(cv.oof_logits, temperature), cv.classes)
    point, mean_cost = choose_operating_point(probs, top)
    model, mean, scale = _fit(x, np.array(fine), weight)
    classes = [str(c) for c in model.classes_]
    meta = {
        "corpus_sha256": corpus_hash(knowledge_dir), "embedding_model": embeddings.model_id,
        "code_version": CODE_VERSION, "signals": list(SIGNAL_NAMES), "examples": len(examples),
        "per_label": {label: top.count(label) for label in LABELS}, "C": C, "folds": FOLDS,
        "signal_weight": SIGNAL_WEIGHT, "team_examples": int((weight != 1.0).sum()),
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cv": {"mean_cost": round(mean_cost, 4), "temperature": temperature,
               "figures": fold_figures(probs, top, cv.folds, point)},
        "seconds": round(time.perf_counter() - started, 1),
    }
    return artifact.RouterWeights(classes, model.coef_, model.intercept_, mean, scale, temperature,
                                  point.escalate_at, point.offer_at, meta)
