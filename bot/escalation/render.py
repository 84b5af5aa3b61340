"""What people read: the support-channel message and the words told to the asker.

The support message is Block Kit data (plain dicts, no Slack client types); every piece of
text a person typed (question, customer fields, resolution note) is escaped, so a question
containing `<!channel>` pings nobody in the support channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from bot.answer import SECURITY_MEANWHILE
from bot.escalation.record import EscalationRecord, reason_label

ACTION_CLAIM = "escalation_claim"
ACTION_RESOLVE = "escalation_resolve"
ACTIONS_BLOCK_ID = "escalation_actions"
METADATA_EVENT_TYPE = "privacy_escalation"  # the posted message carries its reference as metadata
QUESTION_LIMIT = 2500
TURN_LIMIT = 300  # each earlier turn is shown shortened: the whole post stays within a Slack section
NOTE_LIMIT = 1000
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass(frozen=True)
class Rendered:
    text: str  # fallback / notification text (mrkdwn)
    blocks: list[dict]


def escape(text: str) -> str:
    """Slack's three control characters; '&' first so entities are not escaped twice."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def who(user: str | None) -> str:
    """A Slack user id becomes a mention; anything else (e.g. "cli:alice") is shown escaped."""
    if not user:
        return "someone"
    return f"<@{user}>" if _SLACK_USER.fullmatch(user) else escape(user)


def when(epoch: float | None) -> str:
    """A Slack date token: shown in each reader's time zone, with a UTC fallback."""
    if epoch is None:
        return ""
    fallback = datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(epoch)}^{{date_short_pretty}} {{time}}|{fallback}>"


def asker_line(record: EscalationRecord) -> str:
    asker = record.asker
    if asker.kind == "customer":
        fields = ", ".join(f"{label} {escape(value)}" for label, value in asker.identity_fields())
        return f"customer ({fields})" if fields else "customer"
    return who(asker.user_id)


def where_line(record: EscalationRecord) -> str:
    reply = record.reply_to
    if reply is None or not reply.channel:
        return "support chat" if record.asker.kind == "customer" else "unknown"
    if reply.kind != "slack":
        return escape(reply.kind)
    if reply.channel.startswith("D") or _SLACK_USER.fullmatch(reply.channel):
        return "direct message with the assistant"
    return f"<#{reply.channel}>" + (" (in a thread)" if reply.thread_ts else "")


def status_line(record: EscalationRecord) -> str:
    if record.status == "resolved":
        line = f":white_check_mark: *Resolved* by {who(record.resolved_by)} {when(record.resolved_at)}"
        if record.claimed_by and record.claimed_by != record.resolved_by:
            line += f" (claimed by {who(record.claimed_by)} {when(record.claimed_at)})"
        return line
    if record.status == "claimed":
        return f":raising_hand: *Claimed* by {who(record.claimed_by)} {when(record.claimed_at)}"
    return f":envelope_with_arrow: *Open* since {when(record.created_at)}"


def support_message(record: EscalationRecord) -> Rendered:
    question = record.question.strip()
    if len(question) > QUESTION_LIMIT:
        question = question[:QUESTION_LIMIT].rstrip() + "…"
    quoted = "\n".join("&gt; " + line if line else "&gt;" for line in escape(question).splitlines()) or "&gt; (empty)"
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{record.reference} · {reason_label(record.reason)}"}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Asked by:*\n{asker_line(record)}"},
            {"type": "mrkdwn", "text": f"*Where:*\n{where_line(record)}"},
        ]},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Question:*\n{quoted}"}},
    ]
    if record.turns:
        blocks.insert(2, {"type": "section", "text": {"type": "mrkdwn", "text": conversation_text(record.turns)}})
    if record.sections:
        cited = "; ".join(escape(s) for s in record.sections[:10])
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"*Cited:* {cited}"}]})
    status = status_line(record)
    if record.resolution_note:
        status += f"\n*Note:* {escape(record.resolution_note[:NOTE_LIMIT])}"
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": status}})
    buttons = []
    if record.status == "open":
        buttons.append({"type": "button", "text": {"type": "plain_text", "text": "Claim"}, "style": "primary",
                        "action_id": ACTION_CLAIM, "value": record.reference})
    if record.status != "resolved":
        buttons.append({"type": "button", "text": {"type": "plain_text", "text": "Resolve"},
                        "action_id": ACTION_RESOLVE, "value": record.reference})
    if buttons:
        blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": buttons})
    plain_question = escape(record.question.strip()[:200])
    text = (f"Privacy escalation {record.reference} ({reason_label(record.reason)}) from {asker_line(record)}: "
            f"{plain_question} [{record.status}]")
    return Rendered(text=text, blocks=blocks)


