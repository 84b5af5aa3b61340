"""Readers for the held-out sets (tests/heldout/). Benches import these; nothing trains on them.

Two sets, `v17` (tests/heldout/v17/) and `v18` (tests/heldout/v18/), each written in its own blind pass by a writer
who had seen no code, no training data and no other set. The earlier sets v1-v14 were retired into training data
(README.md, "Retired sets").
"""
import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SETS = {"v17": HERE / "v17", "v18": HERE / "v18"}


def router_items(version: str = "v17") -> list[dict]:
    with open(SETS[version] / "router.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def kimss_questions(version: str = "v17") -> list[dict]:
    return yaml.safe_load((SETS[version] / "kimss_questions.yaml").read_text(encoding="utf-8"))


def conversations(version: str = "v17") -> list[dict]:
    return yaml.safe_load((SETS[version] / "conversations.yaml").read_text(encoding="utf-8"))
