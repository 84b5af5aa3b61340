"""One escalation threshold per request label, against the shipped rule's one threshold on the summed request mass.

    nice .venv/bin/python bench/router_label_thresholds.py [--fresh author-p,author-q] [--dump DIR --reuse]

The shipped rule (policy.decide_all) escalates when P(data_request) + P(security) + P(user_request) reaches
escalate_at. The worst author's recall floors (policy.RECALL_FLOORS) hold it at the grid's floor, 0.20, mostly for
the person requests (0.95 of some 50 lines per author), and every label pays for it: a question read as 0.7
question / 0.25 security is handed to a person. The alternative here escalates when *one* label reaches its own
threshold (data, security, person), chosen on the same leave-one-author-out predictions under the same floors
(every author, every label), as the thresholds with the fewest questions escalated (mean over authors; ties: the
higher thresholds). The process-ratio exception and the offer rules stay the shipped point's.

With --fresh, the fresh-author test: the fresh authors are left out of everything chosen (the LOAO runs over the
other authors only), the model is then fitted once on the other authors and both rules are applied to the fresh
authors' lines at the temperature and thresholds the LOAO chose. Nothing here reads tests/heldout. Since router-9
the per-label rule is in the product's code (policy.choose_label_thresholds, train.Config.label_thresholds), off in
the shipped config (docs/history.md "Routing", stop 24); this bench shows both rules side by side.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import router_ab  # noqa: E402

from bot.understanding import policy, train as training, validation  # noqa: E402
from bot.understanding.corpus import REQUEST_LABELS, load_corpus  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402



def actions(probs: np.ndarray, point: policy.OperatingPoint, guarded: np.ndarray,
            label_at: tuple[float, ...] | None) -> np.ndarray:
    """decide_all's actions (index into policy.ACTIONS) at `point` with these per-label thresholds (None: summed)."""
    return policy.decide_all(probs, replace(point, label_at=label_at), guarded)[0]


def figures(action: np.ndarray, top: np.ndarray, authors: np.ndarray) -> dict[str, dict[str, float]]:
    out = {}
    for a in np.unique(authors):
        rows = authors == a
        f = {f"{r}.escalated": float((action[rows & (top == r)] == 2).mean()) for r in REQUEST_LABELS}
        f["question.escalated"] = float((action[rows & (top == "question")] == 2).mean())
        f["process_question.offered"] = float((action[rows & (top == "process_question")] == 1).mean())
        out[a] = f
    return out


def show(name: str, found: dict, base: dict | None, newest: tuple[str, ...]) -> None:
    print(f"\n{name}")
    for key in router_ab.KEYS[:5]:
        values = [found[a][key] for a in found if not np.isnan(found[a][key])]
        line = f"  {key:26s} {np.mean(values):.3f} ± {np.std(values):.3f}  " + "  ".join(
            f"{a} {found[a][key]:.3f}" for a in newest if a in found)
        if base is not None:
            sign = -1 if key in router_ab.LOWER_IS_BETTER else 1
            deltas = [sign * (found[a][key] - base[a][key]) for a in found]
            line += f"   ({sum(d > 1e-9 for d in deltas)} authors better, {sum(d < -1e-9 for d in deltas)} worse)"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="router-8")
    parser.add_argument("--fresh", default="", help="comma-separated authors left out of everything chosen")
    parser.add_argument("--cache", type=Path, default=ROOT / ".data" / "router")
    parser.add_argument("--dump", type=Path, help="the LOAO probabilities are saved (or, with --reuse, read) here")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    fresh = tuple(a for a in args.fresh.split(",") if a)
    everything = load_corpus()
    examples = [e for e in everything if e.cv_author not in fresh]
    texts = training.routed_texts(everything)
    vectors = training.embed(texts, load_embeddings(None), args.cache)
    old = np.array([e.cv_author not in fresh for e in everything])
    config = router_ab.VARIANTS[args.variant]
    saved = args.dump / f"{args.variant}.npz" if args.dump else None
    if saved and args.reuse and saved.is_file():
        with np.load(saved) as data:
            loao = {"probs": data["probs"], "guarded": data["guarded"], "temperature": float(data["temperature"])}
    else:
        x = training.design([t for t, o in zip(texts, old) if o], vectors[old], config)
        weight = training.team_weights(examples)
        v = training.validate(examples, x, validation.author_folds(examples), config, weight)
        loao = {"probs": v.probs, "guarded": v.guarded, "temperature": v.temperature}
        if saved:
            saved.parent.mkdir(parents=True, exist_ok=True)
            np.savez(saved, **loao)
    probs, guarded = loao["probs"], loao["guarded"]
    top = np.array([e.label for e in examples])
    groups = np.array([e.cv_author or "" for e in examples])
    point, _ = policy.choose_operating_point(probs, list(top), groups, forced=guarded)
    label_at = policy.choose_label_thresholds(probs, list(top), groups, point, forced=guarded)
    print(f"{args.variant}, leave one author out over {len(set(groups) - {''})} authors: {point}; per-label thresholds "
          f"(data, security, person) {label_at}")
    held_out = set(validation.fold_authors(examples))  # the authors that are folds; their own lines are their figures
    authors = np.array([e.cv_author if e.cv_author in held_out else "" for e in examples], dtype=object)
    newest = ("writer-v15", "writer-v16") + fresh
    base = figures(actions(probs, point, guarded, None)[authors != ""], top[authors != ""], authors[authors != ""])
    show("summed mass (shipped rule), LOAO", base, None, newest)
    show("per-label thresholds, LOAO", figures(actions(probs, point, guarded, label_at)[authors != ""],
                                                top[authors != ""], authors[authors != ""]), base, newest)
    if not fresh:
        return
    x_all = training.design(texts, vectors, config)
    weight = training.team_weights(everything)
    fitted = training.fit(x_all[np.flatnonzero(old)], np.array([e.fine for e in everything])[old], weight[old], config)
    new = np.flatnonzero(~old)
    fresh_probs = training.label_probabilities(training.softmax(training.logits(fitted, x_all[new]), loao["temperature"]),
                                               [str(c) for c in fitted.classes_])
    fresh_top = np.array([everything[i].label for i in new])
    fresh_authors = np.array([everything[i].cv_author for i in new], dtype=object)
    fresh_guarded = training.guarded(everything)[new]
    before = figures(actions(fresh_probs, point, fresh_guarded, None), fresh_top, fresh_authors)
    show("fresh authors, summed mass (shipped rule)", before, None, fresh)
    show("fresh authors, per-label thresholds", figures(actions(fresh_probs, point, fresh_guarded, label_at), fresh_top,
                                                        fresh_authors), before, fresh)


if __name__ == "__main__":
    main()
