"""Train the follow-up coverage adjuster (bot/followup_coverage.py), validated end to end leave-one-author-out.

    .venv/bin/python bench/train_followup_coverage.py [--check] [--replay FILE [--reuse]]

1. Replay: every conversation of every author's bot/data/followup_<author>.yaml through `Assistant.ask(...,
   context=...)` with that author's fold of the follow-up detector (trained without the author, as in
   bench/eval_followup.py) and the adjuster switched off; where the product would adjust a rewritten
   follow-up's verdict, its inputs are recorded (bot/followup_coverage.py FEATURES), with the last turn's
   expectation and whether it was answered right (bench/bench_conversations.py's strict `is_right`).
2. Leave one author out: the adjuster fitted on the other authors' recorded last turns whose expectation says
   covered or not (no hand-off expected), then that author's conversations asked again with it (those where
   it acted at some turn; the rest are unchanged), beside the verifier alone: right with context per author,
   mean ± sd, authors better / worse, by type, the newest authors separately.
3. Unless --check: fitted on every author and written to bot/data/followup_coverage_weights.json with its
   provenance and this validation.
Model: L2-regularised logistic regression (numpy), standardised features, stored as raw weights.
tests/heldout/ is never read. `--reuse` reads an earlier --replay file instead of step 1.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_conversations import is_right  # noqa: E402
from bench.followup_data import data_hash, golden_questions, load_all  # noqa: E402
from bench.train_followup import FEATURES as DETECTOR_FEATURES, folds, weights_without  # noqa: E402
from bot import followup_coverage  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.conversation import turn_of  # noqa: E402
from bot.followup_coverage import FEATURES, WEIGHTS_FILE  # noqa: E402
from bot.settings import Settings  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

L2 = 1.0
NEWEST = ("author-t", "author-u", "writer-v15", "writer-v16")  # added in stop 26
INPUTS = [f for f in FEATURES if f != "bias"]


def make_assistant(data: str):
    embeddings = load_embeddings(None)
    settings = Settings.from_mapping({"DATA_DIR": data, "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
    build_index(settings, embeddings=embeddings)
    return Assistant.from_settings(settings, embeddings=embeddings)


def ask_conversation(assistant, example):
    context = []
    for question in example.turns[:-1]:
        context.append(turn_of(assistant.ask(question, example.audience, context=list(context))))
    return assistant.ask(example.message, example.audience, context=context)


def replay(assistant, examples, detectors) -> list[dict]:
    """Step 1: one row per conversation: right with context, and the adjuster's inputs at the last turn."""
    recorded: list[dict | None] = []
    original = followup_coverage.adjust

    def recording(verdict, message, previous, first_section, section_tokens, related, weights=None):
        values = followup_coverage.features(message, previous, verdict.margin, first_section, section_tokens)
        recorded.append(None if verdict.ruled_out else values)
        return verdict  # switched off: the verifier's decision stands

    followup_coverage.adjust = recording
    rows = []
    try:
        for author, test in folds(examples):
            assistant.followup_weights = detectors[author]
            for i in test:
                e = examples[i]
                recorded.clear()
                context = []
                for question in e.turns[:-1]:
                    context.append(turn_of(assistant.ask(question, e.audience, context=list(context))))
                acted_before = len(recorded)
                answer = assistant.ask(e.message, e.audience, context=context)
                last = recorded[-1] if len(recorded) > acted_before else None
                right, why = is_right(answer, e.expect, e.kind)
                rows.append({"author": e.author, "id": e.id, "kind": e.kind, "expect": e.expect, "right": right,
                             "acted": bool(recorded), "values": last, "why": why, "turns": list(e.turns),
                             "answering": answer.answering,
                             "first": answer.citations[0].section if answer.citations else None})
    finally:
        followup_coverage.adjust = original
    return rows


def trainable(row: dict) -> bool:
    expect = row["expect"]
    return row["values"] is not None and "covered" in expect and expect.get("escalation") in (None, "not_covered")


