"""Choose the router's Config on author-grouped out-of-fold predictions; a new writer is the worst author.

    .venv/bin/python bench/tune_router.py [--configs router-4,router-3,...] [--two-thresholds]

For each candidate: leave-one-author-out cross-validation on the training corpus (validation.py),
temperature and operating point fitted on those out-of-fold predictions, then

  mean cost      the cost matrix (policy.py) per message at the chosen point (what the first choices
                 were made on), for both ways of choosing the point: the lowest mean cost ("mean"), and
                 the lowest among the points meeting every author's recall floors ("worst_author");
  per author     data / security / person requests escalated, questions escalated, process questions
                 offered — the minimum (maximum for questions escalated) across authors is the headline,
                 as the proxy for a writer nobody has seen;
  nested         the operating point chosen *without* the author it is tested on (on the other authors'
                 out-of-fold predictions), so the threshold is out of author too;
  stress         every held-out author's lines also rewritten with typos and after a paragraph of
                 neutral story (bench/stress.py), predicted by the same fold model: requests escalated,
                 questions escalated.

Never reads tests/heldout. The winner is written into bot/understanding/train.py CONFIG by hand, with
this output quoted in docs/history.md ("Routing").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stress import VARIANTS  # noqa: E402

from bot.understanding import train as training, validation  # noqa: E402
from bot.understanding.corpus import LABELS, REQUEST_LABELS, load_corpus  # noqa: E402
from bot.understanding.features import SIGNAL_NAMES, request_sentences  # noqa: E402
from bot.understanding import policy  # noqa: E402
from bot.understanding.policy import choose_operating_point, decide_all, total_cost  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

WB = ("words", "bigrams")
SHIPPED = dict(ngram_kinds=WB, ngram_buckets=4096, ngram_weight=20.0)  # router-2's choice (README "Routing")
C = training.Config
R3 = dict(SHIPPED, C=0.3)
# Router-4's two signals ("procedure", "asks_to_know") left out: the features of router-3.
R3_SIGNALS = tuple(n for n in SIGNAL_NAMES if n not in ("procedure", "asks_to_know"))
R3_CHARS = dict(R3, char_buckets=8192, char_weight=10.0, point_criterion="worst_author")
CANDIDATES = {
    "base": C(),  # embedding + eight signals, no n-grams
    "shipped": C(**SHIPPED),  # router-2
    "router-4": training.CONFIG,  # the current choice
    "router-3": C(**R3_CHARS, signals=R3_SIGNALS),
    "r3+procedure": C(**R3_CHARS, signals=R3_SIGNALS + ("procedure",)),
    "r3+starts-w5": C(**R3_CHARS, signals=R3_SIGNALS, start_buckets=2048, start_weight=5.0),
    "r3+starts-w10": C(**R3_CHARS, signals=R3_SIGNALS, start_buckets=2048, start_weight=10.0),
    "r3+procedure+starts-w10": C(**R3_CHARS, signals=R3_SIGNALS + ("procedure",), start_buckets=2048, start_weight=10.0),
    "r4-signals+starts-w10": C(**R3_CHARS, start_buckets=2048, start_weight=10.0),
    "r4-signals+starts-w20": C(**R3_CHARS, start_buckets=2048, start_weight=20.0),
    "r3+procedure+starts-w10+label-balance-0.5": C(**R3_CHARS, signals=R3_SIGNALS + ("procedure",), start_buckets=2048,
                                                   start_weight=10.0, label_balance=0.5),
    "r3+procedure+starts-w10+label-balance-1": C(**R3_CHARS, signals=R3_SIGNALS + ("procedure",), start_buckets=2048,
                                                 start_weight=10.0, label_balance=1.0),
    "r4-signals+starts-w10+label-balance-0.5": C(**R3_CHARS, start_buckets=2048, start_weight=10.0, label_balance=0.5),
    "c0.3": C(**SHIPPED, C=0.3),
    "c0.1": C(**SHIPPED, C=0.1),
    "req2": C(**SHIPPED, request_weight=2.0),
    "chars-w10": C(**SHIPPED, char_buckets=8192, char_weight=10.0),
    "sent-w10": C(**SHIPPED, sentence_buckets=2048, sentence_weight=10.0),
    "c0.3-chars-w5": C(**R3, char_buckets=8192, char_weight=5.0),
    "c0.3-chars-w10": C(**R3, char_buckets=8192, char_weight=10.0),
    "c0.3-chars-w20": C(**R3, char_buckets=8192, char_weight=20.0),
    "c0.3-chars-w10-4k": C(**R3, char_buckets=4096, char_weight=10.0),
    "c0.3-sent-w10": C(**R3, sentence_buckets=2048, sentence_weight=10.0),
    "c0.3-sentmax": C(**R3, sentence_max=True),
    "c0.3-req2": C(**R3, request_weight=2.0),
    "c0.1-chars-w10": C(**SHIPPED | {"C": 0.1}, char_buckets=8192, char_weight=10.0),
}
SHOWN = ("data_request.escalated", "security.escalated", "user_request.escalated", "question.escalated",
         "process_question.offered", "process_question.escalated")
WORST_IS_MAX = {"question.escalated", "process_question.escalated"}


def stress_lines(examples) -> tuple[list[str], list[int], list[str]]:
    """(text, source line, variant) for every author line that is a question, process question or request."""
    texts, sources, variants = [], [], []
    for i, e in enumerate(examples):
        if e.cv_author and e.label in ("question", "process_question") + REQUEST_LABELS and len(e.text) < 400:
            for name, make in VARIANTS.items():
                texts.append(make(e.text, i)), sources.append(i), variants.append(name)
    return texts, sources, variants


def sentence_design(texts, vectors, config):
    """The request sentences of each text as rows of their own (the text's vector, the sentence's words),
    and the text each row belongs to: what `Config.sentence_max` routes on beside the whole text."""
    rows, parents = [], []
    for i, text in enumerate(texts):
        for sentence in request_sentences(text):
            rows.append(sentence), parents.append(i)
    parents = np.array(parents, dtype=int)
    return training.design(rows, vectors[parents], config) if rows else None, parents


def cross_validate(examples, parts, folds, config):
    """Out-of-fold logits from the same fold models for each part: (design, fold of each row)."""
    fine = np.array([e.fine for e in examples])
    classes = sorted(set(fine))
    x = parts[0][0]
    outs = [np.full((len(d) if d is not None else 0, len(classes)), -1e9) for d, _ in parts]
    for n in range(len(folds.names)):
        train = np.flatnonzero(folds.index != n)
        model = training.fit(x[train], fine[train], None, config)
        columns = [classes.index(str(c)) for c in model.classes_]
        for out, (design, fold) in zip(outs, parts):
            rows = np.flatnonzero(fold == n)
            if len(rows):
                out[np.ix_(rows, columns)] = training.logits(model, design[rows])
    return outs, classes


def max_over_sentences(probs, sentence_probs, parents):
    """Each text's probabilities, or those of its most request-like sentence when that is more so."""
    out = probs.copy()
    mass = lambda p: p[:, [LABELS.index(r) for r in REQUEST_LABELS]].sum(axis=1)  # noqa: E731
    best = mass(out)
    for row, parent in enumerate(parents):
        m = mass(sentence_probs[row:row + 1])[0]
        if m > best[parent]:
            best[parent], out[parent] = m, sentence_probs[row]
    return out


