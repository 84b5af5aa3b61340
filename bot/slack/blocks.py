"""Render an `Answer` as a Slack message: Block Kit blocks plus a plain-text fallback.

Rendering only: every decision (the text, covered or not, the citations, whether a person must
take over) comes from the core's `Answer`. All text that reaches Slack goes through `escape`,
so `<!channel>`, `<!here>` or `<@U…>` typed into a question can never ping anyone when echoed.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

from bot.answer import Answer, Citation

SECTION_LIMIT = 3000  # Slack's limit for a section's text
MAX_BLOCKS = 50  # Slack's limit for a message
MAX_CITATIONS = 10
FALLBACK_LIMIT = 3000

ACTION_HELPFUL = "feedback_helpful"
ACTION_NOT_HELPFUL = "feedback_not_helpful"
ACTION_SUPPORT = "talk_to_support"
ACTION_OFFER = "offer_handoff"  # "Yes, hand it to the privacy team" under an answer with Answer.offer
FEEDBACK_BLOCK_ID = "answer_feedback"
OFFER_BLOCK_ID = "answer_offer"
OFFER_QUESTION = "Do you want the privacy team to act on this?"
OFFER_BUTTON = "Yes, hand it to the privacy team"


@dataclass(frozen=True)
class SlackMessage:
    text: str  # fallback for notifications and clients without Block Kit
    blocks: list[dict]
    metadata: dict | None = None  # message metadata (an answer's turn: bot/slack/threads.py)

    def as_kwargs(self) -> dict:
        kwargs = {"text": self.text, "blocks": self.blocks}
        if self.metadata:
            kwargs["metadata"] = self.metadata
        return kwargs


def escape(text: str) -> str:
    """Slack's three control characters; '&' first so entities are not escaped twice."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_escaped(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Escape `text` and cut it into pieces of at most `limit` characters.

    Cuts prefer a line break, then a space, and never fall inside an `&amp;`-style entity.
    """
    escaped = escape(text.strip())
    pieces: list[str] = []
    while len(escaped) > limit:
        window = escaped[:limit]
        cut = max(window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        amp = window.rfind("&", max(0, cut - 5), cut)
        if amp != -1 and ";" not in window[amp:cut]:
            cut = amp
        pieces.append(escaped[:cut].rstrip())
        escaped = escaped[cut:].lstrip()
    if escaped:
        pieces.append(escaped)
    return pieces


def link(url: str | None, label: str) -> str:
    """An mrkdwn link when the url is absolute http(s); Slack cannot open relative paths."""
    if url and url.startswith(("http://", "https://")):
        return f"<{escape(url)}|{escape(label)}>"
    return escape(label)


_URL = re.compile(r"https?://[^\s<>|]+[^\s<>|.,;:!?)\]”’\"']")


def linkify(escaped: str) -> str:
    """Absolute URLs in already-escaped text (e.g. SUPPORT_URL in the core's wording) as mrkdwn links."""
    return _URL.sub(lambda m: f"<{m.group(0)}|{m.group(0)}>", escaped)


def section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(*mrkdwn: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in mrkdwn]}


def citation_block(citation: Citation) -> dict:
    """"[1] Security Measures — Privacy Policy, updated April 30, 2026", linked when it has a url.

    The quote itself is not repeated: the core's answer text already quotes it, marked [n]."""
    return context(f"*[{citation.n}]* {link(citation.url, citation.label())}")


def feedback_actions(answer_id: str, *, support_first: bool, support_value: str | None = None) -> dict:
    def button(text: str, action_id: str, style: str | None = None) -> dict:
        element = {
            "type": "button",
            "text": {"type": "plain_text", "text": text, "emoji": True},
            "action_id": action_id,
            "value": (support_value or answer_id) if action_id == ACTION_SUPPORT else answer_id,
        }
        if style:
            element["style"] = style
        return element

    return {
        "type": "actions",
        "block_id": FEEDBACK_BLOCK_ID,
        "elements": [
            button("👍 Helpful", ACTION_HELPFUL),
            button("👎 Not helpful", ACTION_NOT_HELPFUL),
            button("Talk to support", ACTION_SUPPORT, "primary" if support_first else None),
        ],
    }


def offer_blocks(value: str) -> list[dict]:
    """The one-click hand-off under an answer the router was unsure about (a request, or a question?)."""
    button = {"type": "button", "text": {"type": "plain_text", "text": OFFER_BUTTON, "emoji": True},
              "action_id": ACTION_OFFER, "value": value, "style": "primary"}
    return [section(f"*{OFFER_QUESTION}*"), {"type": "actions", "block_id": OFFER_BLOCK_ID, "elements": [button]}]


def render_answer(answer: Answer, answer_id: str, *, echo_question: bool = False,
                  escalation_note: str | None = None, support_value: str | None = None) -> SlackMessage:
    """The message for one answer. `echo_question` for replies where the question is not on screen
    (a slash command's text is not shown to anyone). `escalation_note` (mrkdwn, already escaped)
    replaces the support hint once the escalation flow has recorded the hand-off; `support_value`
    is what the Talk to support button carries (bot/slack/escalating.py)."""
    head: list[dict] = []
    if echo_question:
        head.append(context(f"*You asked:* {escape(answer.question.strip()[:500])}"))
    if answer.answering:  # a follow-up the core rewrote: say which question was answered
        head.append(context(f"*Answering:* {escape(answer.answering.strip()[:500])}"))

    # The core's text already says when the policy does not cover a question; the rendering
    # only points at the button that reaches a person.
    notes: list[dict] = []
    if escalation_note:
        notes.append(context(escalation_note))
    elif answer.escalates:
        note = "Use *Talk to support* to reach the privacy team."
        if answer.escalation and answer.escalation.reference:
            note += f" Reference: `{escape(answer.escalation.reference)}`"
        notes.append(context(note))

    if answer.offer and not answer.escalates:
        notes.extend(offer_blocks(support_value or answer_id))

    citations = [citation_block(c) for c in answer.citations[:MAX_CITATIONS]]
    if citations:
        citations.insert(0, {"type": "divider"})
    tail = [feedback_actions(answer_id, support_first=(not answer.covered or answer.escalates) and not answer.offer,
                             support_value=support_value)]

    room = MAX_BLOCKS - len(head) - len(notes) - len(citations) - len(tail)
    sections = [section(linkify(piece)) for piece in split_escaped(answer.answer)] or [section("_(no answer text)_")]
    if len(sections) > room:
        sections = sections[: room - 1] + [section("_(The answer is too long for Slack; it was shortened.)_")]

    blocks = head + sections + notes + citations + tail
    return SlackMessage(text=fallback_text(answer), blocks=blocks)


def fallback_text(answer: Answer) -> str:
    text = escape(answer.answer.strip())
    if len(text) > FALLBACK_LIMIT:
        text = split_escaped(answer.answer, FALLBACK_LIMIT - 1)[0] + "…"
    if answer.answering:
        text = f"Answering: {escape(answer.answering.strip()[:500])}\n{text}"
    sources = "; ".join(f"[{c.n}] {escape(c.label())}" for c in answer.citations[:MAX_CITATIONS])
    return f"{text}\n\nSources: {sources}" if sources else text