def standardised_fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 3000, rate: float = 0.3):
    """Logistic regression by gradient descent on standardised columns (the bias is not penalised):
    (mean, scale, weights with the bias first). bench/followup_coverage_study.py fits with it too."""
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = np.c_[np.ones(len(x)), (x - mean) / scale]
    w = np.zeros(z.shape[1])
    penalty = np.full(len(w), l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        w -= rate * (z.T @ (p - y) / len(y) + penalty * w / len(y))
    return mean, scale, w


def fit(rows: list[dict], steps: int = 3000, rate: float = 0.3) -> dict[str, float]:
    """Raw weights (bias folded in) of a logistic regression over standardised INPUTS."""
    x = np.array([[r["values"][f] for f in INPUTS] for r in rows])
    y = np.array([float(bool(r["expect"]["covered"])) for r in rows])
    mean, scale, w = standardised_fit(x, y, L2, steps, rate)
    raw = w[1:] / scale
    return {"bias": float(w[0] - (raw * mean).sum()), **{f: float(v) for f, v in zip(INPUTS, raw)}}


def spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; do not write the weights")
    parser.add_argument("--replay", type=Path, default=Path(tempfile.gettempdir()) / "followup_coverage_replay.jsonl")
    parser.add_argument("--dump", type=Path, help="write the conversations asked again with the adjuster "
                        "(right before and after, why not) as JSON lines")
    parser.add_argument("--reuse", action="store_true", help="read an earlier --replay file instead of replaying")
    args = parser.parse_args()
    examples, raw = load_all()
    golden, raw_golden = golden_questions()
    with tempfile.TemporaryDirectory() as data:
        assistant = make_assistant(data)
        detectors = {author: dict(zip(DETECTOR_FEATURES, weights_without(examples, golden, test)))
                     for author, test in folds(examples)}
        if args.reuse:
            rows = [json.loads(line) for line in args.replay.read_text(encoding="utf-8").splitlines()]
        else:
            rows = replay(assistant, examples, detectors)
            args.replay.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        by_key = {(e.author, e.id): e for e in examples}
        after: dict[tuple[str, str], bool] = {}
        adjusters = {}
        changed: list[dict] = []  # the conversations asked again, right before and after
        for author in sorted({r["author"] for r in rows}):
            adjusters[author] = fit([r for r in rows if r["author"] != author and trainable(r)])
            assistant.followup_weights = detectors[author]
            assistant.followup_coverage_weights = adjusters[author]
            for r in rows:
                if r["author"] == author and r["acted"]:
                    e = by_key[(r["author"], r["id"])]
                    answer = ask_conversation(assistant, e)
                    right, why = is_right(answer, e.expect, e.kind)
                    after[(e.author, e.id)] = right
                    changed.append({"author": e.author, "id": e.id, "kind": e.kind, "turns": list(e.turns),
                                    "before": r["right"], "after": right, "why": why, "answering": answer.answering})
    if args.dump:
        args.dump.write_text("".join(json.dumps(c) + "\n" for c in changed), encoding="utf-8")
    per_author: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        now = after.get((r["author"], r["id"]), r["right"])
        per_author[r["author"]]["before"].append(r["right"])
        per_author[r["author"]]["after"].append(now)
        per_author[r["kind"]]["before"].append(r["right"])
        per_author[r["kind"]]["after"].append(now)
    authors = sorted({r["author"] for r in rows})
    share = {a: {k: sum(v) / len(v) for k, v in per_author[a].items()} for a in authors}
    print("right with context, leave-one-author-out (verifier alone -> with the adjuster):")
    for a in authors:
        b, f = per_author[a]["before"], per_author[a]["after"]
        print(f"  {a:11s} {sum(b):3d} -> {sum(f):3d} of {len(b):3d}  {share[a]['before']:.3f} -> {share[a]['after']:.3f}"
              + ("  (newest)" if a in NEWEST else ""))
    better = sum(share[a]["after"] > share[a]["before"] for a in authors)
    worse = sum(share[a]["after"] < share[a]["before"] for a in authors)
    total_b = sum(sum(per_author[a]["before"]) for a in authors)
    total_f = sum(sum(per_author[a]["after"]) for a in authors)
    print(f"all: {total_b} -> {total_f} of {len(rows)}; mean ± sd over {len(authors)} authors: "
          f"{spread([share[a]['before'] for a in authors])} -> {spread([share[a]['after'] for a in authors])}; "
          f"authors better {better}, worse {worse}")
    for kind in ("follow_up", "topic_change", "request_after_question"):
        b, f = per_author[kind]["before"], per_author[kind]["after"]
        if b:
            print(f"  {kind:23s} {sum(b)} -> {sum(f)} of {len(b)}")
    newest = [a for a in authors if a in NEWEST]
    if newest:
        print("newest authors: " + ", ".join(f"{a} {share[a]['before']:.3f} -> {share[a]['after']:.3f}" for a in newest))
    weights = fit([r for r in rows if trainable(r)])
    print("weights (raw), all authors: " + ", ".join(f"{k} {v:+.3f}" for k, v in weights.items()))
    if args.check:
        return 0
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or None
    artifact = {
        "model": f"logistic regression (L2 {L2}, standardised, stored raw) over bot/followup_coverage.py FEATURES",
        "weights": {k: round(v, 4) for k, v in weights.items()},
        "data": {"files": [f"bot/data/followup_{a}.yaml" for a in authors] + ["knowledge/golden.yaml"],
                 "sha256": data_hash(raw + raw_golden), "rows": sum(trainable(r) for r in rows)},
        "code_version": commit,
        "validation": {"scheme": "leave-one-author-out, end to end (bench/train_followup_coverage.py)",
                       "right_with_context": {a: [round(share[a]["before"], 3), round(share[a]["after"], 3)]
                                              for a in authors},
                       "authors_better": better, "authors_worse": worse},
    }
    WEIGHTS_FILE.write_text(json.dumps(artifact, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