def worst(figures: dict, key: str) -> float:
    values = [f[key] for f in figures.values() if key in f]
    return max(values) if key in WORST_IS_MAX else min(values)


def evaluate(name, config, examples, data, sources, variants, folds, out: list) -> None:
    started = time.perf_counter()
    top = [e.label for e in examples]
    authors = np.array([e.cv_author or "" for e in examples])
    texts, vectors, stexts, svectors = data
    stress_fold = folds.index[np.array(sources)]
    parts = [(training.design(texts, vectors, config), folds.index),
             (training.design(stexts, svectors, config), stress_fold)]
    if config.sentence_max:
        (d, parents), (sd, sparents) = sentence_design(texts, vectors, config), sentence_design(stexts, svectors, config)
        parts += [(d, folds.index[parents]), (sd, stress_fold[sparents])]
    outs, classes = cross_validate(examples, parts, folds, config)
    oof, soof = outs[:2]
    temperature = training.fit_temperature(oof, classes, [e.fine for e in examples])
    as_probs = lambda logits: training.label_probabilities(training.softmax(logits, temperature), classes)  # noqa: E731
    probs, sprobs = as_probs(oof), as_probs(soof)
    if config.sentence_max:
        probs = max_over_sentences(probs, as_probs(outs[2]), parents)
        sprobs = max_over_sentences(sprobs, as_probs(outs[3]), sparents)
    print(f"\n{name}: {config}\n  temperature {temperature}  ({time.perf_counter() - started:.0f} s)")
    for criterion in ("mean", "worst_author"):
        groups = authors if criterion == "worst_author" else None
        report(f"{name}/{criterion}", probs, sprobs, top, authors, groups, sources, variants, folds, out)


