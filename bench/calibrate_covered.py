"""Calibrating `covered`: how well the evidence threshold separates answerable from unanswerable.

    .venv/bin/python bench/calibrate_covered.py ../shared/datasets/policyqa/dev.json [--limit N]

Labelled questions:
- answerable: the golden set's answered questions (Kimss policy) and every PolicyQA question asked of
  its own policy;
- unanswerable: the golden set's not-covered and off-topic questions, and every PolicyQA question asked
  of its policy with the paragraphs that answer it taken out (simulated by leaving those sections out
  of the ranking; the rest of the index, and its statistics, stay as they were).
For each candidate threshold it prints precision and recall of "not covered", then a reliability
table: how often an answer is right at each confidence level (right = covered with the gold section
first, or not covered when the question is unanswerable).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_policyqa import load_policies, paragraph_of, write_policy  # noqa: E402

from bot.assistant import COVERED_THRESHOLD, Assistant  # noqa: E402
from bot.settings import Settings  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    embeddings = load_embeddings(None)
    samples: list[tuple[str, float, bool, bool]] = []  # (source, evidence, answerable, top is gold)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_mapping({"DATA_DIR": tmp, "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        for item in yaml.safe_load((ROOT / "knowledge" / "golden.yaml").read_text()):
            if "escalation" in item or assistant.ask(item["question"]).escalates:
                continue
            hits = assistant.retriever.search(item["question"], "employee")
            top = hits[0] if hits else None
            if "section" in item:
                allowed = item["section"] if isinstance(item["section"], list) else [item["section"]]
                samples.append(("golden", top.evidence, True, top.meta["section"] in allowed))
            else:
                samples.append(("golden", top.evidence if top else 0.0, False, False))

    for policy in load_policies(args.dataset)[: args.limit]:
        with tempfile.TemporaryDirectory() as tmp:
            knowledge = Path(tmp) / "knowledge"
            knowledge.mkdir()
            write_policy(policy, knowledge)
            settings = Settings.from_mapping({"DATA_DIR": str(Path(tmp) / "data"), "KNOWLEDGE_DIR": str(knowledge)})
            build_index(settings, embeddings=embeddings)
            assistant = Assistant.from_settings(settings, embeddings=embeddings)
            for question, gold in policy["questions"].items():
                hits = assistant.retriever.search(question, "employee")
                samples.append(("policyqa", hits[0].evidence, True, paragraph_of(hits[0].section_id) in gold))
                rest = [h for h in hits if paragraph_of(h.section_id) not in gold]
                samples.append(("policyqa", rest[0].evidence if rest else 0.0, False, False))

    for source in ("golden", "policyqa", "all"):
        chosen = [s for s in samples if source == "all" or s[0] == source]
        print(f"\n{source}: {sum(s[2] for s in chosen)} answerable, {sum(not s[2] for s in chosen)} unanswerable")
        print("| threshold | not-covered precision | not-covered recall | answerable kept |\n|---|---|---|---|")
        for threshold in (0.25, 0.275, COVERED_THRESHOLD, 0.325, 0.35, 0.4, 0.45):
            flagged = [s for s in chosen if s[1] < threshold]
            true = sum(1 for s in flagged if not s[2])
            unanswerable = sum(1 for s in chosen if not s[2])
            answerable = sum(1 for s in chosen if s[2])
            kept = sum(1 for s in chosen if s[2] and s[1] >= threshold)
            mark = " (chosen)" if threshold == COVERED_THRESHOLD else ""
            print(f"| {threshold}{mark} | {true / len(flagged) if flagged else 0:.2f} | "
                  f"{true / unanswerable if unanswerable else 0:.2f} | {kept / answerable if answerable else 0:.2f} |")

    probe = Assistant.__new__(Assistant)
    from bot.assistant import AskOptions

    probe.options = AskOptions()
    print("\nReliability (all questions): confidence bin -> share right")
    print("| confidence | questions | right |\n|---|---|---|")
    bins = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.95), (0.95, 1.01)]
    for low, high in bins:
        inside = [s for s in samples if low <= probe._confidence(s[1]) < high]
        right = sum(1 for s in inside if (s[1] >= COVERED_THRESHOLD and s[2] and s[3]) or
                    (s[1] < COVERED_THRESHOLD and not s[2]))
        print(f"| {low:.2f}–{min(high, 1):.2f} | {len(inside)} | {right / len(inside) if inside else 0:.2f} |")


if __name__ == "__main__":
    main()
