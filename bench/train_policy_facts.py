"""Train the policy-fact detector: does a question ask about the documents themselves, and which fact?

    .venv/bin/python bench/train_policy_facts.py [--no-write]

"When was the policy last updated?" is answered from document metadata (bot/policy_facts.py). The shipped
patterns recognised 46 of the 114 such questions the six retired held-out writers wrote ("whats the date of ur
policy", "which document are you quoting from?" slipped through), so a small learned model sits behind them:

- positives: bot/data/policy_fact_questions.yaml (the writers' policy facts, with the fact each asks for);
- negatives: every other question we hold — the router corpus (all labels, all authors), the Kimss training
  questions (answerable and not covered) and the golden set — except lines the patterns already claim;
- inputs: the question's sentence vector, the one retrieval computes (no second encode);
- two logistic regressions: "about the documents" (binary) and, for those, which fact (multinomial).

Validated leave-one-author-out (every author's lines predicted by a model trained without them). The
threshold is the lowest whose out-of-fold false positives stay within MAX_FALSE_POSITIVES of the negatives:
a plain policy question answered with "the policy was last updated on…" is a worse miss than a policy fact
answered from the sections. Writes bot/data/policy_fact_model.json with its provenance.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.policy_facts import CODE_VERSION, KINDS, LEARNED_KINDS, MODEL_FILE, QUESTIONS_FILE, pattern_kind  # noqa: E402
from bot.understanding.corpus import author_files, load_corpus  # noqa: E402
from bot.understanding.ranking.training import GOLDEN, author_of, kimss_training_files  # noqa: E402
from bot.understanding.train import embed  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

INTRODUCTION = "How Kimss AI handles information"
MAX_FALSE_POSITIVES = 0.002  # of ordinary questions, out of fold: about one in five hundred
C = 1.0


def data() -> tuple[list[str], list[str], list[str], list[Path]]:
    """(texts, kind or "" for a negative, author) and the files they came from."""
    positives = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    texts = [p["question"] for p in positives]
    kinds = [p["kind"] for p in positives]
    authors = [p["author"] for p in positives]
    seen = {t.lower().strip() for t in texts}
    negatives: list[tuple[str, str]] = [(e.text, e.author or "router-helper") for e in load_corpus()]
    for file in kimss_training_files():
        content = yaml.safe_load(file.read_text(encoding="utf-8"))
        # Answered from the introduction ("what does the privacy policy cover?") is answered right either way,
        # as a policy fact or from the ranked sections: neither a positive nor a negative.
        negatives += [(q["question"], author_of(file)) for q in content.get("answerable") or []
                      if INTRODUCTION not in q["section"]]
        negatives += [(q["question"], author_of(file)) for q in content.get("not_covered") or []]
    negatives += [(q["question"], "golden") for q in yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))]
    for text, author in negatives:
        key = text.lower().strip()
        if key in seen or pattern_kind(text):  # the patterns decide those; an exact positive is not a negative
            continue
        seen.add(key)
        texts.append(text)
        kinds.append("")
        authors.append(author)
    files = [QUESTIONS_FILE, *author_files(None), *kimss_training_files(), GOLDEN]
    return texts, kinds, authors, files


def fit(x: np.ndarray, kinds: np.ndarray) -> tuple[LogisticRegression, LogisticRegression]:
    about = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(x, kinds != "")
    positive = kinds != ""
    which = LogisticRegression(C=C, max_iter=2000).fit(x[positive], kinds[positive])
    return about, which


def out_of_fold(x: np.ndarray, kinds: np.ndarray, authors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(about the documents) and the predicted kind of every line, from a model trained without its author."""
    probability = np.zeros(len(x))
    predicted = np.empty(len(x), dtype=object)
    for author in sorted(set(authors)):
        test = authors == author
        about, which = fit(x[~test], kinds[~test])
        probability[test] = about.predict_proba(x[test])[:, 1]
        predicted[test] = which.predict(x[test])
    return probability, predicted


