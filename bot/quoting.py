"""Honest quotes: what a citation shows is contiguous policy text, or visibly not.

- Sentences that follow each other in the same paragraph are joined with a space; anything else
  (a skipped sentence, a new paragraph) is joined with " … ", so a quote never reads as if the
  policy said two things together when it did not.
- A quoted list item brings its lead-in ("…, including:"), and a quoted lead-in brings its items.
- A sentence starting "This/These/It…" brings the sentence it refers back to.
- No sentence appears twice in one answer (`Quoter.used` spans the answer's citations).
"""

from __future__ import annotations

import re

ELLIPSIS = " … "
MAX_LIST_ITEMS = 6  # a quoted list introduction brings its items along, up to this many
_ANAPHOR = re.compile(r"^(?:This|These|That|Those|Such|They|It|Its|Their)\b")
_BLANK_LINE = re.compile(r"\n\s*\n")


class SentenceLayout:
    """Where each sentence sits: its neighbours, its paragraph breaks, its list's lead-in and items.

    Built once per loaded index from the sentence and chunk records (the chunks carry the original
    text with its blank lines, which the sentence records do not)."""

    def __init__(self, sentences: list[dict], chunks: list[dict]):
        self.sentences = sentences
        self.row_at: dict[tuple[str, int], int] = {}
        for row, meta in enumerate(sentences):
            self.row_at[(meta["section_id"], meta["ordinal"])] = row
        self.lead_row: dict[int, int] = {}  # list item row -> its lead-in's row
        self.items: dict[int, list[int]] = {}  # lead-in row -> its items' rows, in order
        for row, meta in enumerate(sentences):
            if not meta.get("lead"):
                continue
            for back in range(meta["ordinal"] - 1, -1, -1):
                candidate = self.row_at.get((meta["section_id"], back))
                if candidate is not None and sentences[candidate]["body"] == meta["lead"]:
                    self.lead_row[row] = candidate
                    self.items.setdefault(candidate, []).append(row)
                    break
        bodies: dict[str, list[str]] = {}
        for meta in sorted(chunks, key=lambda m: m["ordinal"]):
            bodies.setdefault(meta["section_id"], []).append(meta["body"])
        # continues[row]: the next sentence of the section follows it in the same paragraph (or is
        # the first item of the list it introduces), so the two may be quoted as one run of text.
        self.continues: dict[int, bool] = {}
        for row, meta in enumerate(sentences):
            following = self.row_at.get((meta["section_id"], meta["ordinal"] + 1))
            if following is None:
                continue
            if self.lead_row.get(following) in (row, self.lead_row.get(row, -1)):
                self.continues[row] = True  # lead-in -> first item, item -> next item of one list
                continue
            self.continues[row] = _same_paragraph(meta["body"], sentences[following]["body"],
                                                  bodies.get(meta["section_id"], []))

    def adjacent(self, first: int, second: int) -> bool:
        a, b = self.sentences[first], self.sentences[second]
        return (a["section_id"] == b["section_id"] and b["ordinal"] == a["ordinal"] + 1
                and self.continues.get(first, False))


def _same_paragraph(first: str, second: str, bodies: list[str]) -> bool:
    for body in bodies:
        start = body.find(first)
        if start < 0:
            continue
        end = body.find(second, start + len(first))
        if end >= 0:
            return not _BLANK_LINE.search(body[start + len(first):end])
    return False  # not found side by side in one chunk: do not claim they are contiguous


class Quoter:
    """Builds the quotes of one answer; remembers what it quoted so nothing is quoted twice."""

    def __init__(self, layout: SentenceLayout):
        self.layout = layout
        self.used: set[str] = set()

    def expand(self, rows: list[int]) -> list[int]:
        """The chosen sentences plus what they need to be read correctly, in document order."""
        layout, out = self.layout, list(rows)
        for row in rows:
            body = layout.sentences[row]["body"]
            if row in layout.lead_row:
                out.append(layout.lead_row[row])  # a list item reads wrongly without its lead-in
            elif _ANAPHOR.match(body):  # "This may include…" needs what "this" is
                meta = layout.sentences[row]
                previous = layout.row_at.get((meta["section_id"], meta["ordinal"] - 1))
                if previous is not None:
                    out.append(previous)
            if body.endswith(":"):  # a list's introduction says nothing without the list
                out.extend(layout.items.get(row, [])[:MAX_LIST_ITEMS])
        unique = {r: None for r in out}
        return sorted(unique, key=lambda r: layout.sentences[r]["ordinal"])

    def quote(self, rows: list[int]) -> str:
        """The quote for one citation: contiguous runs joined by " … "; "" when all was quoted already."""
        rows = [r for r in self.expand(rows) if self.layout.sentences[r]["body"] not in self.used]
        parts: list[str] = []
        for i, row in enumerate(rows):
            body = self.layout.sentences[row]["body"]
            if i:
                parts.append(" " if self.layout.adjacent(rows[i - 1], row) else ELLIPSIS)
            parts.append(body)
            self.used.add(body)
        return "".join(parts)
