"""Ranking quality on real privacy policies (PolicyQA dev), learned ranker beside its baselines.

    .venv/bin/python bench/bench_policyqa.py ../shared/datasets/policyqa/dev.json [--cache FILE]

Each policy becomes one Markdown document (one section per paragraph) indexed by the project's own
indexer; every distinct question is ranked over all of its policy's sections by the project's own
retrieval signals. Gold = the paragraphs that carry the question. The learned ranker is scored by
leave-policies-out cross-validation (5 folds, grouped by policy: no policy is in both training and
test; the query adapter and the ranker are both trained inside each fold), and the baselines on the same folds in the same run: the same model with plain cosine over
paragraph embeddings, Okapi BM25 over plain lowercase words, their reciprocal-rank fusion (k=60),
and the hand-weighted fusion the assistant used before. Figures are mean ± sd over folds.
Not part of CI; the dataset stays in ../shared.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.ranking.train import (ADAPTER_KIND, ADAPTER_RANK, RANKER_KIND,  # noqa: E402
                                             cross_validate, load_questions, print_report)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--cache", type=Path, help="pickle of the extracted features, reused when present")
    args = parser.parse_args()
    questions = load_questions(args)
    policies = len({q.group for q in questions if q.group != "kimss"})
    print(f"PolicyQA dev: {policies} policies, {sum(q.group != 'kimss' for q in questions)} distinct questions; "
          f"ranker: {RANKER_KIND} logistic regression, {ADAPTER_KIND} query adapter of rank {ADAPTER_RANK} "
          "(trained inside each fold)")
    print_report(cross_validate(questions, RANKER_KIND, ADAPTER_RANK))


if __name__ == "__main__":
    main()
