"""The modals support uses on a data-subject request: Mark identity verified, Extend, Resolve.

Plain Block Kit dicts (views.open payloads) and the readers of their submitted values. The
record's reference travels in `private_metadata`; every submission is checked again (who
submits, what the rules allow) before anything changes.
"""

from __future__ import annotations

from datetime import date

from bot.escalation import deadlines
from bot.escalation.record import OUTCOMES, EscalationRecord
from bot.escalation.render import escape, kind_label

VERIFY_MODAL = "escalation_verify_modal"
EXTEND_MODAL = "escalation_extend_modal"
RESOLVE_MODAL = "escalation_resolve_modal"
OUTCOME_LABELS = {"fulfilled": "Fulfilled", "refused": "Refused (give the reason)", "withdrawn": "Withdrawn",
                  "duplicate": "Duplicate"}


def _text_input(block_id: str, label: str, *, multiline: bool = False, optional: bool = False,
                hint: str | None = None, max_length: int = 1000) -> dict:
    block = {"type": "input", "block_id": block_id, "optional": optional,
             "label": {"type": "plain_text", "text": label},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": multiline,
                         "max_length": max_length}}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _modal(callback_id: str, title: str, submit: str, record: EscalationRecord, blocks: list[dict]) -> dict:
    summary = f"*{record.reference}* · {escape(kind_label(record.kind))}"
    if record.deadline:
        summary += f" · due {record.deadline}"
    return {"type": "modal", "callback_id": callback_id, "private_metadata": record.reference,
            "title": {"type": "plain_text", "text": title}, "submit": {"type": "plain_text", "text": submit},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": summary}}, *blocks]}


def verify_view(record: EscalationRecord) -> dict:
    return _modal(VERIFY_MODAL, "Identity verified", "Save", record, [
        _text_input("how", "How was the requester's identity verified?", max_length=500,
                    hint="e.g. replied from the account's sign-in email; confirmed the workspace owner in a call"),
    ])


def extend_view(record: EscalationRecord) -> dict:
    latest = deadlines.latest_extension(deadlines.utc_date(record.created_at), record.regime)
    rules = deadlines.regime_summary(record.regime)
    return _modal(EXTEND_MODAL, "Extend the deadline", "Extend", record, [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{escape(rules)}. Latest possible date: "
                                                                   f"*{latest.isoformat()}*."}]},
        {"type": "input", "block_id": "new_date", "label": {"type": "plain_text", "text": "New due date"},
         "element": {"type": "datepicker", "action_id": "value", "initial_date": latest.isoformat()}},
        _text_input("reason", "Reason (the requester is told it)", multiline=True),
    ])


def resolve_view(record: EscalationRecord) -> dict:
    options = [{"text": {"type": "plain_text", "text": OUTCOME_LABELS[o]}, "value": o} for o in OUTCOMES]
    return _modal(RESOLVE_MODAL, "Resolve the request", "Resolve", record, [
        {"type": "input", "block_id": "outcome", "label": {"type": "plain_text", "text": "Outcome"},
         "element": {"type": "static_select", "action_id": "value", "options": options, "initial_option": options[0]}},
        _text_input("reason", "Reason (required when refused)", multiline=True, optional=True),
        _text_input("note", "Note to the requester", multiline=True, optional=True),
    ])


def submitted(view: dict, block_id: str) -> str | None:
    """The value of one input: text, a selected option's value, or a picked date."""
    element = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get("value") or {}
    if "selected_option" in element:
        return (element.get("selected_option") or {}).get("value")
    if "selected_date" in element:
        return element.get("selected_date")
    value = element.get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def submitted_date(view: dict, block_id: str) -> date | None:
    raw = submitted(view, block_id)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
