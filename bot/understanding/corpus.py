"""The router's labelled utterances: the corpus in the repo plus the privacy team's own examples.

    bot/understanding/data/corpus.jsonl      written for the router (data/README.md says how)
    <KNOWLEDGE_DIR>/router_examples.yaml     the team's additions, refreshed like the documents:
        - text: "flarbonize my records"
          label: data_request
          kind: deletion

`corpus_hash(rows)` is what a trained artifact is keyed by: any added, removed or relabelled line
changes it, and the artifact trained on the old corpus is refused until the router is retrained.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.answer import ESCALATION_KINDS
from bot.errors import KnowledgeError

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_FILE = DATA_DIR / "corpus.jsonl"
TEAM_FILE = "router_examples.yaml"
LABELS: tuple[str, ...] = ("question", "process_question", "data_request", "security", "user_request",
                           "off_topic", "instruction")
REQUEST_LABELS: tuple[str, ...] = ("data_request", "security", "user_request")
# A process question's kind is the request it is about ("how do I report phishing?" → security): the
# hand-off it is offered. Optional in the team's examples (then: about a data request).
KINDS: dict[str, tuple[str, ...]] = {**ESCALATION_KINDS, "process_question": REQUEST_LABELS}
MAX_TEXT = 4000


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    kind: str | None
    group: str  # cross-validation group: a template family, a hand-written line, a public policy, a team file
    register: str = "plain"
    batch: str = ""

    @property
    def fine(self) -> str:
        """The class the model predicts: "data_request:deletion", or a bare label without kinds."""
        return f"{self.label}:{self.kind}" if self.kind else self.label


def fine_labels() -> list[str]:
    out = []
    for label in LABELS:
        kinds = KINDS.get(label)
        out.extend(f"{label}:{k}" for k in kinds) if kinds else out.append(label)
    return out


def check(label: str, kind: str | None, where: str) -> None:
    if label not in LABELS:
        raise KnowledgeError(f"{where}: unknown label {label!r} (one of {', '.join(LABELS)})")
    kinds = KINDS.get(label)
    if kinds and kind not in kinds:
        raise KnowledgeError(f"{where}: {label} needs a kind, one of {', '.join(kinds)} (got {kind!r})")
    if not kinds and kind:
        raise KnowledgeError(f"{where}: {label} has no kinds (got {kind!r})")


def load_corpus(path: Path = CORPUS_FILE) -> list[Example]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        check(item["label"], item.get("kind"), f"{path.name} line {n}")
        rows.append(Example(item["text"], item["label"], item.get("kind"), item["family"], item.get("register", "plain"),
                            item.get("batch", "")))
    return rows


def load_team_examples(knowledge_dir: Path | None) -> list[Example]:
    """The privacy team's examples next to the documents; none when the file is absent."""
    if knowledge_dir is None:
        return []
    path = Path(knowledge_dir) / TEAM_FILE
    if not path.is_file():
        return []
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise KnowledgeError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(items, list):
        raise KnowledgeError(f"{path}: expected a list of {{text, label, kind?}} items")
    rows = []
    for n, item in enumerate(items, start=1):
        where = f"{path.name} item {n}"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise KnowledgeError(f"{where}: each item needs a non-empty text")
        if len(item["text"]) > MAX_TEXT:
            raise KnowledgeError(f"{where}: text longer than {MAX_TEXT} characters")
        kind = item.get("kind") or ("data_request" if item.get("label") == "process_question" else None)
        check(item.get("label"), kind, where)
        # One group per item: the team's lines are their own writings.
        rows.append(Example(item["text"].strip(), item["label"], kind, f"team#{n}", "team", "team"))
    return rows


def training_examples(knowledge_dir: Path | None) -> list[Example]:
    return load_corpus() + load_team_examples(knowledge_dir)


def corpus_hash(knowledge_dir: Path | None, corpus: Path = CORPUS_FILE) -> str:
    """sha256 of the corpus file's bytes and the team's examples (as parsed): cheap enough for every start."""
    digest = hashlib.sha256(corpus.read_bytes())
    for r in load_team_examples(knowledge_dir):
        digest.update(json.dumps([r.text, r.label, r.kind], ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()
