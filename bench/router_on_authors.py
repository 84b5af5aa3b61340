"""How a router artifact does on each author's lines: "before" for a new author file.

    .venv/bin/python bench/router_on_authors.py [--artifact PATH]

The v1 router (trained on corpus.jsonl only: router-helper + public questions) never saw author-b or
author-c, so its decisions on their files are a fair out-of-author figure for it, comparable to the
leave-one-author-out figures of the retrained router (bench/bench_router.py). On authors the artifact
was trained on, the figures are training figures (printed, marked).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding import artifact, train as training, validation  # noqa: E402
from bot.understanding.corpus import LABELS, load_corpus  # noqa: E402
from bot.understanding.policy import OperatingPoint  # noqa: E402
from bot.understanding.router import Router  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

SHOWN = ("data_request.escalated", "security.escalated", "user_request.escalated", "question.escalated",
         "process_question.offered", "process_question.escalated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifact", type=Path, default=artifact.SHIPPED)
    parser.add_argument("--cache", type=Path, default=ROOT / ".data" / "router")
    args = parser.parse_args()
    weights = artifact.load(args.artifact)
    router = Router(weights)
    trained_on = set(weights.meta.get("authors") or {"router-helper": 1})
    examples = load_corpus()
    texts = [e.text for e in examples]
    vectors = training.embed(texts, load_embeddings(None), args.cache)
    routes = router.route_many(texts, vectors)
    probs = np.array([[r.probabilities[label] for label in LABELS] for r in routes])
    point = OperatingPoint(weights.escalate_at, weights.offer_at)
    print(f"{args.artifact}: {weights.meta['examples']} examples, escalate ≥ {point.escalate_at}, offer ≥ {point.offer_at}")
    authors = sorted({e.cv_author for e in examples if e.cv_author})
    print(f"  {'':28s} " + "  ".join(f"{a + (' (trained)' if a in trained_on else ''):>24s}" for a in authors))
    found = {a: validation.figures(probs[[e.cv_author == a for e in examples]],
                                   [e.label for e in examples if e.cv_author == a], point) for a in authors}
    for key in SHOWN:
        print(f"  {key:28s} " + "  ".join(f"{found[a].get(key, float('nan')):24.3f}" for a in authors))


if __name__ == "__main__":
    main()
