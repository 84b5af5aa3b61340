"""Request router figures: grouped CV on the training corpus, the held-out set, baselines, latency.

    .venv/bin/python bench/bench_router.py [--heldout tests/heldout/v17/router.jsonl] [--skip-cv] [--skip-heldout]

Printed, in one run:
1. Cross-validation on the training corpus, two splits: leaving one author out (router-helper,
   author-b, author-c; public questions spread by source; the split training chooses on) with the
   figures per held-out author and their spread, and 5 folds grouped by family (template, hand-
   written line, public policy). Per-label precision and recall of the most probable label and the
   decisions at the shipped operating point. Baselines in the same run: the old regular-expression
   rules (bench/baseline_rules.py, per author) and the same logistic regression on the embedding
   alone (no signals, no n-grams).
2. The held-out set (written by someone who never saw the corpus; never used to choose anything):
   confusion matrix of labels, per-label precision/recall, request recall (escalated), questions
   wrongly escalated, process questions answered with the offer; the same figures for the rules.
3. Latency: the router's added time per ask (features + one matrix product) on held-out texts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baseline_rules import escalation_intent, looks_off_topic  # noqa: E402

from bot.understanding import artifact, train as training, validation  # noqa: E402
from bot.understanding.corpus import LABELS, REQUEST_LABELS, load_corpus  # noqa: E402
from bot.understanding.features import SIGNAL_NAMES  # noqa: E402
from bot.gloss import english_reading, understood  # noqa: E402
from bot.understanding.policy import ACTIONS, OperatingPoint, decide_all, routed_right  # noqa: E402
from bot.understanding.router import Router  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

HELDOUT = ROOT / "tests" / "heldout" / "v17" / "router.jsonl"


def load_heldout(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"text": r["text"], "label": r["label"], "kind": r.get("kind"), "register": r.get("register", "?"),
             "pair": r.get("pair")} for r in rows]


def rules_decisions(texts: list[str]) -> tuple[list[str], list[str]]:
    """The old rules as (label, action): escalate on a rule, decline off-topic, else answer (no offers)."""
    labels, actions = [], []
    for t in texts:
        reason = escalation_intent(t)
        if reason:
            labels.append(reason), actions.append("escalate")
        elif looks_off_topic(t):
            labels.append("off_topic"), actions.append("decline")
        else:
            labels.append("question"), actions.append("answer")
    return labels, actions


def decision_figures(truth: list[str], actions: list[str]) -> dict[str, float]:
    truth_a, actions_a = np.array(truth), np.array(actions)
    out = {}
    for label in REQUEST_LABELS:
        rows = truth_a == label
        out[f"{label} escalated"] = float((actions_a[rows] == "escalate").mean()) if rows.any() else float("nan")
    for label in ("question", "process_question"):
        rows = truth_a == label
        if rows.any():
            out[f"{label} wrongly escalated"] = float((actions_a[rows] == "escalate").mean())
    rows = truth_a == "process_question"
    out["process_question answered with offer"] = float((actions_a[rows] == "offer").mean()) if rows.any() else float("nan")
    rows = np.isin(truth_a, ["off_topic", "instruction"])
    out["off_topic/instruction declined"] = float((actions_a[rows] == "decline").mean()) if rows.any() else float("nan")
    return out


def per_label(truth: list[str], predicted: list[str]) -> list[tuple[str, int, float, float]]:
    t, p = np.array(truth), np.array(predicted)
    out = []
    for label in LABELS:
        n = int((t == label).sum())
        precision = float((t[p == label] == label).mean()) if (p == label).any() else float("nan")
        recall = float((p[t == label] == label).mean()) if n else float("nan")
        out.append((label, n, precision, recall))
    return out


def print_confusion(truth: list[str], predicted: list[str]) -> None:
    short = {"question": "q", "process_question": "proc", "data_request": "data", "security": "sec",
             "user_request": "user", "off_topic": "off", "instruction": "instr"}
    print("  true \\ predicted " + " ".join(f"{short[l]:>6}" for l in LABELS))
    for label in LABELS:
        row = [sum(1 for a, b in zip(truth, predicted) if a == label and b == l) for l in LABELS]
        if sum(row):
            print(f"  {label:17s} " + " ".join(f"{n:6d}" for n in row))


SHOWN = ("data_request.escalated", "security.escalated", "user_request.escalated", "question.escalated",
         "process_question.offered", "process_question.escalated")


def cross_validation(examples, x, point: OperatingPoint, label: str, folds, config=None) -> None:
    """Out-of-fold figures at the shipped operating point (temperature refitted on the folds)."""
    v = training.validate(examples, x, folds, config or training.CONFIG, point=point)
    figures = training.report(examples, v)
    if folds.kind == "author":
        print(f"\n{label}: leave one author out, figures on the held-out author's own lines, mean ± std "
              f"[min, max] across authors; temperature {v.temperature}, mean cost {v.mean_cost:.4f}")
        print(f"  {'':30s} {'mean ± std':>14s}  [min, max]    " + "  ".join(f"{a:>14s}" for a in folds.names))
    else:
        print(f"\n{label}: {len(folds.names)}-fold CV grouped by family, mean ± spread (std) [min, max] across "
              f"folds; temperature {v.temperature}, mean cost {v.mean_cost:.4f}")
    summary = figures["summary"]
    for name in sorted(summary):
        f = summary[name]
        per = ("  " + "  ".join(f"{figures['folds'][a].get(name, float('nan')):14.3f}" for a in folds.names)
               if folds.kind == "author" else "")
        print(f"  {name:30s} {f['mean']:.3f} ± {f['std']:.3f}  [{f['min']:.2f}, {f['max']:.2f}]{per}")
    if "public_questions" in figures:
        q = figures["public_questions"]
        print(f"  public questions (PolicyQA/PrivacyQA, out of fold): escalated {q.get('question.escalated', 0):.3f}, "
              f"recall as question {q.get('question.recall', 0):.3f}")


def rules_by_author(examples, folds) -> None:
    """The old rules on each author's lines (no training: the same rules for everybody)."""
    texts = [e.text for e in examples]
    truth = [e.label for e in examples]
    _, actions = rules_decisions(texts)
    names = folds.names if folds.kind == "author" else ["all"]
    print("\nBaseline: the old rules, per author (no training involved)")
    print(f"  {'':40s} " + "  ".join(f"{a:>14s}" for a in names))
    rows = {a: [i for i, e in enumerate(examples) if folds.kind != "author" or e.cv_author == a] for a in names}
    found = {a: decision_figures([truth[i] for i in rows[a]], [actions[i] for i in rows[a]]) for a in names}
    for name in found[names[0]]:
        print(f"  {name:40s} " + "  ".join(f"{found[a].get(name, float('nan')):14.3f}" for a in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--skip-cv", action="store_true", help="only the held-out set and latency")
    parser.add_argument("--skip-heldout", action="store_true", help="only cross-validation and baselines")
    parser.add_argument("--cache", type=Path, default=ROOT / ".data" / "router", help="embedding cache")
    args = parser.parse_args()

    embeddings = load_embeddings(None)
    weights = artifact.load(artifact.SHIPPED)
    router = Router(weights)
    point = weights.point
    print(f"Shipped router: {weights.meta['examples']} examples, corpus {weights.meta['corpus_sha256'][:12]}, "
          f"model {weights.meta['embedding_model']}, code {weights.meta['code_version']}; operating point "
          f"escalate ≥ {point.escalate_at}, offer ≥ {point.offer_at} (process ≥ {point.offer_process_at}, process ratio {point.process_ratio}), temperature {weights.temperature}")

    examples = load_corpus()
    if not args.skip_cv:
        texts = [e.text for e in examples]
        vectors = training.embed(texts, embeddings, args.cache)
        config = training.config_of(weights.meta)
        x = training.design(texts, vectors, config or training.CONFIG)
        plain = training.Design(vectors)  # the baseline: the embedding alone, same logistic regression
        by_author = validation.author_folds(examples)
        authors = ", ".join(f"{a} {sum(e.cv_author == a for e in examples)}" for a in (by_author.names if by_author else []))
        print(f"Corpus: {len(examples)} lines; authors: {authors or 'one'}; public questions "
              f"{sum(e.cv_author is None for e in examples)}")
        for folds in [f for f in (by_author, validation.family_folds(examples)) if f is not None]:
            cross_validation(examples, x, point, "Router (as shipped)", folds, config)
            cross_validation(examples, plain, point, "Baseline: embedding only, same LR", folds,
                             training.Config(signals=()))
            rules_by_author(examples, folds) if folds.kind == "author" else None
        truth = [e.label for e in examples]
        labels, actions = rules_decisions(texts)
        print("\nBaseline: the old rules on the whole training corpus (no training involved)")
        for name, value in decision_figures(truth, actions).items():
            print(f"  {name:40s} {value:.3f}")

    if args.skip_heldout:
        # Latency on corpus lines instead (every 10th written line: short, long, stories), no held-out text read.
        sample = [e.text for e in examples if e.cv_author][::10]
        latency(router, embeddings, sample, np.stack([embeddings.encode_query(t) for t in sample]), "corpus lines")
        return
    if not args.heldout.is_file():
        print(f"\nNo held-out set at {args.heldout}: nothing more to report.")
        return
    heldout = load_heldout(args.heldout)
    texts = [r["text"] for r in heldout]
    truth = [r["label"] for r in heldout]
    vectors = np.stack([embeddings.encode_query(t) for t in texts])
    routes = router.route_many(texts, vectors)
    predicted = [r.label for r in routes]
    actions = [r.action for r in routes]
    print(f"\nHeld-out set {args.heldout.relative_to(ROOT)}: {len(heldout)} lines "
          + ", ".join(f"{l} {truth.count(l)}" for l in LABELS if truth.count(l)))
    print("Router, most probable label:")
    print_confusion(truth, predicted)
    print("  label              n   precision  recall")
    for label, n, precision, recall in per_label(truth, predicted):
        if n or not np.isnan(precision):
            print(f"  {label:17s} {n:4d}   {precision:9.3f}  {recall:6.3f}")
    rule_labels, rule_actions = rules_decisions(texts)
    router_figures, rule_figures = decision_figures(truth, actions), decision_figures(truth, rule_actions)
    print("Decisions (router at the shipped operating point | old rules):")
    for name in router_figures:
        print(f"  {name:40s} {router_figures[name]:.3f} | {rule_figures[name]:.3f}")
    # Assistant.ask reads a message in another language through its English gloss (bot/gloss.py), at the glossed
    # lines' own escalation point, and hands one the gloss understands too little of to a person.
    readings = [english_reading(t) for t in texts]
    guarded = list(actions)
    for i, reading in enumerate(readings):
        if understood(reading):
            guarded[i] = router.route(reading.text_en, embeddings.encode_query(reading.text_en), glossed=True).action
        elif reading is not None and guarded[i] != "escalate":
            guarded[i] = "escalate"
    print(f"As Assistant.ask reads other languages (gloss, language guard; {sum(g != a for g, a in zip(guarded, actions))} "
          "lines changed):")
    for name, value in decision_figures(truth, guarded).items():
        print(f"  {name:40s} {value:.3f}")
    kinds = [(r["kind"], route.kind) for r, route in zip(heldout, routes)
             if r["kind"] and route.action == "escalate" and route.reason == r["label"]]
    if kinds:
        print(f"  kind right when escalated to the right reason: {np.mean([a == b for a, b in kinds]):.3f} ({len(kinds)})")
    right = [routed_right(r["label"], route.action, route.reason) for r, route in zip(heldout, routes)]
    rule_right = [routed_right(r["label"], a, l if a == "escalate" else None)
                  for r, a, l in zip(heldout, rule_actions, rule_labels)]
    print(f"  routed right overall                     {np.mean(right):.3f} | {np.mean(rule_right):.3f}")
    pairs: dict[str, list[int]] = {}
    for i, r in enumerate(heldout):
        if r["pair"]:
            pairs.setdefault(r["pair"], []).append(i)
    if pairs:
        both = sum(all(right[i] for i in rows) for rows in pairs.values())
        both_rules = sum(all(rule_right[i] for i in rows) for rows in pairs.values())
        print(f"  tricky pairs with both members right     {both}/{len(pairs)} | {both_rules}/{len(pairs)}")
    print("Requests escalated to the right reason, by register (router | rules):")
    for register in sorted({r["register"] for r in heldout}):
        rows = [i for i, r in enumerate(heldout) if r["register"] == register and r["label"] in REQUEST_LABELS]
        if rows:
            print(f"  {register:17s} {np.mean([right[i] for i in rows]):.3f} | "
                  f"{np.mean([rule_right[i] for i in rows]):.3f}  ({len(rows)})")
    print("Actions by true label:")
    for label in LABELS:
        got = [a for t, a in zip(truth, actions) if t == label]
        if got:
            print(f"  {label:17s} " + "  ".join(f"{a} {got.count(a)}" for a in ACTIONS if got.count(a)))

    latency(router, embeddings, texts, vectors, "held-out texts")


def latency(router, embeddings, texts: list[str], vectors: np.ndarray, what: str) -> None:
    """What routing adds to an ask, the query vector being already computed by retrieval."""
    timings = []
    for text, vector in zip(texts * 5, np.concatenate([vectors] * 5)):
        start = time.perf_counter()
        router.route(text, vector)
        timings.append(time.perf_counter() - start)
    encode = []
    for text in texts[:50]:
        start = time.perf_counter()
        embeddings.encode_query(text)
        encode.append(time.perf_counter() - start)
    print(f"\nLatency ({len(texts)} {what}): routing adds p50 {np.percentile(timings, 50) * 1000:.3f} ms, p95 "
          f"{np.percentile(timings, 95) * 1000:.3f} ms per ask ({len(SIGNAL_NAMES)} signals + one "
          f"{len(router.classes)}x{router._w.shape[1]} product + look-ups in {router.ngram_buckets} hashed n-gram columns); for scale, encoding the question p50 "
          f"{np.percentile(encode, 50) * 1000:.2f} ms (done once, shared with retrieval)")


if __name__ == "__main__":
    main()
