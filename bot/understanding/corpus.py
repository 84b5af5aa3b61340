"""The router's labelled utterances: the corpus in the repo plus the privacy team's own examples.

    bot/understanding/data/corpus.jsonl      written for the router (data/README.md says how)
    bot/understanding/data/authors/*.jsonl   one file per further author, same fields (author = file name)
    <KNOWLEDGE_DIR>/router_examples.yaml     the team's additions, refreshed like the documents:
        - text: "flarbonize my records"
          label: data_request
          kind: deletion

`corpus_hash(rows)` is what a trained artifact is keyed by: any added, removed or relabelled line
(in corpus.jsonl, an author file, or the team's file) changes it, and the artifact trained on the old
corpus is refused until the router is retrained.

Every line knows its author. Cross-validation by author (train.py) holds out one author's lines at a
time, because one person's phrasings predict another's far worse than a paraphrase predicts its sibling;
the public questions (PolicyQA, PrivacyQA) and the team's lines are not an author of their own and go
with their source group (`cv_group`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.answer import ESCALATION_KINDS
from bot.errors import KnowledgeError

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_FILE = DATA_DIR / "corpus.jsonl"
AUTHORS_DIR = DATA_DIR / "authors"
PUBLIC_PREFIXES = ("policyqa:", "privacyqa:")  # families of the public questions: policyqa:<website>
TEAM_FILE = "router_examples.yaml"
LABELS: tuple[str, ...] = ("question", "process_question", "data_request", "security", "user_request",
                           "off_topic", "instruction")
REQUEST_LABELS: tuple[str, ...] = ("data_request", "security", "user_request")
# A process question's kind is the request it is about ("how do I report phishing?" → security): the
# hand-off it is offered. Optional in the team's examples (then: about a data request).
KINDS: dict[str, tuple[str, ...]] = {**ESCALATION_KINDS, "process_question": REQUEST_LABELS}
MAX_TEXT = 4000
# An author file's process question may leave out its kind (the hand-off it is about): it is then read
# from the words, security first ("how do I report phishing?"), then a person ("how do I complain?"),
# else a data request. It only decides which hand-off the answer offers.
_PROCESS_SECURITY = re.compile(r"phish|hack|vuln|security|breach|leak|expos|compromis|locked out|lost (?:laptop|phone|device)|"
                               r"stolen|sessions|suspicious|password|bug bounty|incident", re.IGNORECASE)
_PROCESS_PERSON = re.compile(r"complain|human|real person|a person|someone real|escalat|talk to|speak (?:to|with)|dpo\b|"
                             r"data protection officer|appeal|nobody answers", re.IGNORECASE)


def process_subject(text: str) -> str:
    """The hand-off a kind-less process question is about (see above)."""
    if _PROCESS_SECURITY.search(text):
        return "security"
    return "user_request" if _PROCESS_PERSON.search(text) else "data_request"


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    kind: str | None
    group: str  # cross-validation group: a template family, a hand-written line, a public policy, a team file
    register: str = "plain"
    batch: str = ""
    author: str = ""  # who wrote it: "router-helper", "author-b", …; the public data set; "team"

    @property
    def public(self) -> bool:
        return self.group.startswith(PUBLIC_PREFIXES)

    @property
    def cv_author(self) -> str | None:
        """The author held out together by author cross-validation; None for public questions and the
        team's lines, which are spread over the author folds by their source group instead."""
        return None if self.public or self.register == "team" else (self.author or "unknown")

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


def _read_jsonl(path: Path, author: str | None) -> list[Example]:
    """Lines of one corpus file; `author`: the file's author (an author file), None for corpus.jsonl."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise KnowledgeError(f"{where}: not valid JSON ({error.msg})") from None
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise KnowledgeError(f"{where}: text must be a non-empty string of at most {MAX_TEXT} characters")
        kind = item.get("kind")
        if author is not None and item.get("label") == "process_question" and not kind:
            kind = process_subject(text)
        check(item.get("label"), kind, where)
        family = item.get("family")
        if not isinstance(family, str) or not family.strip():
            raise KnowledgeError(f"{where}: family (the cross-validation group) is missing")
        written_by = item.get("author") or author or ""
        if author is not None:
            if written_by != author:
                raise KnowledgeError(f"{where}: author {written_by!r} in the file of {author!r} "
                                     f"(one file per author: authors/<author>.jsonl)")
            # Two authors may both name a family "del-imperative/1": groups are per author.
            family = family if family.startswith(f"{author}:") else f"{author}:{family}"
        rows.append(Example(text, item["label"], kind, family, item.get("register", "plain"),
                            item.get("batch", ""), written_by))
    return rows


def author_files(authors_dir: Path | None = None) -> list[Path]:
    authors_dir = Path(authors_dir or AUTHORS_DIR)
    return sorted(authors_dir.glob("*.jsonl")) if authors_dir.is_dir() else []


def load_corpus(path: Path | None = None, authors_dir: Path | None = None) -> list[Example]:
    """corpus.jsonl, then every author file in name order."""
    rows = _read_jsonl(Path(path or CORPUS_FILE), None)
    for file in author_files(authors_dir):
        rows.extend(_read_jsonl(file, file.stem))
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
        rows.append(Example(item["text"].strip(), item["label"], kind, f"team#{n}", "team", "team", "team"))
    return rows


def training_examples(knowledge_dir: Path | None) -> list[Example]:
    return load_corpus() + load_team_examples(knowledge_dir)


def corpus_hash(knowledge_dir: Path | None, corpus: Path | None = None, authors_dir: Path | None = None) -> str:
    """sha256 of the corpus file's bytes, each author file (name and bytes) and the team's examples (as
    parsed): cheap enough for every start. Without author files it is the hash of corpus.jsonl alone."""
    digest = hashlib.sha256(Path(corpus or CORPUS_FILE).read_bytes())
    for file in author_files(authors_dir):
        digest.update(b"\n--author file " + file.name.encode() + b"\n" + file.read_bytes())
    for r in load_team_examples(knowledge_dir):
        digest.update(json.dumps([r.text, r.label, r.kind], ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()
