"""Turning chosen sections into the answer's text and citations (quotes from bot/quoting.py).

Apart from one framing line ("According to the Privacy Policy (updated April 30, 2026):", "The
Privacy Policy does not say how long information is kept.") every word of an answer is the
policy's, quoted with a numbered citation.
"""

from __future__ import annotations

from bot.answer import Citation, human_date
from bot.quoting import Quoter
from bot.retrieval import SectionHit

MAX_SENTENCES_PER_SECTION = 2
SENTENCE_MARGIN = 0.06  # a second sentence must score within this of the section's best


def citations(loaded, hits: list[SectionHit], quoter: Quoter | None = None,
              whole_sections: bool = False) -> list[Citation]:
    """One citation per hit (skipping a hit whose every sentence is already quoted in this answer)."""
    quoter = quoter or Quoter(loaded.layout)
    out: list[Citation] = []
    for h in hits:
        if whole_sections:
            rows = [row for row, _ in sorted(h.sentences, key=lambda p: loaded.sentences[p[0]]["ordinal"])][:3]
        else:
            best = h.sentences[0][1] if h.sentences else 0.0
            rows = [row for row, s in h.sentences[:MAX_SENTENCES_PER_SECTION] if s >= best - SENTENCE_MARGIN]
        quote = quoter.quote(rows)
        if not quote:
            continue
        meta = h.meta
        out.append(Citation(
            n=len(out) + 1, document=meta["document"], title=meta["title"], section=meta["section"], quote=quote,
            url=meta["url"] or None, updated=meta["updated"] or None, score=round(h.score, 4),
        ))
    return out


def according_to(cited: list[Citation]) -> str:
    titles = {(c.title, c.updated) for c in cited}
    if len(titles) == 1:
        title, updated = next(iter(titles))
        return f"According to the {title}" + (f" (updated {human_date(updated)})" if updated else "") + ":"
    return "According to Kimss AI's policy documents:"


def quoted_lines(cited: list[Citation]) -> list[str]:
    return [f"“{c.quote}” [{c.n}]" for c in cited]


def answer_text(cited: list[Citation]) -> str:
    return "\n".join([according_to(cited)] + quoted_lines(cited))


def related_text(does_not_say: str, cited: list[Citation], support_url: str) -> str:
    """"The policy does not say X. What it says under Data Collection: “…” [1]" plus the support offer."""
    sections = ", ".join(dict.fromkeys(c.section for c in cited))
    lines = [does_not_say + f" What it says under {sections}:"] + quoted_lines(cited)
    lines.append(f"Support can help with what the policy does not cover: {support_url}.")
    return "\n".join(lines)
