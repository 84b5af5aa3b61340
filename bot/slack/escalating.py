"""Slack's part of the escalation flow: hand an answer to the privacy team, or a button click.

- An answer that `escalates` (data_request, security, user_request) is recorded before the
  reply is posted, and the reply tells the asker the reference and what happens next.
- Every answer's Talk to support button carries what a hand-off needs (question, sections,
  reason, and the key of the question message), so a click works after a restart too.
- The same question (or the same person clicking again) maps to the same dedupe key: one record.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace

from bot.answer import ESCALATING_REASONS, Answer, Escalation
from bot.escalation import Asker, ReplyTo
from bot.slack.blocks import ACTION_SUPPORT, FEEDBACK_BLOCK_ID, SlackMessage, escape

log = logging.getLogger(__name__)

VALUE_LIMIT = 2000  # Slack's limit for a button value


@dataclass(frozen=True)
class SlackAsk:
    """Who asked in Slack and where: enough to record a hand-off and answer them later."""

    user_id: str
    team_id: str | None
    channel: str | None  # where the question was typed (None for /privacy)
    message_ts: str | None
    reply_channel: str  # where the answer (and later the resolution) goes
    reply_thread_ts: str | None
    request_key: str | None = None  # e.g. "cmd:<trigger_id>" for /privacy, which has no message
    audience: str = "employee"  # "customer" for Slack Connect users and guests (bot/slack/audience.py)
    user_team: str | None = None  # the asker's own team (a customer's workspace)
    email: str | None = None

    def asker(self) -> Asker:
        """An employee, or a customer identified by their Slack user, workspace and email when known."""
        if self.audience == "customer":
            return Asker("customer", user_id=self.user_id, team_id=self.team_id, customer_id=f"slack:{self.user_id}",
                         email=self.email, workspace=self.user_team)
        return Asker.employee(self.user_id, self.team_id)

    def source_key(self, answer_id: str) -> str:
        if self.channel and self.message_ts:
            return f"{self.channel}:{self.message_ts}"
        return self.request_key or f"answer:{answer_id}"


def dedupe_key(team_id: str | None, source_key: str, user_id: str) -> str:
    return f"slack:{team_id or '-'}:{source_key}:{user_id}"


def escalate_answer(services, answer: Answer, answer_id: str, ask: SlackAsk, turns=None) -> tuple[Answer, str | None]:
    """Record the hand-off an answer requires; returns the answer with its reference and the note to show.
    `turns`: the thread's earlier turns, recorded with it."""
    escalations = getattr(services, "escalations", None)
    if escalations is None or not answer.escalates:
        return answer, None
    created = escalations.escalate(
        reason=answer.escalation.reason, audience=answer.audience, asker=ask.asker(),
        reply_to=ReplyTo("slack", ask.reply_channel, ask.reply_thread_ts), question=answer.question,
        sections=[c.label() for c in answer.citations], answer_id=answer_id,
        dedupe_key=dedupe_key(ask.team_id, ask.source_key(answer_id), ask.user_id), turns=turns,
        kind=answer.escalation.kind,  # e.g. "deletion" (the router's); support can correct it
    )
    record = created.record
    answer = replace(answer, escalation=Escalation(answer.escalation.reason, record.reference,
                                                            answer.escalation.kind))
    return answer, escalations.acknowledgement(record, repeat=not created.created)


def support_value(answer: Answer, answer_id: str, source_key: str | None) -> str:
    """The Talk to support button's value: a small JSON object under Slack's 2,000 characters."""
    # An offered hand-off (Answer.offer) is recorded as what the router suspected: the offer's
    # button and Talk to support carry the same reason and source key, so either click makes one record.
    reason = answer.escalation.reason if answer.escalates else answer.offer or (
        answer.escalation.reason if answer.escalation else None)
    data = {"a": answer_id, "k": source_key or f"answer:{answer_id}", "r": reason,
            "c": 1 if answer.covered else 0, "s": [c.label()[:120] for c in answer.citations[:5]], "q": ""}
    room = VALUE_LIMIT - len(json.dumps(data, ensure_ascii=False)) - 10
    # Escaped like every text we send (a value is never shown, but it travels through Slack).
    question = escape(answer.question.strip())
    if len(question) > room:
        question = question[: max(0, room - 1)]
        question = question[: question.rfind("&")] if question.rfind("&") > question.rfind(";") else question
        question += "…"
    data["q"] = question
    return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class SupportRequest:
    answer_id: str
    source_key: str
    reason: str
    question: str
    sections: list[str]


def parse_support_value(value: str, *, after_not_helpful: bool = False) -> SupportRequest:
    """Read a Talk to support value; a bare answer id (messages from before this flow) works too."""
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        data = {"a": value[:64]}
    answer_id = str(data.get("a") or "")[:64]
    reason = data.get("r")
    if reason not in ESCALATING_REASONS:
        reason = "not_helpful" if after_not_helpful else ("not_covered" if data.get("c") == 0 else "user_request")
    question = _unescape(str(data.get("q") or "")) or "(the question was not available; see the answer this was asked from)"
    return SupportRequest(answer_id=answer_id, source_key=str(data.get("k") or f"answer:{answer_id}"),
                          reason=reason, question=question, sections=[str(s) for s in data.get("s") or []])


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def support_value_from_message(body: dict, fallback: str) -> str:
    """The Talk to support value of the message a button was clicked on (for the 👎 offer)."""
    for block in (body.get("message") or {}).get("blocks") or []:
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                if element.get("action_id") == ACTION_SUPPORT and element.get("value"):
                    return element["value"]
    return fallback


def offer_support(message: SlackMessage, value: str) -> SlackMessage:
    """A private message plus the Talk to support button (after 👎 Not helpful)."""
    text = message.text + " Want a person to look at it? Use *Talk to support*."
    button = {"type": "button", "text": {"type": "plain_text", "text": "Talk to support", "emoji": True},
              "action_id": ACTION_SUPPORT, "value": value}
    return SlackMessage(text=text, blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(message.text) + " Want a person to look at it?"}},
        {"type": "actions", "block_id": FEEDBACK_BLOCK_ID + "_support", "elements": [button]},
    ])


def ask_from_click(body: dict) -> SlackAsk:
    """Who clicked and where they should hear back (a private answer's clicker: in a DM)."""
    user = body["user"]["id"]
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id")
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if container.get("is_ephemeral") or not channel:
        return SlackAsk(user, team, None, None, reply_channel=user, reply_thread_ts=None)
    thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    return SlackAsk(user, team, channel, container.get("message_ts"), reply_channel=channel, reply_thread_ts=thread_ts)
