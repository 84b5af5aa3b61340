"""Train the follow-up detector (bot/followup.py) and write bot/data/followup_weights.json.

    .venv/bin/python bench/train_followup.py [--check]

Data: the last turn of each development conversation in bot/data/followup_dev.yaml (labelled
needs_context: follow_up yes, topic_change no, requests as written) plus every golden question
(knowledge/golden.yaml) as a message that stands alone. tests/heldout/ is never read here.
Model: L2-regularised logistic regression over the named 0/1 features, by gradient descent (numpy).
Reported in the same run: 5-fold cross-validation (folds by conversation, repeated over 5 shuffles:
mean and spread) for the model and for the rule baseline "opens with a connector or has a pronoun".
`--check` only reports, writing nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.followup import FEATURES, WEIGHTS_FILE, features  # noqa: E402

DEV = ROOT / "bot" / "data" / "followup_dev.yaml"
GOLDEN = ROOT / "knowledge" / "golden.yaml"
L2 = 0.1


def examples() -> tuple[list[str], np.ndarray, bytes]:
    raw_dev = DEV.read_bytes()
    raw_golden = GOLDEN.read_bytes()
    texts, labels = [], []
    for item in yaml.safe_load(raw_dev):
        default = {"follow_up": True, "topic_change": False}.get(item["type"])
        label = item.get("needs_context", default)
        if label is None:
            raise SystemExit(f"{item['id']}: say needs_context for a {item['type']} item")
        texts.append(item["turns"][-1])
        labels.append(1.0 if label else 0.0)
    for item in yaml.safe_load(raw_golden):
        texts.append(item["question"])
        labels.append(0.0)
    return texts, np.array(labels), raw_dev + raw_golden


def matrix(texts: list[str]) -> np.ndarray:
    return np.array([[features(t)[name] for name in FEATURES] for t in texts])


def fit(x: np.ndarray, y: np.ndarray, steps: int = 4000, rate: float = 0.5) -> np.ndarray:
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2)
    penalty[0] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        w -= rate * (x.T @ (p - y) / len(y) + penalty * w / len(y))
    return w


def baseline(texts: list[str]) -> np.ndarray:
    f = matrix(texts)
    return ((f[:, FEATURES.index("connector")] + f[:, FEATURES.index("any_pointer")]) > 0).astype(float)


def scores(predicted: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp = float(((predicted == 1) & (y == 1)).sum())
    fp = float(((predicted == 1) & (y == 0)).sum())
    fn = float(((predicted == 0) & (y == 1)).sum())
    return {"accuracy": float((predicted == y).mean()), "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0}


def cross_validate(texts: list[str], y: np.ndarray, folds: int = 5, repeats: int = 5) -> dict[str, list[float]]:
    x = matrix(texts)
    out: dict[str, list[float]] = {"model": [], "baseline": []}
    for seed in range(repeats):
        order = np.random.default_rng(seed).permutation(len(y))
        for k in range(folds):
            test = order[k::folds]
            train = np.setdiff1d(order, test)
            w = fit(x[train], y[train])
            predicted = ((x[test] @ w) >= 0).astype(float)
            out["model"].append(scores(predicted, y[test])["accuracy"])
            out["baseline"].append(scores(baseline([texts[i] for i in test]), y[test])["accuracy"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; do not write the weights")
    args = parser.parse_args()
    texts, y, raw = examples()
    cv = cross_validate(texts, y)
    print(f"examples: {len(y)} ({int(y.sum())} need context)")
    for name, accs in cv.items():
        a = np.array(accs)
        print(f"CV accuracy {name:9s} mean {a.mean():.3f}  sd {a.std():.3f}  min {a.min():.3f}  max {a.max():.3f}")
    w = fit(matrix(texts), y)
    train = scores(((matrix(texts) @ w) >= 0).astype(float), y)
    print("training fit:", {k: round(v, 3) for k, v in train.items()})
    for name, value in sorted(zip(FEATURES, w), key=lambda p: -abs(p[1])):
        print(f"  {name:16s} {value:+.2f}")
    if args.check:
        return 0
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False).stdout.strip() or None
    except OSError:
        commit = None
    artifact = {
        "model": "logistic regression (L2 %.2f) over bot/followup.py FEATURES" % L2,
        "weights": {name: round(float(v), 4) for name, v in zip(FEATURES, w)},
        "threshold": 0.5,
        "data": {"files": ["bot/data/followup_dev.yaml", "knowledge/golden.yaml"],
                 "sha256": hashlib.sha256(raw).hexdigest(), "examples": len(y)},
        "code_version": commit,
        "cv_accuracy": {k: {"mean": round(float(np.mean(v)), 3), "sd": round(float(np.std(v)), 3)}
                        for k, v in cv.items()},
    }
    WEIGHTS_FILE.write_text(json.dumps(artifact, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
