"""Readers for the held-out sets (tests/heldout/). Benches import these; nothing trains on them."""
import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent


def router_items() -> list[dict]:
    with open(HERE / "router.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def kimss_questions() -> list[dict]:
    return yaml.safe_load((HERE / "kimss_questions.yaml").read_text(encoding="utf-8"))


def conversations() -> list[dict]:
    return yaml.safe_load((HERE / "conversations.yaml").read_text(encoding="utf-8"))