def conversation_text(turns: list[dict]) -> str:
    """The turns before the hand-off, escaped: what was asked and what the answers cited."""
    lines = ["*Earlier in the conversation:*"]
    for n, turn in enumerate(turns, start=1):
        question = str(turn.get("question", "")).strip()
        if len(question) > TURN_LIMIT:
            question = question[:TURN_LIMIT].rstrip() + "…"
        line = f"{n}. {escape(' '.join(question.split()))}"
        cited = "; ".join(escape(str(s)) for s in (turn.get("sections") or [])[:3])
        if cited:
            line += f" _(cited: {cited})_"
        if turn.get("escalation"):
            line += f" _({escape(reason_label(str(turn['escalation'])))})_"
        lines.append(line)
    return "\n".join(lines)


# ---- the asker's side ------------------------------------------------------------------------
def support_link(support_url: str, mrkdwn: bool = True) -> str:
    """SUPPORT_URL as a Slack link when it is absolute (Slack cannot open a relative path); plain otherwise."""
    if not mrkdwn:
        return support_url
    if support_url.startswith(("http://", "https://")):
        return f"<{escape(support_url)}|{escape(support_url)}>"
    return escape(support_url)


def acknowledgement(record: EscalationRecord, *, support_url: str, response_time: str, repeat: bool = False,
                    mrkdwn: bool = True) -> str:
    """The reference, what happens next and by when; customers are pointed to SUPPORT_URL."""
    text = _acknowledgement(record, support_url=support_url, response_time=response_time, repeat=repeat,
                            mrkdwn=mrkdwn)
    return f"{text} {SECURITY_MEANWHILE}" if record.reason == "security" and not repeat else text


def _acknowledgement(record: EscalationRecord, *, support_url: str, response_time: str, repeat: bool,
                     mrkdwn: bool) -> str:
    ref = f"*{record.reference}*" if mrkdwn else record.reference
    url = support_link(support_url, mrkdwn)
    if record.asker.kind == "customer":
        return (f"Your request is recorded with reference {ref}. The privacy team usually answers {response_time}. "
                f"You can also reach them at {url}: please include what identifies your account or workspace "
                f"(the email address you sign in with or your workspace name) and the reference.")
    if repeat:
        return f"The privacy team already has this request (reference {ref}); they usually answer {response_time}."
    if record.delivery == "no_channel":
        return (f"I've recorded your request as {ref}. Please contact the privacy team at {url} "
                f"and quote that reference; they usually answer {response_time}.")
    return (f"I've passed this on to the privacy team (reference {ref}). They usually answer {response_time}, "
            f"here in this conversation. You can also reach them at {url}.")


def acknowledgement_message(record: EscalationRecord, *, support_url: str, response_time: str,
                            repeat: bool = False, standalone: bool = False) -> Rendered:
    text = acknowledgement(record, support_url=support_url, response_time=response_time, repeat=repeat)
    if standalone:  # sent on its own (after a restart), so it says what it is about
        text = f"About your question “{escape(record.question.strip()[:150])}”: {text}"
    return Rendered(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def resolution_notice(record: EscalationRecord, *, mrkdwn: bool = True) -> Rendered:
    ref = f"*{record.reference}*" if mrkdwn else record.reference
    text = f"The privacy team has resolved your request {ref}."
    if record.resolution_note:
        note = record.resolution_note[:NOTE_LIMIT]
        text += f"\nNote from the team: {escape(note) if mrkdwn else note}"
    text += "\nIf something is still open, reply here or mention me to ask again."
    return Rendered(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
