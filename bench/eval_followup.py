"""Follow-up resolution on its own, per author, left out: detection, and the rewritten question answered right
against the author's own standalone question (the oracle) answered right.

    .venv/bin/python bench/eval_followup.py [--verbose]

For each author's bot/data/followup_<author>.yaml, the detector is trained on the other authors and the
golden questions (bench/train_followup.py; one 5-fold split by conversation when there is one author),
then, with the real core (bundled model, embedded Chroma over knowledge/), each conversation is replayed
through `Assistant.ask(..., context=...)` with that fold's detector (the product's own path: rewrite, the
follow-up's own-words vote on the section, the on-topic rule):
  detection     precision / recall of "needs the previous turn" on the last turns
  rewritten     the last turn resolved (detected and rewritten, or asked as it is) answered right
  oracle        the standalone wording answered right, asked alone (the author's `standalone`, else bot/data/
                standalone_oracles.yaml, written by the dev author), beside `rewritten` on the same items:
                the gap is the resolver's; what both miss is mostly the ranker's or router's (the conversation
                mechanisms can also make `rewritten` beat the oracle)
  with/without  the last turn answered right with the conversation, and asked alone
Right = bench/bench_conversations.py's `is_right` (strict). tests/heldout/ is never read. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_conversations import is_right  # noqa: E402
from bench.followup_data import golden_questions, load_all, with_oracles  # noqa: E402
from bench.train_followup import FEATURES, folds, weights_without  # noqa: E402
from bench.train_followup_coverage import fit as fit_adjuster, trainable  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.conversation import turn_of  # noqa: E402
from bot.followup import needs_context  # noqa: E402
from bot.followup_rewrite import rewrite_with_rule  # noqa: E402
from bot.settings import Settings  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402


def resolve_and_ask(assistant: Assistant, example, weights: dict[str, float] | None):
    """(answer to the last turn, standalone question or None, rule): the conversation replayed through
    `Assistant.ask(..., context=...)` with the detector `weights` (the product's own path).

    rule: how the last turn was resolved — bot/followup_rewrite.py's rule name ("pointer", "swap",
    "fragment", "preposition", "append", …), "as_is" (detected, not rewritten) or "not_detected"."""
    assistant.followup_weights = weights
    context = []
    for question in example.turns[:-1]:
        context.append(turn_of(assistant.ask(question, example.audience, context=list(context))))
    answer = assistant.ask(example.message, example.audience, context=context)
    previous = context[-1].question
    rule = rewrite_with_rule(example.message, previous)[1] if needs_context(example.message, previous, weights) \
        else "not_detected"
    return answer, answer.answering, rule


def miss_kind(why: str) -> str:
    """What part of the core a wrong answer to a well-worded question points at (is_right's reason)."""
    if why == "off-topic reply":
        return "router: off-topic reply"
    if why.startswith("first section"):
        return "ranker: wrong first section"
    if "wanted not_covered" in why or why == "covered True":
        return "verifier: answered where the policy is silent"
    if why in ("not covered", "covered False"):
        return "verifier: said not covered"
    return "router: " + why


def share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f} ({sum(values)}/{len(values)})" if values else "   n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list each wrong resolution")
    parser.add_argument("--only", default="", help="comma-separated authors to test (each still left out of "
                        "its detector's training; the others are not tested): a quicker look at a few authors")
    parser.add_argument("--coverage-replay", type=Path, help="a replay written by bench/train_followup_coverage.py: "
                        "each author's follow-up coverage adjuster is fitted on the other authors' rows (without it "
                        "the adjuster is switched off: the shipped one was trained on every author tested here)")
    parser.add_argument("--dump", type=Path, help="write one JSON line per last turn (right with/without context, "
                        "the rule, the question answered, why not right) to compare two trees item by item")
    args = parser.parse_args()
    only = {a.strip() for a in args.only.split(",") if a.strip()}
    rows_out = []
    examples, _ = load_all()
    examples = with_oracles(examples)
    golden, _ = golden_questions()
    embeddings = load_embeddings(None)
    with tempfile.TemporaryDirectory() as data:
        settings = Settings.from_mapping({"DATA_DIR": data, "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        replayed = ([json.loads(line) for line in args.coverage_replay.read_text(encoding="utf-8").splitlines()]
                    if args.coverage_replay else None)
        assistant.adjust_followup_coverage = replayed is not None
        print("follow-up coverage adjuster: " + ("fitted per fold on " + str(args.coverage_replay) if replayed
                                                 else "off (pass --coverage-replay to evaluate it per fold)"))
        table: dict[str, dict[str, list[bool]]] = {}
        notes: list[str] = []
        rules: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
        both_wrong: dict[str, list[str]] = defaultdict(list)
        for fold, test in folds(examples):
            if only and examples[test[0]].author not in only:
                continue
            w = dict(zip(FEATURES, weights_without(examples, golden, test)))
            if replayed is not None:
                left_out = examples[test[0]].author
                assistant.followup_coverage_weights = fit_adjuster(
                    [r for r in replayed if r["author"] != left_out and trainable(r)])
            for i in test:
                e = examples[i]
                row = table.setdefault(e.author, defaultdict(list))
                answer, standalone, rule = resolve_and_ask(assistant, e, w)
                ok = is_right(answer, e.expect, e.kind)[0]
                alone = is_right(assistant.ask(e.message, e.audience), e.expect, e.kind)[0]
                row["with"].append(ok)
                rows_out.append({"author": e.author, "id": e.id, "kind": e.kind, "with": ok, "without": alone,
                                 "rule": rule, "message": e.message, "answering": standalone,
                                 "why": is_right(answer, e.expect, e.kind)[1],
                                 "first": answer.citations[0].section if answer.citations else None})
                row["without"].append(alone)
                if alone and not ok:
                    notes.append(f"{e.author}/{e.id}: context made it wrong ({e.kind}) | {e.message!r} -> {standalone!r}")
                row["with_" + e.kind].append(ok)
                row["without_" + e.kind].append(alone)
                detected = e.previous is not None and needs_context(e.message, e.previous, w)  # the detector alone
                if e.needs_context is None:
                    continue  # a request its author did not label: end-to-end figures only
                row["tp"].append(detected and e.needs_context)
                row["fp"].append(detected and not e.needs_context)
                row["fn"].append(not detected and e.needs_context)
                if e.needs_context:
                    row["rewritten"].append(ok)
                    if not ok and standalone:
                        notes.append(f"{e.author}/{e.id}: wrong after rewriting ({is_right(answer, e.expect, e.kind)[1]})"
                                     f" | {e.message!r} -> {standalone!r}")
                if e.needs_context and e.standalone:
                    oracle, why = is_right(assistant.ask(e.standalone, e.audience), e.expect, e.kind)
                    row["oracle"].append(oracle)
                    row["rewritten_same"].append(ok)
                    rules[rule]["rewritten"].append(ok)
                    rules[rule]["oracle"].append(oracle)
                    if not oracle and not ok:
                        both_wrong[miss_kind(why)].append(f"{e.author}/{e.id} {e.standalone!r}")
                    if oracle and not ok:
                        notes.append(f"{e.author}/{e.id}: resolver lost it | {e.message!r} -> {standalone!r} "
                                     f"(oracle {e.standalone!r})")
                if detected != e.needs_context:
                    notes.append(f"{e.author}/{e.id}: detection {'false positive' if detected else 'missed'} "
                                 f"| {e.message!r}")
    print(f"{'author':8s} {'n':>4s} {'precision':>9s} {'recall':>7s}  {'rewritten (needs ctx)':>22s}  "
          f"{'rewritten | oracle (same items)':>34s}  {'with ctx':>15s} {'without':>15s}")
    summary = defaultdict(list)
    for author, row in sorted(table.items()):
        tp, fp, fn = sum(row["tp"]), sum(row["fp"]), sum(row["fn"])
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{author:8s} {len(row['with']):4d} {precision:9.3f} {recall:7.3f}  {share(row['rewritten']):>22s}  "
              f"{share(row['rewritten_same']):>16s} | {share(row['oracle']):<16s}  {share(row['with']):>15s} "
              f"{share(row['without']):>15s}")
        for name, value in (("precision", precision), ("recall", recall),
                            ("rewritten", sum(row["rewritten"]) / max(1, len(row["rewritten"]))),
                            ("with", sum(row["with"]) / len(row["with"])),
                            ("without", sum(row["without"]) / len(row["without"]))):
            summary[name].append(value)
    kinds = ("follow_up", "topic_change", "request_after_question")
    print("by type, with context | without: " + "  ".join(
        f"{k} {share(sum((r['with_' + k] for r in table.values()), []))} | "
        f"{share(sum((r['without_' + k] for r in table.values()), []))}" for k in kinds))
    if len(table) > 1:
        print("across authors (mean ± sd [min-max]): " + "  ".join(
            f"{k} {statistics.mean(v):.3f} ± {statistics.pstdev(v):.3f} [{min(v):.3f}-{max(v):.3f}]"
            for k, v in summary.items()))
    print("by rule, last turns that need context (rewritten | oracle, same items):")
    for rule, row in sorted(rules.items(), key=lambda r: -len(r[1]["oracle"])):
        print(f"  {rule:13s} {share(row['rewritten']):>16s} | {share(row['oracle'])}")
    print("wrong with the oracle question too (the ranker's, verifier's or router's, not the resolver's):")
    for kind, items in sorted(both_wrong.items(), key=lambda k: -len(k[1])):
        print(f"  {kind}: {len(items)}" + ("\n    " + "\n    ".join(items) if args.verbose else ""))
    if args.verbose:
        print("\n".join(notes))
    if args.dump:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in rows_out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
