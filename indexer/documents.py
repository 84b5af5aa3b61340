"""Reading knowledge documents (.md with YAML front matter, .txt, .html) into sections.

A document that cannot be read (not UTF-8, broken front matter) is skipped with a warning that
names the file, so one bad file never stops the others from being indexed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
AUDIENCES = ("public", "internal")
_UPDATED_LINE = re.compile(r"^\s*(?:last\s+updated|updated|effective(?:\s+date)?)\s*:\s*(.+?)\s*$", re.I)


@dataclass(frozen=True)
class Section:
    heading_path: tuple[str, ...]  # e.g. ("Privacy Policy", "Data Collection")
    anchor: str  # unique within its document, GitHub-style slug
    text: str
    position: int  # order within the document

    @property
    def title(self) -> str:
        return self.heading_path[-1]


@dataclass
class SourceDocument:
    key: str  # path relative to the knowledge dir, with forward slashes: the stable document id
    title: str
    audience: str = "public"
    url: str = ""
    updated: str | None = None
    sections: list[Section] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for part in (self.title, self.audience, self.url, self.updated or ""):
            digest.update(part.encode() + b"\0")
        for section in self.sections:
            digest.update(" > ".join(section.heading_path).encode() + b"\0" + section.text.encode() + b"\0")
        return digest.hexdigest()[:16]


@dataclass
class LoadResult:
    documents: list[SourceDocument]
    warnings: list[str]


def load_knowledge(directory: Path) -> LoadResult:
    """Every supported file under `directory`, in a stable order; unreadable ones become warnings."""
    documents: list[SourceDocument] = []
    warnings: list[str] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or any(part.startswith(".") for part in path.parts):
            continue
        key = path.relative_to(directory).as_posix()
        try:
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            warnings.append(f"{key}: skipped, not UTF-8 text ({error.reason} at byte {error.start})")
            continue
        except OSError as error:
            warnings.append(f"{key}: skipped, cannot be read ({error.strerror})")
            continue
        try:
            document = parse_document(key, raw, path.suffix.lower())
        except ValueError as error:
            warnings.append(f"{key}: skipped, {error}")
            continue
        if not document.sections:
            warnings.append(f"{key}: skipped, no text to index")
            continue
        documents.append(document)
    return LoadResult(documents, warnings)


def parse_document(key: str, raw: str, suffix: str) -> SourceDocument:
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if suffix in (".html", ".htm"):
        from indexer.html import parse_html

        meta, outline = parse_html(raw)
    elif suffix == ".txt":
        meta, outline = {}, _outline_from_plain_text(raw)
    else:
        meta, body = _split_front_matter(raw)
        outline = _outline_from_markdown(body)
    return _assemble(key, meta, outline)


# An outline is a list of (level, heading or None, paragraph lines); level 1 is the title.
Outline = list[tuple[int, str | None, list[str]]]


def _split_front_matter(raw: str) -> tuple[dict, str]:
    if not raw.startswith("---\n"):
        return {}, raw
    end = raw.find("\n---", 4)
    if end == -1:
        raise ValueError("front matter starts with '---' but never ends")
    try:
        meta = yaml.safe_load(raw[4:end]) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"front matter is not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise ValueError("front matter must be a mapping of keys to values")
    return meta, raw[end + 4 :].split("\n", 1)[-1] if "\n" in raw[end + 4 :] else ""


def _outline_from_markdown(body: str) -> Outline:
    outline: Outline = [(0, None, [])]
    in_fence = False
    for line in body.split("\n"):
        if line.strip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", line)
        if match:
            outline.append((len(match.group(1)), match.group(2).strip(), []))
        else:
            outline[-1][2].append(line)
    return outline


def _outline_from_plain_text(text: str) -> Outline:
    """A short line standing alone (blank line after it, not a sentence or bullet) is a heading."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    outline: Outline = [(0, None, [])]
    title_seen = False
    for block in blocks:
        lines = block.split("\n")
        line = lines[0].strip()
        if len(lines) == 1 and _looks_like_heading(line):
            outline.append((1 if not title_seen else 2, line, []))
            title_seen = True
        else:
            outline[-1][2].extend(lines + [""])
    return outline


def _looks_like_heading(line: str) -> bool:
    return (
        0 < len(line) <= 80
        and not line.endswith((".", ":", ";", ",", "?", "!"))
        and not re.match(r"^([-*•·]|\d+[.)])\s", line)
        and not _UPDATED_LINE.match(line)
    )


def _assemble(key: str, meta: dict, outline: Outline) -> SourceDocument:
    updated = _iso_date(meta.get("updated"))
    sections_raw: list[tuple[tuple[str, ...], str]] = []
    path: list[tuple[int, str]] = []
    title_from_h1 = next((heading for level, heading, _ in outline if level == 1 and heading), None)
    title = str(meta.get("title") or title_from_h1 or Path(key).stem.replace("-", " ").replace("_", " ").title())
    for level, heading, lines in outline:
        if heading is not None:
            path = [(lv, h) for lv, h in path if lv < level] + [(level, heading)]
        kept = []
        for line in lines:
            found = _UPDATED_LINE.match(line)
            if found and _iso_date(found.group(1)):
                updated = updated or _iso_date(found.group(1))
                continue  # the date is metadata, not policy text to quote
            kept.append(line)
        text = _normalise_text("\n".join(kept))
        if not text:
            continue
        headings = tuple(h for _, h in path) or (title,)
        sections_raw.append((headings, text))

    audience = str(meta.get("audience") or "public").strip().lower()
    if audience not in AUDIENCES:
        # Fail closed: an unknown audience must never be shown to customers.
        raise ValueError(f"audience must be 'public' or 'internal', got {meta.get('audience')!r}")
    sections, used = [], {}
    for position, (headings, text) in enumerate(sections_raw):
        slug = slugify(headings[-1]) or "section"
        count = used.get(slug, 0)
        used[slug] = count + 1
        sections.append(Section(headings, slug if count == 0 else f"{slug}-{count}", text, position))
    return SourceDocument(
        key=key, title=title, audience=audience, url=str(meta.get("url") or "").strip(), updated=updated,
        sections=sections,
    )


def _normalise_text(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _iso_date(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%B %d %Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def slugify(heading: str) -> str:
    """GitHub-style anchor, so `url#anchor` lands on the heading of a published Markdown page."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return re.sub(r"\s", "-", slug)
