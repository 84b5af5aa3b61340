"""Views of data-subject requests for people: the §7101 record (CSV/JSON), the queue filters, durations.

11 CCR §7101 asks a business to keep, for 24 months, records of consumer requests and how it
responded: the date of the request, its nature, the manner in which it was made, the date and
nature of the response, and the basis for a denial. `record_rows` gives exactly that, per request.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone

from bot.escalation import deadlines
from bot.escalation.record import EscalationRecord

EXPORT_COLUMNS = ("reference", "request_date", "kind", "channel", "regime", "due_date", "extended_until",
                  "response_date", "outcome", "refusal_reason", "on_time")
CHANNELS = {"slack": "Slack", "api": "support chat (API)", "web": "web chat"}


def parse_span(text: str, *, units: str = "dwmy") -> tuple[int, str]:
    """"7d", "2w", "24m", "1y" -> (amount, unit)."""
    match = re.fullmatch(r"\s*(\d+)\s*([a-z])\s*", text or "")
    if not match or match.group(2) not in units:
        names = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
        raise ValueError(f"expected a number and one of {', '.join(f'{u} ({names[u]})' for u in units)}, "
                         f"e.g. 7d or 24m; got {text!r}")
    return int(match.group(1)), match.group(2)


def span_back(today: date, text: str) -> date:
    amount, unit = parse_span(text)
    if unit in "my":
        return deadlines.add_months(today, -amount * (12 if unit == "y" else 1))
    return date.fromordinal(today.toordinal() - amount * (7 if unit == "w" else 1))


def within_days(text: str) -> int:
    amount, unit = parse_span(text, units="dw")
    return amount * (7 if unit == "w" else 1)


def channel_of(record: EscalationRecord) -> str:
    kind = record.reply_to.kind if record.reply_to else ("api" if record.asker.kind == "customer" else "slack")
    label = CHANNELS.get(kind, kind)
    if kind == "slack" and record.asker.kind == "customer":
        label += " (customer)"
    return label


def state_of(record: EscalationRecord, today: date, reminder_days: int) -> str:
    deadline = date.fromisoformat(record.deadline)
    if record.status == "resolved" and record.resolved_at is not None:
        return deadlines.closed_badge(deadline, deadlines.utc_date(record.resolved_at))
    return deadlines.badge(deadline, today, reminder_days)


def record_rows(records: list[EscalationRecord], since: date) -> list[dict]:
    rows = []
    for r in records:
        if not r.is_dsar or deadlines.utc_date(r.created_at) < since:
            continue
        closed = deadlines.utc_date(r.resolved_at) if r.resolved_at is not None else None
        rows.append({
            "reference": r.reference, "request_date": deadlines.utc_date(r.created_at).isoformat(),
            "kind": r.kind or "", "channel": channel_of(r), "regime": r.regime, "due_date": r.due_at,
            "extended_until": r.extended_until or "", "response_date": closed.isoformat() if closed else "",
            "outcome": r.outcome or "", "refusal_reason": (r.outcome_reason or "") if r.outcome == "refused" else "",
            "on_time": "" if closed is None else ("yes" if closed <= date.fromisoformat(r.deadline) else "no"),
        })
    return rows


def rows_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" else v) for k, v in row.items()})
    return out.getvalue()


def iso(epoch: float | None) -> str:
    return "" if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
