"""Calibrating `covered`: the verifier's out-of-fold decisions on its training data.

    .venv/bin/python bench/calibrate_covered.py ../shared/datasets/policyqa/dev.json [--cache FILE]

Labelled (question, best section) pairs, as the verifier is trained (bot/understanding/ranking/train.py):
- PolicyQA dev: every question against its own policy (answerable) and against its policy without
  the paragraphs that answer it (not answerable);
- Kimss: the training questions in bot/understanding/ranking/data/kimss_train.yaml.
Every probability is out of fold (GroupKFold by policy; the ranker feeding it is out of fold too).
Prints "not covered" precision and recall and answerable kept at the shipped threshold and around it,
then a reliability table. The held-out Kimss figures are printed by bench/bench_heldout_kimss.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.ranking.train import cross_validate, load_questions, verifier_threshold  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    _, y, _, groups, p = cross_validate(load_questions(args))["verifier"]
    chosen = verifier_threshold(y, groups, p)
    for name, mask in (("PolicyQA", groups != "kimss"), ("Kimss training", groups == "kimss")):
        yy, pp = y[mask], p[mask]
        print(f"\n{name}: {int(yy.sum())} answerable, {int((yy == 0).sum())} not answerable")
        print("| threshold | not-covered precision | not-covered recall | answerable kept |\n|---|---|---|---|")
        for threshold in sorted({round(chosen, 3), 0.2, 0.3, 0.4, 0.5, 0.6}):
            flagged = pp < threshold
            true = int(np.sum(flagged & (yy == 0)))
            mark = " (shipped rule)" if threshold == round(chosen, 3) else ""
            print(f"| {threshold:.3f}{mark} | {true / flagged.sum() if flagged.sum() else 0:.2f} | "
                  f"{true / max(1, (yy == 0).sum()):.2f} | {np.mean(pp[yy == 1] >= threshold):.2f} |")
    print("\nReliability (out of fold): verifier probability → share answerable\n")
    print("| probability | pairs | answerable |\n|---|---|---|")
    for low, high in ((0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)):
        inside = (p >= low) & (p < high)
        print(f"| {low:.1f}–{min(high, 1):.1f} | {int(inside.sum())} | {np.mean(y[inside]) if inside.any() else 0:.2f} |")


if __name__ == "__main__":
    main()
