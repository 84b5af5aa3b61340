"""The public policy as a readable page, for the web chat's "Read the full policy" link.

    GET /policy          the main public document (or a list when there are several)
    GET /policy/<name>   one public document, <name> being its path under knowledge/ without suffix

When a document's front matter gives its published `url`, the chat links there instead and this
page is only a fallback. Only `audience: public` documents are ever rendered: an internal
document's name answers 404 exactly like a name that does not exist. Every piece of document text
is HTML-escaped here; nothing from knowledge/ reaches the page as markup. Section ids are the
indexer's anchors, so `/policy/<name>#<anchor>` lands where a citation points.
"""

from __future__ import annotations

import html
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.answer import human_date
from indexer.documents import SUPPORTED_SUFFIXES, Section, SourceDocument, load_knowledge

_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")


class PublicPolicy:
    """The public documents of the knowledge directory, re-read when a file there changes."""

    def __init__(self, knowledge_dir: Path):
        self.knowledge_dir = Path(knowledge_dir)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._documents: list[SourceDocument] = []

    def documents(self) -> list[SourceDocument]:
        stamp = self._files_stamp()
        with self._lock:
            if stamp != self._stamp:
                loaded = load_knowledge(self.knowledge_dir).documents if self.knowledge_dir.is_dir() else []
                self._documents = [d for d in loaded if d.audience == "public"]
                self._stamp = stamp
            return list(self._documents)

    def _files_stamp(self) -> tuple:
        if not self.knowledge_dir.is_dir():
            return ()
        files = (p for p in self.knowledge_dir.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
        return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file()))

    def find(self, name: str) -> SourceDocument | None:
        return next((d for d in self.documents() if page_name(d) == name), None)

    def main(self) -> SourceDocument | None:
        """The document "the full policy" means: the one named like a privacy policy, else the first."""
        documents = self.documents()
        named = [d for d in documents if "privacy" in d.key.lower() or "privacy" in d.title.lower()]
        return (named or documents or [None])[0]

    def full_policy_link(self) -> tuple[str, str] | None:
        """(href, label) of the full policy: its published url when it has one, else this page."""
        document = self.main()
        if document is None:
            return None
        label = document.title + (f", updated {human_date(document.updated)}" if document.updated else "")
        return (safe_href(document.url) or f"/policy/{page_name(document)}"), label

    def citation_link(self, citation: dict) -> str | None:
        """Where a citation's link goes: its published url#anchor, else the section on this page."""
        published = safe_href(citation.get("url"))
        if published:
            return published
        document = next((d for d in self.documents() if d.key == citation.get("document")), None)
        if document is None:
            return None  # not public (or gone): no link rather than a wrong one
        anchor = next((s.anchor for s in document.sections if s.title == citation.get("section")), None)
        return f"/policy/{page_name(document)}" + (f"#{anchor}" if anchor else "")


def page_name(document: SourceDocument) -> str:
    return document.key.rsplit(".", 1)[0]


def safe_href(url: str | None) -> str | None:
    """An absolute http(s) URL or a same-site path; anything else (javascript:, data:, //host) is dropped."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if url.startswith("/") and not url.startswith("//"):
        return url
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


# ---- rendering ---------------------------------------------------------------------------------
def render_document(document: SourceDocument) -> str:
    esc = html.escape
    out = [f'<h1 id="top">{esc(document.title)}</h1>']
    if document.updated:
        out.append(f'<p class="hint">Last updated {esc(human_date(document.updated))}</p>')
    for section in document.sections:
        out.append(_render_section(document, section))
    return "\n".join(out)


def _render_section(document: SourceDocument, section: Section) -> str:
    esc = html.escape
    path = section.heading_path
    if path == (document.title,):  # text before the first heading: no heading of its own
        parts = [f'<section id="{esc(section.anchor)}">']
    else:
        # The document title is the page's h1; its sections start at h2, deeper headings go down to h4.
        depth = len(path) - (1 if path[0] == document.title else 0)
        level = min(max(depth + 1, 2), 4)
        parts = [f'<section id="{esc(section.anchor)}" aria-labelledby="{esc(section.anchor)}-h">',
                 f'<h{level} id="{esc(section.anchor)}-h">{esc(section.title)}</h{level}>']
    for block in re.split(r"\n\s*\n", section.text):
        lines = [line for line in block.split("\n") if line.strip()]
        items = [line for line in lines if _LIST_ITEM.match(line)]
        lead = [line for line in lines if not _LIST_ITEM.match(line)]
        if lead:
            parts.append(f"<p>{esc(' '.join(lead))}</p>")
        if items:
            parts.append("<ul>" + "".join(f"<li>{esc(_LIST_ITEM.sub('', i))}</li>" for i in items) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(title)}</title>
  <link rel="icon" href="/chat/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/chat/static/chat.css">
</head>
<body class="policy-page">
  <main class="policy">
    <p><a href="/">← Back to the privacy chat</a></p>
    {body}
  </main>
</body>
</html>
"""


def policy_routes(policy: PublicPolicy, headers: dict[str, str]) -> list[Route]:
    def not_found() -> Response:
        body = _page("Not found", "<h1>Not found</h1><p>There is no public document by that name.</p>")
        return HTMLResponse(body, status_code=404, headers=headers)

    async def index(request: Request) -> Response:
        documents = await anyio.to_thread.run_sync(policy.documents)
        if len(documents) == 1:
            return RedirectResponse(f"/policy/{page_name(documents[0])}", status_code=302, headers=headers)
        if not documents:
            return not_found()
        items = "".join(f'<li><a href="/policy/{html.escape(page_name(d))}">{html.escape(d.title)}</a></li>'
                        for d in documents)
        return HTMLResponse(_page("Kimss AI policies", f"<h1>Kimss AI policies</h1><ul>{items}</ul>"),
                            headers=headers)

    async def document(request: Request) -> Response:
        found = await anyio.to_thread.run_sync(policy.find, request.path_params["name"])
        if found is None:
            return not_found()
        return HTMLResponse(_page(found.title, render_document(found)), headers=headers)

    return [Route("/policy", index, methods=["GET"]), Route("/policy/{name:path}", document, methods=["GET"])]
