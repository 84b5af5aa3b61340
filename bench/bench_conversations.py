"""Conversations: is the last turn answered right, with and without the earlier turns, and what it costs.

    .venv/bin/python bench/bench_conversations.py [FILE] [--rounds 5]

FILE defaults to tests/heldout/v17/conversations.yaml (written by someone who never saw the resolver; it is
only reported here, never used to choose anything); bot/data/followup_dev.yaml is the development set.
Each item: {id, type: follow_up | topic_change | request_after_question, audience?, turns: [q1, q2, (q3)],
expect: {covered?, sections?, escalation?}} for the last turn. Right = every expectation given holds:
escalation reason equal (null: none, or only "not_covered" when covered is false), covered equal, and
when covered the first citation's section is one of `sections`; and (strict, the headline) never the
off-topic reply for a follow-up or a request. The lenient figure (flags only) is printed too.
Latency: the last turn asked with its context (follow-ups only) against the same conversations'
first turn asked alone, warm, `rounds` times each. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot import policy_facts  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.conversation import turn_of  # noqa: E402
from bot.settings import Settings  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

DEFAULT = ROOT / "tests" / "heldout" / "v17" / "conversations.yaml"


def is_off_topic_reply(answer) -> bool:
    """The one-sentence "I answer questions about…" reply: nothing cited, nothing offered."""
    return not answer.covered and not answer.citations and answer.escalation is None


def is_right(answer, expect: dict, kind: str = "topic_change", strict: bool = True) -> tuple[bool, str]:
    """(right?, why not) for the last turn's answer against the item's expectations.

    Strict (the headline figure): a follow-up or a request inside a privacy conversation is on topic by
    definition, so the off-topic reply is never right for those, even where `covered: false` is expected
    (that reply is the very bug issue 12 describes). Lenient: the flags alone."""
    if strict and kind in ("follow_up", "request_after_question") and is_off_topic_reply(answer):
        return False, "off-topic reply"
    reason = answer.escalation.reason if answer.escalation else None
    if "escalation" in expect:
        wanted = expect["escalation"]
        if wanted is None and reason not in (None, "not_covered"):
            return False, f"escalation {reason}"
        if wanted is not None and reason != wanted:
            return False, f"escalation {reason} (wanted {wanted})"
        if wanted is None and reason == "not_covered" and expect.get("covered", False):
            return False, "not covered"
    if "covered" in expect and bool(answer.covered) != bool(expect["covered"]):
        return False, f"covered {answer.covered}"
    sections = expect.get("sections")
    if sections and answer.covered and not (reason and reason != "not_covered"):
        if isinstance(sections, str):
            sections = [sections]
        first = answer.citations[0].section if answer.citations else None
        if first not in sections and not answers_document(answer, sections):
            return False, f"first section {first}"
    return True, ""


def answers_document(answer, sections) -> bool:
    """`sections: [Privacy Policy]` names the document itself, as in bench/bench_heldout_kimss.py and
    bench/retire_heldout.py: "when was it last updated?" is answered from the document's metadata (a policy
    fact, bot/policy_facts.py), citing its introduction, and no section is headed with the document's title.
    Right when the question answered asks such a fact and the answer cites that document."""
    asked = answer.answering or answer.question
    return bool(answer.citations) and answer.citations[0].title in sections and policy_facts.kind_of(asked) is not None


def converse(assistant: Assistant, item: dict, with_context: bool):
    audience = item.get("audience", "customer")
    context = []
    for question in item["turns"][:-1]:
        answer = assistant.ask(question, audience, context=list(context) if with_context else None)
        context.append(turn_of(answer))
    last = item["turns"][-1]
    return assistant.ask(last, audience, context=context if with_context else None), context


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="list every wrong last turn")
    args = parser.parse_args()
    if not args.file.exists():
        print(f"{args.file} does not exist", file=sys.stderr)
        return 2
    items = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    embeddings = load_embeddings(None)
    with tempfile.TemporaryDirectory() as data:
        settings = Settings.from_mapping({"DATA_DIR": data, "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        right = {True: Counter(), False: Counter()}
        lenient = {True: Counter(), False: Counter()}
        totals = Counter()
        rewritten = Counter()
        wrong: dict[bool, list[str]] = defaultdict(list)
        for item in items:
            totals[item["type"]] += 1
            for with_context in (True, False):
                answer, _ = converse(assistant, item, with_context)
                ok, why = is_right(answer, item.get("expect") or {}, item["type"])
                right[with_context][item["type"]] += ok
                lenient[with_context][item["type"]] += is_right(answer, item.get("expect") or {}, item["type"],
                                                                strict=False)[0]
                if with_context and answer.answering:
                    rewritten[item["type"]] += 1
                if not ok:
                    wrong[with_context].append(f"{item['id']} ({item['type']}): {why}"
                                               + (f" | answering: {answer.answering}" if with_context and
                                                  args.verbose and answer.answering else ""))
        n = sum(totals.values())
        print(f"{args.file.relative_to(ROOT) if args.file.is_relative_to(ROOT) else args.file}: {n} conversations")
        print(f"{'type':24s} {'n':>4s} {'with context':>13s} {'without':>8s} {'rewritten':>10s}")
        for kind in sorted(totals):
            print(f"{kind:24s} {totals[kind]:4d} {right[True][kind] / totals[kind]:13.3f} "
                  f"{right[False][kind] / totals[kind]:8.3f} {rewritten[kind]:10d}")
        print(f"{'all':24s} {n:4d} {sum(right[True].values()) / n:13.3f} {sum(right[False].values()) / n:8.3f} "
              f"{sum(rewritten.values()):10d}")
        print(f"{'all, lenient':24s} {n:4d} {sum(lenient[True].values()) / n:13.3f} "
              f"{sum(lenient[False].values()) / n:8.3f}   (the off-topic reply counted right where covered: false)")
        if args.verbose:
            for with_context in (True, False):
                print(f"wrong {'with' if with_context else 'without'} context:")
                for line in wrong[with_context]:
                    print("  " + line)

        follow_ups = [i for i in items if i["type"] == "follow_up"] or items
        for item in follow_ups[:5]:  # warm
            converse(assistant, item, True)
        single, follow = [], []
        for _ in range(args.rounds):
            for item in follow_ups:
                audience = item.get("audience", "customer")
                t = time.perf_counter()
                first = assistant.ask(item["turns"][0], audience)
                single.append(time.perf_counter() - t)
                context = [turn_of(first)]
                for question in item["turns"][1:-1]:
                    context.append(turn_of(assistant.ask(question, audience, context=context)))
                t = time.perf_counter()
                assistant.ask(item["turns"][-1], audience, context=context)
                follow.append(time.perf_counter() - t)
        s50, f50 = statistics.median(single), statistics.median(follow)
        print(f"single ask p50 / p95: {s50 * 1000:.2f} / {percentile(single, 0.95) * 1000:.2f} ms")
        print(f"follow-up ask p50 / p95: {f50 * 1000:.2f} / {percentile(follow, 0.95) * 1000:.2f} ms "
              f"= {f50 / s50:.2f}x single (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
