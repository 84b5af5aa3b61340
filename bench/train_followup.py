"""Train the follow-up detector (bot/followup.py) and write bot/data/followup_weights.json.

    .venv/bin/python bench/train_followup.py [--check]

Data (bench/followup_data.py): the last turn of each conversation in every author's
bot/data/followup_<author>.yaml (labelled needs_context: follow_up yes, topic_change no, requests as
written), with the turn before it as "previous" — both as `Assistant.ask` reads them (an English gloss for a
message in another language: bot/followup_language.as_asked) —, plus every golden question (knowledge/golden.yaml) as a
message that stands alone, paired with a first turn of the development conversations as its previous
question. tests/heldout/ is never read here.
Model: L2-regularised logistic regression over the named 0/1 features, by gradient descent (numpy).
Validation, in the same run: leave-one-author-out (train on the other authors and the golden questions,
test on the author left out: precision, recall, accuracy per author, then mean and spread), for the model
and for the rule baseline "opens with a connector or has a pronoun". With a single author it falls back
to 5-fold cross-validation by conversation and says so. `--check` only reports, writing nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.followup_data import Example, data_hash, golden_questions, load_all  # noqa: E402
from bot.followup import FEATURES, WEIGHTS_FILE, features  # noqa: E402
from bot.followup_language import as_asked  # noqa: E402

L2 = 1.0
THRESHOLD = 0.5


def training_rows(examples: list[Example], golden: list[str]) -> tuple[list[tuple[str, str | None]], np.ndarray]:
    """(message, previous) pairs and labels: the examples, then the golden questions as stand-alone messages."""
    examples = [e for e in examples if e.needs_context is not None]
    firsts = sorted({e.turns[0] for e in examples}) or [None]
    rows = [as_asked(e.message, e.previous) for e in examples] + [(q, firsts[i % len(firsts)]) for i, q in enumerate(golden)]
    labels = [float(e.needs_context) for e in examples] + [0.0] * len(golden)
    return rows, np.array(labels)


def matrix(rows: list[tuple[str, str | None]]) -> np.ndarray:
    return np.array([[features(m, p)[name] for name in FEATURES] for m, p in rows])


def fit(x: np.ndarray, y: np.ndarray, steps: int = 4000, rate: float = 0.5) -> np.ndarray:
    weights = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2)
    penalty[0] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-x @ weights))
        weights -= rate * (x.T @ (p - y) / len(y) + penalty * weights / len(y))
    return weights


def predict(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return ((1.0 / (1.0 + np.exp(-x @ weights))) >= THRESHOLD).astype(float)


def baseline(x: np.ndarray) -> np.ndarray:
    return ((x[:, FEATURES.index("connector")] + x[:, FEATURES.index("any_pointer")]) > 0).astype(float)


def scores(predicted: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp = float(((predicted == 1) & (y == 1)).sum())
    fp = float(((predicted == 1) & (y == 0)).sum())
    fn = float(((predicted == 0) & (y == 1)).sum())
    return {"accuracy": float((predicted == y).mean()) if len(y) else 0.0,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "n": int(len(y))}


def folds(examples: list[Example]) -> list[tuple[str, list[int]]]:
    """(name, test indices): one fold per author, or 5 folds by conversation when there is one author."""
    authors = sorted({e.author for e in examples})
    if len(authors) > 1:
        return [(a, [i for i, e in enumerate(examples) if e.author == a]) for a in authors]
    order = np.random.default_rng(0).permutation(len(examples))
    return [(f"fold{k}", sorted(order[k::5].tolist())) for k in range(5)]


def weights_without(examples: list[Example], golden: list[str], test: list[int]) -> np.ndarray:
    """The detector trained on everything but the examples `test` (golden questions always in)."""
    kept = [e for i, e in enumerate(examples) if i not in set(test)]
    rows, y = training_rows(kept, golden)
    return fit(matrix(rows), y)


def validate(examples: list[Example], golden: list[str]) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {"model": {}, "baseline": {}}
    for name, test in folds(examples):
        w = weights_without(examples, golden, test)
        test = [i for i in test if examples[i].needs_context is not None]
        x = matrix([as_asked(examples[i].message, examples[i].previous) for i in test])
        y = np.array([float(examples[i].needs_context) for i in test])
        out["model"][name] = scores(predict(x, w), y)
        out["baseline"][name] = scores(baseline(x), y)
    return out


def summary(per_fold: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    out = {}
    for metric in ("precision", "recall", "accuracy"):
        values = np.array([s[metric] for s in per_fold.values()])
        out[metric] = {"mean": round(float(values.mean()), 3), "min": round(float(values.min()), 3),
                       "max": round(float(values.max()), 3), "sd": round(float(values.std()), 3)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; do not write the weights")
    args = parser.parse_args()
    examples, raw = load_all()
    golden, raw_golden = golden_questions()
    authors = sorted({e.author for e in examples})
    print(f"authors: {', '.join(f'{a} ({sum(e.author == a for e in examples)})' for a in authors)} "
          f"({sum(e.needs_context is None for e in examples)} requests without needs_context: not used here); "
          f"{len(golden)} golden questions (stand alone, always in training)")
    cv = validate(examples, golden)
    scheme = "leave-one-author-out" if len(authors) > 1 else "5-fold by conversation (one author only)"
    print(f"validation: {scheme}")
    for model, per_fold in cv.items():
        for name, s in per_fold.items():
            print(f"  {model:8s} {name:10s} n={s['n']:3d} precision {s['precision']:.3f} recall {s['recall']:.3f} "
                  f"accuracy {s['accuracy']:.3f}")
        print(f"  {model:8s} " + "  ".join(f"{m} {v['mean']:.3f} [{v['min']:.3f}-{v['max']:.3f}]"
                                           for m, v in summary(per_fold).items()))
    rows, y = training_rows(examples, golden)
    w = fit(matrix(rows), y)
    print("training fit:", {k: round(v, 3) for k, v in scores(predict(matrix(rows), w), y).items()})
    for name, value in sorted(zip(FEATURES, w), key=lambda p: -abs(p[1])):
        print(f"  {name:22s} {value:+.2f}")
    if args.check:
        return 0
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or None
    artifact = {
        "model": f"logistic regression (L2 {L2}) over bot/followup.py FEATURES",
        "weights": {name: round(float(v), 4) for name, v in zip(FEATURES, w)},
        "threshold": THRESHOLD,
        "data": {"files": [f"bot/data/followup_{a}.yaml" for a in authors] + ["knowledge/golden.yaml"],
                 "sha256": data_hash(raw + raw_golden), "examples": len(y)},
        "code_version": commit,
        "validation": {"scheme": scheme, **{m: summary(f) for m, f in cv.items()},
                       "per_fold": {m: {k: {kk: round(vv, 3) for kk, vv in s.items()} for k, s in f.items()}
                                    for m, f in cv.items()}},
    }
    WEIGHTS_FILE.write_text(json.dumps(artifact, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
