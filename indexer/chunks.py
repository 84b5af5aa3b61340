"""Sections → the records stored in the vector index.

Two kinds of record, both embedded:
- `chunk`: a section, or a piece of a long one (LangChain's recursive splitter, with overlap),
  prefixed with its heading path so the heading's words count when matching;
- `sentence`: each sentence or list item of a section, so answers can quote the exact
  sentences that answer a question and score sections by their best sentence.

Ids are stable (document key + section anchor + ordinal); the content hash of the embedded text
decides whether an embedding can be reused. Bump CHUNKER_VERSION whenever anything here changes
what is embedded: the next index run then rebuilds everything.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from indexer.documents import Section, SourceDocument

CHUNKER_VERSION = "1"
CHUNK_CHARS = 900
CHUNK_OVERLAP = 150

_splitter = RecursiveCharacterTextSplitter(
    chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP, separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""]
)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
# A sentence ends at . ! ? followed by space and a capital, quote or bracket; "e.g. x" stays whole.
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<=[.!?])\s+(?=[\"“(\[A-Z0-9])")


@dataclass(frozen=True)
class Record:
    id: str
    text: str  # what is embedded
    metadata: dict

    @property
    def content_hash(self) -> str:
        return self.metadata["content_hash"]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def split_sentences(text: str) -> list[tuple[str, str]]:
    """(sentence, lead-in) pairs; a list item's lead-in is the line introducing its list."""
    out: list[tuple[str, str]] = []
    lead = ""
    for paragraph in re.split(r"\n\s*\n", text):
        for line in paragraph.split("\n"):
            line = line.strip()
            if not line:
                continue
            if _BULLET.match(line):
                out.append((_BULLET.sub("", line), lead))
                continue
            for sentence in _SENTENCE_END.split(line):
                if sentence.strip():
                    out.append((sentence.strip(), ""))
            lead = line if line.endswith(":") else ""
    return out


def section_records(document: SourceDocument, section: Section) -> list[Record]:
    base = {
        "document": document.key,
        "title": document.title,
        "section": section.title,
        "section_path": " > ".join(section.heading_path),
        "section_id": f"{document.key}#{section.anchor}",
        "position": section.position,
        "url": f"{document.url}#{section.anchor}" if document.url else "",
        "audience": document.audience,
        "updated": document.updated or "",
        "doc_hash": document.content_hash,
    }
    records: list[Record] = []
    heading = " > ".join(section.heading_path)
    for i, chunk in enumerate(_splitter.split_text(section.text)):
        text = f"{heading}\n{chunk}"
        records.append(
            Record(
                f"{document.key}#{section.anchor}:c{i}",
                text,
                {**base, "unit": "chunk", "ordinal": i, "body": chunk, "content_hash": content_hash(text)},
            )
        )
    for i, (sentence, lead) in enumerate(split_sentences(section.text)):
        text = f"{section.title}: {sentence}"
        records.append(
            Record(
                f"{document.key}#{section.anchor}:s{i}",
                text,
                {**base, "unit": "sentence", "ordinal": i, "body": sentence, "lead": lead,
                 "content_hash": content_hash(text)},
            )
        )
    return records


def document_records(document: SourceDocument) -> list[Record]:
    return [record for section in document.sections for record in section_records(document, section)]


def section_hash(records: list[Record]) -> str:
    return content_hash("".join(r.content_hash for r in records))