def choose_threshold(probability: np.ndarray, kinds: np.ndarray, predicted: np.ndarray) -> float:
    # Only lines the detector would answer count: a predicted "scope" is left to the ranked sections.
    negative = np.sort(probability[(kinds == "") & np.isin(predicted, LEARNED_KINDS)])[::-1]
    allowed = int(np.floor(MAX_FALSE_POSITIVES * (kinds == "").sum()))
    if allowed >= len(negative):
        return 0.5
    return float(negative[allowed]) + 1e-6  # strictly above the (allowed+1)-th highest negative


def report(texts, kinds, authors, probability, predicted, threshold) -> dict:
    positive = kinds != ""
    fired = (probability >= threshold) & np.isin(predicted, LEARNED_KINDS)
    print(f"lines: {positive.sum()} policy facts, {(~positive).sum()} other questions; threshold {threshold:.3f} "
          f"(out-of-fold false positives ≤ {MAX_FALSE_POSITIVES})")
    rows = {}
    by_author = defaultdict(list)
    for i in np.flatnonzero(positive):
        by_author[authors[i]].append(i)
    print("| writer (left out) | policy facts | patterns alone: right kind | patterns + model: right kind |")
    print("|---|---|---|---|")
    for author, idx in sorted(by_author.items()):
        alone = [pattern_kind(texts[i]) == kinds[i] for i in idx]
        both = [(pattern_kind(texts[i]) or (predicted[i] if fired[i] else None)) == kinds[i] for i in idx]
        rows[author] = (float(np.mean(alone)), float(np.mean(both)))
        print(f"| {author} | {len(idx)} | {np.mean(alone):.3f} | {np.mean(both):.3f} |")
    alone_m = np.mean([a for a, _ in rows.values()])
    both_m = np.mean([b for _, b in rows.values()])
    print(f"mean ± sd over writers: patterns alone {alone_m:.3f} ± {np.std([a for a, _ in rows.values()]):.3f}; "
          f"patterns + model {both_m:.3f} ± {np.std([b for _, b in rows.values()]):.3f}")
    false = fired & ~positive
    print(f"other questions taken for policy facts out of fold: {false.sum()} of {(~positive).sum()} "
          f"({false.mean() / max((~positive).mean(), 1e-9):.4f})")
    for i in np.flatnonzero(false)[:20]:
        print(f"  p={probability[i]:.2f} [{authors[i]}] {texts[i][:100]!r}")
    return {"writers": rows, "patterns_alone": round(float(alone_m), 4), "patterns_and_model": round(float(both_m), 4),
            "false_positives": int(false.sum()), "negatives": int((~positive).sum())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    texts, kinds, authors, files = data()
    embeddings = load_embeddings(None)
    x = embed(texts, embeddings, ROOT / ".data" / "router")
    kinds_a, authors_a = np.array(kinds, dtype=object), np.array(authors, dtype=object)
    probability, predicted = out_of_fold(x, kinds_a, authors_a)
    threshold = choose_threshold(probability, kinds_a, predicted)
    cv = report(texts, kinds_a, authors_a, probability, predicted, threshold)
    if args.no_write:
        return
    about, which = fit(x, kinds_a)
    assert list(which.classes_) == sorted(which.classes_) and set(which.classes_) <= set(KINDS)
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    artifact = {
        "provenance": {"model": embeddings.model_id, "code_version": CODE_VERSION, "trained": date.today().isoformat(),
                       "data_sha256": digest.hexdigest()[:16], "files": len(files), "C": C,
                       "max_false_positives": MAX_FALSE_POSITIVES, "cv": cv},
        "threshold": round(threshold, 6),
        "about": {"weights": [round(float(v), 6) for v in about.coef_[0]], "bias": round(float(about.intercept_[0]), 6)},
        "kinds": list(which.classes_),
        "which": {"weights": [[round(float(v), 6) for v in row] for row in which.coef_],
                  "bias": [round(float(v), 6) for v in which.intercept_]},
    }
    MODEL_FILE.write_text(json.dumps(artifact, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
