"""Where the router sends the Kimss TRAINING questions: how many answerable ones it routes away from their section.

    .venv/bin/python bench/route_kimss_train.py [--file bot/understanding/ranking/data/kimss_train.yaml]

The ranker's training questions (bot/understanding/ranking/data/kimss_train*.yaml) are all questions
about the policy, written by another author than the router's corpus. Each goes through the real
`Assistant.ask` over the shipped knowledge. Printed:
- answerable questions escalated (a question is never a request), declined as off-topic, answered from
  the Contact section although their section is another one ("routed away"), and first citation right;
- not-covered questions escalated;
- the same by the router's label, so the process-question branch of `ask()` shows on its own.
Used to check the assistant's route-driven decisions (bot/assistant.py); never reads tests/heldout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.assistant import OFF_TOPIC_TEXT, Assistant  # noqa: E402
from bot.settings import Settings  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

DATA = ROOT / "bot" / "understanding" / "ranking" / "data"
CONTACT = "Contact Information"


def load(files: list[Path]) -> tuple[list[dict], list[str]]:
    answerable, not_covered = [], []
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        answerable += [item for item in data.get("answerable", []) if item.get("section")]
        not_covered += [item["question"] for item in data.get("not_covered", []) if isinstance(item, dict)]
    return answerable, not_covered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, action="append", help="default: every kimss_train*.yaml")
    args = parser.parse_args()
    files = args.file or sorted(DATA.glob("kimss_train*.yaml"))
    answerable, not_covered = load(files)
    embeddings = load_embeddings(None)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings.from_mapping({"DATA_DIR": data_dir, "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        outcome: Counter = Counter()
        by_label: Counter = Counter()
        for item in answerable:
            answer = assistant.ask(item["question"])
            route = assistant.router.route(item["question"], embeddings.encode_query(item["question"]))
            first = answer.citations[0].section if answer.citations else None
            if answer.escalation and answer.escalation.reason in ("data_request", "security", "user_request"):
                what = "escalated"
            elif answer.answer == OFF_TOPIC_TEXT:
                what = "declined"
            elif first == CONTACT and CONTACT not in item["section"]:
                what = "answered from Contact (routed away)"
            elif answer.covered and first in item["section"]:
                what = "first citation right"
            else:
                what = "other (ranking / not covered)"
            outcome[what] += 1
            by_label[(route.label, what)] += 1
            outcome["offered"] += answer.offer is not None
        escalated_nc = sum(bool(a.escalation and a.escalation.reason != "not_covered")
                           for a in map(assistant.ask, not_covered))
    print(f"{len(answerable)} answerable training questions ({', '.join(f.name for f in files)}):")
    for what, n in outcome.most_common():
        print(f"  {what:40s} {n:4d}  ({n / len(answerable):.3f})")
    print("  by the router's most probable label:")
    for (label, what), n in sorted(by_label.items()):
        print(f"    {label:17s} {what:40s} {n}")
    print(f"{len(not_covered)} not-covered training questions: escalated to a person {escalated_nc}")


if __name__ == "__main__":
    main()
