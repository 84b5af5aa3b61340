"""Questions about the documents themselves, answered from their metadata and introduction.

"When was the policy last updated?", "what does it cover?", "which documents are there?", "where
can I read all of it?" are not answered by any one section's wording but by the document: its
front matter (title, updated, url) and its first section. Each answer cites that first section,
so the reader sees the document, its date and where it lives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answer import human_date
from bot.prefilter import Prefiltered

_DOC = r"(privacy )?(policy|policies|notice|document|documents|statement)"
_THE = r"(the |this |your |kimss'?s? |kimss ai'?s? )?"
PATTERNS = {
    "updated": re.compile(
        rf"\b(last|latest|most recently?)\s+(updated|revised|changed|modified|edited)\b|"
        rf"\bwhen (was|were|is|did) {_THE}{_DOC}\s*(last )?(get )?(updated|revised|changed|modified|written|"
        rf"published|released|update|change)|"
        rf"\b(date|age|version) of {_THE}{_DOC}|\bhow (old|recent|current|up[- ]to[- ]date) is {_THE}{_DOC}|"
        rf"\b{_DOC} date\b|\bis {_THE}{_DOC} (current|up[- ]to[- ]date|recent)|"
        # "is the privacy policy from 2026?": asks its date, as "what date exactly?" after it does.
        rf"\b(is|was) {_THE}{_DOC} (from|dated|as of) (\w+ )?(19|20)\d\d\b", re.I),
    "effective": re.compile(
        rf"\beffective date\b|\bwhen (does|did|will) {_THE}{_DOC} (take|come into|go into) effect|"
        rf"\bwhen (does|did) {_THE}{_DOC} (start|begin) (to )?apply|\bin (effect|force) since\b", re.I),
    "documents": re.compile(
        rf"\b(which|what) (documents|policies)\b|\blist (of |all )?(the |your )?(documents|policies)\b|"
        rf"\bother (privacy )?(documents|policies)\b|\bhow many (documents|policies)\b", re.I),
    "where": re.compile(
        rf"\bwhere (can|could|do|should|would) i (read|find|see|get|view|access|look at) {_THE}(full |whole |complete "
        rf"|entire )?{_DOC}|\b(link|url|address) (to|for|of) {_THE}(full |whole )?{_DOC}|"
        rf"\b(full|whole|complete|entire) (text of (the )?)?{_DOC}\b|\bread {_THE}(full |whole |entire )?{_DOC}\b",
        re.I),
    "scope": re.compile(
        rf"\bwhat (does|do) {_THE}{_DOC} (cover|apply to|explain|describe|include|deal with|talk about)|"
        rf"\bwhat (is|are) {_THE}{_DOC} (about|for)\b|\b(scope|purpose|summary) of {_THE}{_DOC}|"
        rf"\bwhat (is|are) covered (by|in) {_THE}{_DOC}|\bsummari[sz]e {_THE}{_DOC}", re.I),
}


# Searched on every ask: in the lower-cased question without re.I (the patterns are lower case), and only
# when one of a pattern's literals is in it (bot/prefilter.py).
_PATTERNS_LOWER = {kind: Prefiltered(re.compile(pattern.pattern, pattern.flags & ~re.I))
                   for kind, pattern in PATTERNS.items()}


def kind_of(question: str) -> str | None:
    """Which fact about the documents the question asks for, if it asks for one."""
    lowered = question.lower()
    for kind, pattern in _PATTERNS_LOWER.items():
        if pattern.search(lowered):
            return kind
    return None


@dataclass(frozen=True)
class Document:
    title: str
    updated: str | None
    url: str | None
    first_section: str  # section_id of its first section with text (the introduction)


def documents(loaded, audience: str) -> list[Document]:
    """The documents the audience may read, in title order, from the loaded index."""
    scope = loaded.scopes[audience]
    first: dict[str, dict] = {}
    for section in scope.section_rows.tolist():
        meta = loaded.section_meta[section]
        known = first.get(meta["document"])
        if known is None or meta.get("position", 0) < known.get("position", 0):
            first[meta["document"]] = meta
    out = [Document(m["title"], m.get("updated") or None, m["url"].split("#")[0] if m.get("url") else None,
                    m["section_id"]) for m in first.values()]
    return sorted(out, key=lambda d: d.title)


def statement(kind: str, docs: list[Document], support_url: str) -> str:
    """The sentence answering `kind` from the documents' metadata (the quotes follow it)."""
    if kind == "documents":
        listed = "; ".join(d.title + (f" (updated {human_date(d.updated)})" if d.updated else "") for d in docs)
        return f"I answer from {'this document' if len(docs) == 1 else 'these documents'}: {listed}."
    parts = []
    for d in docs:
        if kind in ("updated", "effective"):
            if not d.updated:
                parts.append(f"The {d.title} does not state when it was last updated.")
            elif kind == "updated":
                parts.append(f"The {d.title} was last updated on {human_date(d.updated)}.")
            else:
                parts.append(f"The {d.title} does not state a separate effective date; it was last updated on "
                             f"{human_date(d.updated)}.")
        elif kind == "where":
            parts.append(f"The full {d.title} is published at {d.url}." if d.url else
                         f"The {d.title} has no published address configured; its sections are quoted in these "
                         f"answers, and support can send the full text: {support_url}.")
        else:  # scope: the introduction says it, quoted below
            parts.append(f"What the {d.title} covers, in its own words:")
    return " ".join(parts)
