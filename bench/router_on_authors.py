"""How router artifacts do on each author's lines: the fresh-author test for a new author file.

    .venv/bin/python bench/router_on_authors.py [--artifact PATH ...] [--authors author-f,author-g]

An artifact trained before an author's file existed never saw that author: its decisions on the file
are the honest figure for a writer nobody has seen (what leave-one-author-out cross-validation only
approximates). Several artifacts side by side (e.g. the previous router and this one, both trained
without the new authors) are the before/after of one run. On authors an artifact was trained on, the
figures are training figures (marked "trained"). Per register too, for the fresh authors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding import artifact, train as training, validation  # noqa: E402
from bot.understanding.corpus import LABELS, REQUEST_LABELS, load_corpus  # noqa: E402
from bot.understanding.policy import routed_right  # noqa: E402
from bot.understanding.router import Router  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

SHOWN = ("data_request.escalated", "security.escalated", "user_request.escalated", "question.escalated",
         "process_question.offered", "process_question.escalated", "off_topic.recall", "instruction.recall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifact", type=Path, action="append", help="repeatable; default: the shipped one")
    parser.add_argument("--authors", help="comma-separated authors to show (default: every author)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".data" / "router")
    args = parser.parse_args()
    examples = load_corpus()
    texts = [e.text for e in examples]
    vectors = training.embed(texts, load_embeddings(None), args.cache)
    authors = sorted({e.cv_author for e in examples if e.cv_author})
    if args.authors:
        authors = [a for a in authors if a in args.authors.split(",")]
    for path in args.artifact or [artifact.SHIPPED]:
        weights = artifact.load(path)
        router = Router(weights)
        trained_on = set(weights.meta.get("authors") or {"router-helper": 1})
        routes = router.route_many(texts, vectors)
        probs = np.array([[r.probabilities[label] for label in LABELS] for r in routes])
        point = weights.point
        print(f"\n{path}: {weights.meta['examples']} examples, code {weights.meta['code_version']}, escalate ≥ "
              f"{point.escalate_at}, offer ≥ {point.offer_at} (process ≥ {point.offer_process_at}, process ratio {point.process_ratio}); trained on {', '.join(sorted(trained_on))}")
        print(f"  {'':28s} " + "  ".join(f"{a + (' (trained)' if a in trained_on else ''):>22s}" for a in authors))
        mine = {a: np.array([e.cv_author == a for e in examples]) for a in authors}
        found = {a: validation.figures(probs[mine[a]], [e.label for e, m in zip(examples, mine[a]) if m], point)
                 for a in authors}
        for key in SHOWN:
            print(f"  {key:28s} " + "  ".join(f"{found[a].get(key, float('nan')):22.3f}" for a in authors))
        right = np.array([routed_right(e.label, r.action, r.reason) for e, r in zip(examples, routes)])
        print(f"  {'routed right overall':28s} " + "  ".join(f"{right[mine[a]].mean():22.3f}" for a in authors))
        for a in (a for a in authors if a not in trained_on):
            print(f"  {a}, fresh: requests escalated to the right reason / questions escalated, by register")
            for register in sorted({e.register for e, m in zip(examples, mine[a]) if m}):
                rows = mine[a] & np.array([e.register == register for e in examples])
                req = rows & np.array([e.label in REQUEST_LABELS for e in examples])
                q = rows & np.array([e.label == "question" for e in examples])
                esc = np.array([r.action == "escalate" for r in routes])
                print(f"    {register:14s} requests {right[req].mean() if req.any() else float('nan'):.3f} "
                      f"({int(req.sum())})   questions escalated {esc[q].mean() if q.any() else float('nan'):.3f} "
                      f"({int(q.sum())})")
            misses = [(e, r) for e, r, m in zip(examples, routes, mine[a]) if m and e.label in REQUEST_LABELS
                      and not routed_right(e.label, r.action, r.reason)]
            print(f"  {a}: {len(misses)} requests not escalated to their reason (label → action/reason):")
            for e, r in misses:
                print(f"    {e.label}:{e.kind} → {r.action}/{r.reason} p_request "
                      f"{sum(r.probabilities[x] for x in REQUEST_LABELS):.2f}  [{e.register}] {e.text[:110]!r}")


if __name__ == "__main__":
    main()
