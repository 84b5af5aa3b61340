"""Readers for the held-out sets (tests/heldout/). Benches import these; nothing trains on them.

Two sets, `v13` (tests/heldout/v13/) and `v14` (tests/heldout/v14/), each written in its own blind pass by a writer
who had seen no code, no training data and no other set. The earlier sets v1-v12 were retired into training data
(README.md, "Retired sets").
"""
import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SETS = {"v13": HERE / "v13", "v14": HERE / "v14"}


def router_items(version: str = "v13") -> list[dict]:
    with open(SETS[version] / "router.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def kimss_questions(version: str = "v13") -> list[dict]:
    return yaml.safe_load((SETS[version] / "kimss_questions.yaml").read_text(encoding="utf-8"))


def conversations(version: str = "v13") -> list[dict]:
    return yaml.safe_load((SETS[version] / "conversations.yaml").read_text(encoding="utf-8"))