def report(name, probs, sprobs, top, authors, groups, sources, variants, folds, out: list) -> None:
    point, mean_cost = choose_operating_point(probs, top, groups)
    per_author = {a: validation.figures(probs[authors == a], [t for t, m in zip(top, authors == a) if m], point)
                  for a in folds.names}
    # Nested: each author's figures at the point chosen on everybody else's out-of-fold predictions.
    nested, nested_cost = {}, []
    for a in folds.names:
        rest = authors != a
        p, _ = choose_operating_point(probs[rest], [t for t, m in zip(top, rest) if m],
                                      None if groups is None else groups[rest])
        mine = [t for t, m in zip(top, authors == a) if m]
        nested[a] = validation.figures(probs[authors == a], mine, p)
        nested_cost.append(total_cost(probs[authors == a], mine, p))
    print(f"  {name}: mean cost {mean_cost:.4f} (nested, per author {np.mean(nested_cost):.4f}); escalate ≥ "
          f"{point.escalate_at}, offer ≥ {point.offer_at} (process ≥ {point.offer_process_at}, process ratio {point.process_ratio})")
    print(f"  {'':27s} {'mean':>6s} {'worst':>6s} {'nested':>14s}   " + " ".join(f"{a[-8:]:>8s}" for a in folds.names))
    row = {"name": name, "cost": mean_cost, "nested_cost": float(np.mean(nested_cost))}
    for key in SHOWN:
        values = [per_author[a].get(key, np.nan) for a in folds.names]
        print(f"  {key:27s} {np.nanmean(values):6.3f} {worst(per_author, key):6.3f} "
              f"{np.mean([nested[a][key] for a in folds.names]):6.3f}/{worst(nested, key):.3f}   "
              + " ".join(f"{v:8.3f}" for v in values))
        row[key] = (float(np.nanmean(values)), worst(per_author, key), worst(nested, key))
    # Stress lines at the chosen point, by variant: requests escalated (worst author), questions escalated.
    actions = decide_all(sprobs, point)[0]
    truth = np.array([top[s] for s in sources])
    source_author = authors[np.array(sources)]
    for variant in VARIANTS:
        v = np.array(variants) == variant
        parts = []
        for label in ("data_request", "security", "user_request", "question", "process_question"):
            rows = v & (truth == label)
            esc = [float((actions[rows & (source_author == a)] == 2).mean()) for a in folds.names
                   if (rows & (source_author == a)).any()]
            pooled = float((actions[rows] == 2).mean())
            parts.append(f"{label.split('_')[0]} {pooled:.3f}/{max(esc) if label in ('question', 'process_question') else min(esc):.3f}")
            row[f"{variant}.{label}"] = pooled
        print(f"  stress {variant:6s} escalated (pooled/worst author): " + ", ".join(parts))
    out.append(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CANDIDATES))
    parser.add_argument("--cache", type=Path, default=ROOT / ".data" / "router")
    parser.add_argument("--two-thresholds", action="store_true",
                        help="choose only escalate_at and offer_at (router-3's rule: no offer_process_at)")
    args = parser.parse_args()
    if args.two_thresholds:
        policy.OFFER_PROCESS_GRID = (1.0,)

    examples = load_corpus()
    texts = [e.text for e in examples]
    embeddings = load_embeddings(None)
    vectors = training.embed(texts, embeddings, args.cache)
    stexts, sources, variants = stress_lines(examples)
    svectors = training.embed(stexts, embeddings, args.cache)
    folds = validation.author_folds(examples)
    counts = {n: int((folds.index == i).sum()) for i, n in enumerate(folds.names)}
    print(f"{len(examples)} lines; folds (author): {counts}; {len(stexts)} stress lines")
    results: list[dict] = []
    for name in args.configs.split(","):
        config = CANDIDATES[name]
        evaluate(name, config, examples, (texts, vectors, stexts, svectors), sources, variants, folds, results)
    print("\nSummary (worst author; nested = operating point chosen without that author):")
    print(f"  {'config':28s} {'cost':>6s} {'nested':>6s} {'data':>11s} {'security':>11s} {'person':>11s} "
          f"{'q escal.':>11s} {'proc offer':>11s} {'typo req':>8s} {'story req':>9s} {'story q':>7s}")
    for r in results:
        cell = lambda k: f"{r[k][1]:.3f}/{r[k][2]:.3f}"  # noqa: E731
        req = lambda v: np.mean([r[f"{v}.{label}"] for label in REQUEST_LABELS])  # noqa: E731
        print(f"  {r['name']:28s} {r['cost']:6.4f} {r['nested_cost']:6.4f} {cell('data_request.escalated'):>11s} "
              f"{cell('security.escalated'):>11s} {cell('user_request.escalated'):>11s} {cell('question.escalated'):>11s} "
              f"{cell('process_question.offered'):>11s} {req('typo'):8.3f} {req('story'):9.3f} {r['story.question']:7.3f}")


if __name__ == "__main__":
    main()
