"""Readers for the held-out sets (tests/heldout/). Benches import these; nothing trains on them.

Four sets, each written in its own blind pass: `v1` (this directory), `v2` (tests/heldout/v2/), `v3`
(tests/heldout/v3/) and `v4` (tests/heldout/v4/), each written later by a writer who had not seen the earlier sets, the code or any
training data.
"""
import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SETS = {"v1": HERE, "v2": HERE / "v2", "v3": HERE / "v3", "v4": HERE / "v4"}


def router_items(version: str = "v1") -> list[dict]:
    with open(SETS[version] / "router.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def kimss_questions(version: str = "v1") -> list[dict]:
    return yaml.safe_load((SETS[version] / "kimss_questions.yaml").read_text(encoding="utf-8"))


def conversations(version: str = "v1") -> list[dict]:
    return yaml.safe_load((SETS[version] / "conversations.yaml").read_text(encoding="utf-8"))
