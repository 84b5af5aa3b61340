"""The follow-up development conversations, grouped by author (bench/train_followup.py, bench/eval_followup.py).

Every `bot/data/followup_<author>.yaml` is one author's set (`followup_dev.yaml` is the author "dev"); the
golden questions (knowledge/golden.yaml) are messages that stand alone, in every training fold and never
tested on. tests/heldout/ is never read here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bot" / "data"
GOLDEN = ROOT / "knowledge" / "golden.yaml"
ORACLES = DATA / "standalone_oracles.yaml"  # evaluation only (bench/eval_followup.py), never trained on
HAND_OFFS = ("data_request", "security", "user_request")
TYPES = ("follow_up", "topic_change", "request_after_question")


@dataclass(frozen=True)
class Example:
    author: str
    id: str
    kind: str
    turns: tuple[str, ...]  # the last one is judged
    needs_context: bool | None  # None: a request the author did not label (end-to-end figures only)
    expect: dict
    standalone: str | None = None  # the author's own standalone wording of the last turn (an oracle), if given
    audience: str = "customer"

    @property
    def message(self) -> str:
        return self.turns[-1]

    @property
    def previous(self) -> str | None:
        return self.turns[-2] if len(self.turns) > 1 else None


def author_files() -> list[Path]:
    return sorted(DATA.glob("followup_*.yaml"))


def author_of(path: Path) -> str:
    return path.stem[len("followup_"):]


def load_author(path: Path) -> list[Example]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for item in items:
        kind = item.get("type")
        if kind not in TYPES:
            raise SystemExit(f"{path.name} {item.get('id')}: type must be one of {TYPES}")
        default = {"follow_up": True, "topic_change": False}.get(kind)
        if kind == "follow_up" and (item.get("expect") or {}).get("escalation") in HAND_OFFS:
            default = None  # a request filed as a follow-up: whether it leans on the turn before is not said
        label = item.get("needs_context", default)
        turns = tuple(str(t) for t in item["turns"])
        if len(turns) < 2:
            raise SystemExit(f"{path.name} {item['id']}: a conversation has at least two turns")
        out.append(Example(author_of(path), str(item["id"]), kind, turns, None if label is None else bool(label), item.get("expect") or {},
                           item.get("standalone"), item.get("audience", "customer")))
    return out


def load_all() -> tuple[list[Example], bytes]:
    """Every author's examples and the bytes they came from (for the artifact's data hash)."""
    examples, raw = [], b""
    for path in author_files():
        raw += path.read_bytes()
        examples += load_author(path)
    return examples, raw


def with_oracles(examples: list[Example]) -> list[Example]:
    """Examples with an oracle standalone question from ORACLES where their author gave none (evaluation only)."""
    oracles = yaml.safe_load(ORACLES.read_text(encoding="utf-8")) if ORACLES.exists() else {}
    return [e if e.standalone else replace(e, standalone=(oracles.get(e.author) or {}).get(e.id)) for e in examples]


def golden_questions() -> tuple[list[str], bytes]:
    raw = GOLDEN.read_bytes()
    return [item["question"] for item in yaml.safe_load(raw)], raw


def data_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
