"""HTML documents: headings h1–h4 become sections; <meta> tags carry the front-matter fields."""

from __future__ import annotations

from bs4 import BeautifulSoup

HEADINGS = ("h1", "h2", "h3", "h4")
BLOCKS = ("p", "li", "td", "blockquote", "pre", "dd", "dt")


def parse_html(raw: str) -> tuple[dict, list]:
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript", "template"]):
        tag.decompose()
    meta: dict = {}
    for name in ("title", "audience", "updated", "url"):
        tag = soup.find("meta", attrs={"name": name})
        if tag and tag.get("content"):
            meta[name] = tag["content"]
    canonical = soup.find("link", rel="canonical")
    if "url" not in meta and canonical and canonical.get("href"):
        meta["url"] = canonical["href"]
    if "title" not in meta and soup.title and soup.title.get_text(strip=True):
        meta["title"] = soup.title.get_text(strip=True)

    outline: list = [(0, None, [])]
    body = soup.body or soup
    for element in body.find_all(HEADINGS + BLOCKS):
        if element.name in HEADINGS:
            outline.append((int(element.name[1]), element.get_text(" ", strip=True), []))
        elif not element.find_parent(BLOCKS):  # nested blocks are read with their parent
            text = element.get_text(" ", strip=True)
            if text:
                outline[-1][2].extend([f"- {text}" if element.name == "li" else text, ""])
    return meta, outline
