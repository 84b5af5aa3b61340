"""Reading knowledge/golden.yaml and checking one answer against its expectation."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.answer import Answer


def load_golden(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text())


def failure(item: dict, answer: Answer) -> str | None:
    """None when the answer meets the expectation, else what went wrong."""
    first = answer.citations[0].section if answer.citations else None
    if "section" in item:
        allowed = item["section"] if isinstance(item["section"], list) else [item["section"]]
        if not answer.covered or first not in allowed:
            return f"expected section {allowed}, got {first!r} (covered={answer.covered})"
        if answer.escalation and answer.escalation.reason != "not_covered":
            return f"expected an answer, got escalation {answer.escalation.reason}"
    elif "escalation" in item:
        got = answer.escalation.reason if answer.escalation else None
        if got != item["escalation"]:
            return f"expected escalation {item['escalation']}, got {got}"
    elif item.get("not_covered"):
        if answer.covered or answer.citations or not answer.escalation or answer.escalation.reason != "not_covered":
            return f"expected not covered, got covered={answer.covered} citing {first!r}"
    elif item.get("off_topic"):
        if answer.covered or answer.citations or answer.escalation:
            return f"expected off-topic, got covered={answer.covered} citing {first!r}"
    return None
