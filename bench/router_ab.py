"""Before/after of router variants on leave-one-author-out predictions, as the assistant decides.

    nice .venv/bin/python bench/router_ab.py [--variants shipped,new] [--dump DIR]

For each variant (a train.Config; new signals are variants of `signals`): the author folds of training
(validation.author_folds), temperature and operating point chosen as `train.validate` does (worst-author
recall floors, questions-escalated ceiling, the language guard's lines counted as escalated), then per
held-out author: requests escalated, questions escalated, process questions offered. Printed: mean ± sd
over the authors, the newest authors apart, and per author how many improve / get worse against the
first variant. Same script, same data, same run: the before/after of one change. Never reads tests/heldout.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding import policy, train as training, validation  # noqa: E402
from bot.understanding.corpus import load_corpus  # noqa: E402
from bot.understanding.features import SIGNAL_NAMES  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

KEYS = ("data_request.escalated", "security.escalated", "user_request.escalated", "question.escalated",
        "process_question.offered", "process_question.escalated")
LOWER_IS_BETTER = {"question.escalated", "process_question.escalated"}
NEWEST = ("writer-v9", "writer-v10", "author-p", "author-q")

ROUTER6_SIGNALS = tuple(n for n in SIGNAL_NAMES if n in (
    "legal_reference", "imperative", "i_want", "how_to", "incident", "person", "injection", "procedure",
    "asks_to_know", "event", "in_general", "relayed", "question_mark"))
SHIPPED = training.CONFIG
VARIANTS = {
    "router-6": training.Config(**{**training.asdict(SHIPPED), "signals": ROUTER6_SIGNALS}),
    "router-7": SHIPPED,  # router-6's signals + "asks_the_way" and "contact_point"
    "router-8": SHIPPED,  # router-7's features, trained with the glosses (the shipped code version)
}


def run(name: str, config: training.Config, examples, vectors) -> dict:
    """Out-of-fold label probabilities of `config` over the author folds, calibrated as training does."""
    started = time.perf_counter()
    x = training.design(training.routed_texts(examples), vectors, config)
    weight = training.team_weights(examples)
    folds = validation.author_folds(examples)
    v = training.validate(examples, x, folds, config, weight)
    print(f"{name}: cross-validated in {time.perf_counter() - started:.0f} s, T {v.temperature}")
    return {"probs": v.probs, "guarded": v.guarded}


def decide(name: str, examples, probs: np.ndarray, guarded: np.ndarray, ratio_grid) -> dict:
    """The operating point chosen as training chooses it (policy.choose_operating_point, worst-author floors,
    the language guard's lines escalated), over `ratio_grid` for the fourth threshold; figures per author."""
    policy.PROCESS_RATIO_GRID = tuple(ratio_grid)
    folds = validation.author_folds(examples)
    top = [e.label for e in examples]
    groups = np.array([e.cv_author or "" for e in examples])
    point, mean_cost = policy.choose_operating_point(probs, top, groups, forced=guarded)
    out = validation.fold_figures(probs, top, folds, point, validation.author_rows(examples, folds), forced=guarded)
    print(f"\n{name}: escalate ≥ {point.escalate_at}, offer ≥ {point.offer_at} (process ≥ {point.offer_process_at}, "
          f"process ratio {point.process_ratio}), mean cost {mean_cost:.4f}")
    for key in KEYS:
        s = out["summary"][key]
        newest = "  ".join(f"{a} {out['folds'][a][key]:.3f}" for a in NEWEST if a in out["folds"])
        print(f"  {key:28s} {s['mean']:.3f} ± {s['std']:.3f} (worst {s['max' if key in LOWER_IS_BETTER else 'min']:.3f})"
              f"   {newest}")
    return out


# The decision rule: three thresholds (router-6), or with the fourth, process_ratio, on its grid (router-7).
RULES = {"3 thresholds": (float("inf"),), "process ratio": policy.PROCESS_RATIO_GRID}


def compare(base: dict, other: dict, name: str) -> None:
    print(f"\n{name} against the first variant: authors better / worse (Δ mean)")
    for key in KEYS:
        deltas = [other["folds"][a][key] - base["folds"][a][key] for a in base["folds"] if key in base["folds"][a]]
        sign = -1 if key in LOWER_IS_BETTER else 1
        better = sum(sign * d > 1e-9 for d in deltas)
        worse = sum(sign * d < -1e-9 for d in deltas)
        print(f"  {key:28s} {better:2d} better, {worse:2d} worse, Δ {np.mean(deltas):+.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--cache", type=Path, default=ROOT / ".data" / "router")
    parser.add_argument("--dump", type=Path, help="save each variant's out-of-fold probabilities here")
    parser.add_argument("--reuse", action="store_true", help="read the variants' probabilities saved in --dump")
    args = parser.parse_args()
    examples = load_corpus()
    # What the router reads, as training does: the English gloss of a line in another language it understands.
    vectors = training.embed(training.routed_texts(examples), load_embeddings(None), args.cache)
    probs = {}
    for name in args.variants.split(","):
        saved = args.dump / f"{name}.npz" if args.dump else None
        if saved and saved.is_file() and args.reuse:
            with np.load(saved) as data:
                probs[name] = {"probs": data["probs"], "guarded": data["guarded"]}
        else:
            probs[name] = run(name, VARIANTS[name], examples, vectors)
            if saved:
                args.dump.mkdir(parents=True, exist_ok=True)
                np.savez(saved, **probs[name])
    results = {}
    for name, p in probs.items():
        for rule, grid in RULES.items():
            results[f"{name}/{rule}"] = decide(f"{name}/{rule}", examples, p["probs"], p["guarded"], grid)
    first = next(iter(results))
    for name in list(results)[1:]:
        compare(results[first], results[name], name)


if __name__ == "__main__":
    main()
