"""What people read: the support-channel message and the words told to the asker.

The support message is Block Kit data (plain dicts, no Slack client types); every piece of
text a person typed (question, customer fields, resolution note) is escaped, so a question
containing `<!channel>` pings nobody in the support channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from bot.answer import SECURITY_MEANWHILE
from bot.escalation import deadlines
from bot.escalation.record import DSAR_KINDS, EscalationRecord, reason_label

ACTION_CLAIM = "escalation_claim"
ACTION_RESOLVE = "escalation_resolve"  # a data request's Resolve opens the outcome modal
ACTION_VERIFY = "escalation_verify"
ACTION_EXTEND = "escalation_extend"
ACTION_SET_KIND = "escalation_set_kind"  # menus on a data request: option values are "PRV-4821|deletion"
ACTION_SET_REGIME = "escalation_set_regime"
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


def _menu(record: EscalationRecord, action_id: str, placeholder: str, values, current, label) -> dict:
    """A select on the support message to correct the kind or the regime (support only, audited)."""
    options = [{"text": {"type": "plain_text", "text": label(v)}, "value": f"{record.reference}|{v}"} for v in values]
    menu = {"type": "static_select", "action_id": action_id, "options": options,
            "placeholder": {"type": "plain_text", "text": placeholder}}
    chosen = [o for o in options if o["value"].endswith(f"|{current}")] if current else []
    if chosen:
        menu["initial_option"] = chosen[0]
    return menu


def kind_label(kind: str | None) -> str:
    return kind.replace("_", " ") if kind else "kind not set"


def clock_line(record: EscalationRecord, today: date, reminder_days: int) -> str:
    """Kind, regime, received, due date and the state badge of a data-subject request."""
    received = deadlines.utc_date(record.created_at)
    deadline = date.fromisoformat(record.deadline)
    if record.status == "resolved" and record.resolved_at is not None:
        state = deadlines.closed_badge(deadline, deadlines.utc_date(record.resolved_at))
    else:
        state = deadlines.badge(deadline, today, reminder_days)
    label = deadlines.regime(record.regime)["label"] if record.regime in deadlines.DSAR_REGIMES else record.regime
    line = (f"*Kind:* {kind_label(record.kind)} · *Regime:* {label} · *Received:* {received.isoformat()}"
            f"\n*Due:* {record.deadline} {deadlines.BADGES[state]}")
    if record.status != "resolved":
        days = (deadline - today).days
        line += f" ({days} days left)" if days >= 0 else f" ({-days} days late)"
    if record.extended_until:
        line += (f"\n*Extended* from {record.due_at} by {who(record.extended_by)}: "
                 f"{escape((record.extension_reason or '')[:NOTE_LIMIT])}")
        if record.reply_to is None or record.reply_to.kind != "slack":
            # The law requires telling the person; outside Slack that is the support tool's job.
            line += (f"\n:warning: The requester is not in Slack ({escape(where_line(record))}): tell them the new "
                     "date and the reason there.")
    confirm = deadlines.confirm_by(received, record.regime) if record.regime in deadlines.DSAR_REGIMES else None
    if confirm and not record.asker_told:
        line += f"\n*Confirm receipt by:* {confirm.isoformat()}"
    if record.verified_at:
        line += f"\n*Identity verified* by {who(record.verified_by)} {when(record.verified_at)}: " \
                f"{escape((record.verified_how or '')[:300])}"
    elif record.status != "resolved":
        line += "\n*Identity:* not verified yet"
    return line


def support_message(record: EscalationRecord, *, today: date | None = None, reminder_days: int = 7) -> Rendered:
    """`today` (the business clock's date) decides the badge; the outbox re-renders it once a day."""
    today = today or datetime.now(timezone.utc).date()
    question = record.question.strip()
    if record.erased_at is not None:
        question = "(erased)"
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
    if record.is_dsar:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clock_line(record, today, reminder_days)}})
    if record.sections:
        cited = "; ".join(escape(s) for s in record.sections[:10])
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"*Cited:* {cited}"}]})
    status = status_line(record)
    if record.outcome:
        status += f"\n*Outcome:* {record.outcome}"
        if record.outcome_reason:
            status += f" ({escape(record.outcome_reason[:NOTE_LIMIT])})"
    if record.resolution_note:
        status += f"\n*Note:* {escape(record.resolution_note[:NOTE_LIMIT])}"
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": status}})
    buttons = []
    if record.status == "open":
        buttons.append({"type": "button", "text": {"type": "plain_text", "text": "Claim"}, "style": "primary",
                        "action_id": ACTION_CLAIM, "value": record.reference})
    if record.status != "resolved" and record.is_dsar:
        if not record.verified_at:
            buttons.append({"type": "button", "text": {"type": "plain_text", "text": "Mark identity verified"},
                            "action_id": ACTION_VERIFY, "value": record.reference})
        if not record.extended_until:
            buttons.append({"type": "button", "text": {"type": "plain_text", "text": "Extend"},
                            "action_id": ACTION_EXTEND, "value": record.reference})
    if record.status != "resolved":
        buttons.append({"type": "button", "text": {"type": "plain_text", "text": "Resolve"},
                        "action_id": ACTION_RESOLVE, "value": record.reference})
    if record.status != "resolved" and record.is_dsar:
        buttons += [_menu(record, ACTION_SET_KIND, "Kind", DSAR_KINDS, record.kind, kind_label),
                    _menu(record, ACTION_SET_REGIME, "Regime", tuple(deadlines.DSAR_REGIMES), record.regime,
                          lambda r: deadlines.DSAR_REGIMES[r]["label"])]
    if buttons:
        blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": buttons})
    plain_question = escape(question[:200])
    due = f" due {record.deadline}" if record.is_dsar else ""
    text = (f"Privacy escalation {record.reference} ({reason_label(record.reason)}) from {asker_line(record)}: "
            f"{plain_question} [{record.status}{due}]")
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


OUTCOME_WORDS = {
    "fulfilled": "The privacy team has resolved your request {ref}: it has been carried out.",
    "refused": "The privacy team could not fulfil your request {ref}.",
    "withdrawn": "Your request {ref} is closed as withdrawn.",
    "duplicate": "Your request {ref} is closed as a duplicate of an earlier request, which the team handles.",
}


def resolution_notice(record: EscalationRecord, *, mrkdwn: bool = True) -> Rendered:
    ref = f"*{record.reference}*" if mrkdwn else record.reference
    text = OUTCOME_WORDS.get(record.outcome or "", "The privacy team has resolved your request {ref}.").format(ref=ref)
    if record.outcome_reason:
        reason = record.outcome_reason[:NOTE_LIMIT]
        text += f"\nReason: {escape(reason) if mrkdwn else reason}"
    if record.resolution_note:
        note = record.resolution_note[:NOTE_LIMIT]
        text += f"\nNote from the team: {escape(note) if mrkdwn else note}"
    text += "\nIf something is still open, reply here or mention me to ask again."
    return Rendered(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def extension_notice(record: EscalationRecord, *, mrkdwn: bool = True) -> Rendered:
    """The law requires telling the person of an extension, with its reasons, within the first period."""
    ref = f"*{record.reference}*" if mrkdwn else record.reference
    reason = (record.extension_reason or "")[:NOTE_LIMIT]
    text = (f"The privacy team needs more time for your request {ref}: they will respond by "
            f"{record.extended_until} (it was due {record.due_at}).\nReason: {escape(reason) if mrkdwn else reason}")
    return Rendered(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
