"""State changes of data-subject requests: kind, regime, identity verified, extension, badges, retention.

Each is one guarded UPDATE plus its audit event in one transaction (bot/escalation/audit.py), on
the same `escalations` rows the outbox delivers; a change that the support message must show
bumps `support_stale`, and the outbox updates the message in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.answer import ESCALATION_KINDS
from bot.escalation import deadlines
from bot.escalation.audit import append_event, erase_details
from bot.escalation.record import EscalationRecord
from bot.escalation.store import _SELECT, EscalationStore, Transition

# What retention and erasure remove from a record: the question and everything that identifies or
# reaches the person. What stays is the §7101 skeleton: dates, kind, regime, channel, outcome.
ERASE_PERSONAL = ("question = '', asker_user_id = NULL, asker_team_id = NULL, customer_id = NULL,"
                  " customer_email = NULL, customer_workspace = NULL, reply_channel = NULL, reply_thread_ts = NULL,"
                  " resolution_note = NULL, verified_how = NULL, sections = '[]', dedupe_key = NULL, turns = '[]'")
KEPT_FIELDS = ("reference", "received_at", "reason", "kind", "regime", "due_at", "extended_until", "channel",
               "closed_at", "outcome", "outcome_reason", "who on the team acted and when")


class RequestError(ValueError):
    """A change support asked for that the rules do not allow; the message says why."""


@dataclass(frozen=True)
class Retained:
    erased: list[str]


class DataRequests:
    def __init__(self, store: EscalationStore):
        self.store = store
        self.db = store.db
        self.clock = store.clock

    def _change(self, reference: str, sets: str, params: tuple, event: tuple, guard: str = "") -> Transition:
        now = self.clock.now()
        at, actor, action, from_value, to_value, detail = (now, *event)
        return self.store._transition(
            reference,
            f"UPDATE escalations SET {sets}, support_stale = support_stale + 1, next_attempt_at = 0"
            f" WHERE reference = ?{guard}", (*params, reference),
            event=(at, actor, action, from_value, to_value, detail), problem_when_unchanged="not_allowed")

    def _get(self, reference: str) -> EscalationRecord:
        record = self.store.get(reference)
        if record is None:
            raise RequestError(f"There is no escalation {reference}.")
        return record

    # ---- kind and regime ----------------------------------------------------------------------
    def set_kind(self, reference: str, kind: str, by: str) -> Transition:
        record = self._get(reference)
        allowed = ESCALATION_KINDS.get(record.reason, ())
        if kind not in allowed:
            raise RequestError(f"{kind!r} is not a kind of {record.reason}; use one of {', '.join(allowed) or '(none)'}.")
        return self._change(reference, "kind = ?", (kind,), (by, "kind", record.kind, kind, None))

    def set_regime(self, reference: str, regime: str, by: str) -> Transition:
        record = self._get(reference)
        if record.reason != "data_request":
            raise RequestError(f"{reference} is not a data request; only data requests have a statutory deadline.")
        deadlines.regime(regime)  # raises for an unknown one
        if record.extended_until:
            raise RequestError(f"{reference} was already extended under {record.regime}; its regime cannot change now.")
        due = deadlines.due_date(deadlines.utc_date(record.created_at), regime).isoformat()
        return self._change(reference, "regime = ?, due_at = ?", (regime, due),
                            (by, "regime", f"{record.regime} due {record.due_at}", f"{regime} due {due}", None))

    # ---- identity, extension -------------------------------------------------------------------
    def verify(self, reference: str, by: str, how: str) -> Transition:
        how = " ".join((how or "").split())[:500]
        if not how:
            raise RequestError("Say how the requester's identity was verified.")
        record = self._get(reference)
        if record.reason != "data_request":
            raise RequestError(f"{reference} is not a data request.")
        return self._change(reference, "verified_by = ?, verified_at = ?, verified_how = ?",
                            (by, self.clock.now(), how), (by, "verified", None, "verified", how),
                            guard=" AND verified_at IS NULL AND status != 'resolved'")

    def check_extension(self, record: EscalationRecord, new_date: date) -> str | None:
        if not record.is_dsar:
            return f"{record.reference} is not a data request with a deadline."
        if record.status == "resolved":
            return f"{record.reference} is already closed."
        return deadlines.check_extension(
            received=deadlines.utc_date(record.created_at), regime_name=record.regime,
            current_due=date.fromisoformat(record.due_at), extended=record.extended_until is not None,
            new_date=new_date, today=self.clock.today())

    def extend(self, reference: str, by: str, new_date: date, reason: str) -> Transition:
        reason = " ".join((reason or "").split())[:1000]
        if not reason:
            raise RequestError("Give the reason for the extension: the requester is told it, as the law requires.")
        record = self._get(reference)
        problem = self.check_extension(record, new_date)
        if problem:
            raise RequestError(problem)
        return self._change(
            reference, "extended_until = ?, extension_reason = ?, extended_by = ?, extended_at = ?,"
            " extension_notice = 'pending'", (new_date.isoformat(), reason, by, self.clock.now()),
            (by, "extended", record.due_at, new_date.isoformat(), reason),
            guard=" AND extended_until IS NULL AND status != 'resolved'")

    # ---- reminders -----------------------------------------------------------------------------
    def open_requests(self) -> list[EscalationRecord]:
        rows = self.db.query(f"{_SELECT} WHERE reason = 'data_request' AND due_at IS NOT NULL"
                             " AND status != 'resolved' ORDER BY COALESCE(extended_until, due_at), created_at")
        return [EscalationRecord.from_row(r) for r in rows]

    def refresh_badges(self, today: date) -> int:
        """Once per UTC day per open request: its support message is re-rendered (due date, badge).

        The guarded UPDATE is the once-per-day: whichever process runs it first for `today` takes every
        request; another process (or a restart) finds nothing left to do that day.
        """
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE escalations SET badge_day = ?, next_attempt_at = 0,"
                " support_stale = support_stale + CASE WHEN delivery = 'delivered' THEN 1 ELSE 0 END"
                " WHERE reason = 'data_request' AND due_at IS NOT NULL AND status != 'resolved'"
                " AND (badge_day IS NULL OR badge_day != ?)", (today.isoformat(), today.isoformat())).rowcount

    def adopt_unclocked(self, regime: str) -> int:
        """Data requests recorded before deadlines existed (migration 8) get `regime`'s, from their receipt."""
        rows = self.db.query("SELECT reference, created_at FROM escalations WHERE reason = 'data_request'"
                             " AND due_at IS NULL AND erased_at IS NULL")
        now = self.clock.now()
        with self.db.transaction() as conn:
            for reference, created_at in rows:
                due = deadlines.due_date(deadlines.utc_date(created_at), regime).isoformat()
                if conn.execute("UPDATE escalations SET regime = ?, due_at = ?, support_stale = support_stale"
                                " + CASE WHEN delivery = 'delivered' AND status != 'resolved' THEN 1 ELSE 0 END"
                                " WHERE reference = ? AND due_at IS NULL", (regime, due, reference)).rowcount:
                    append_event(conn, reference, now, "assistant", "regime", None, f"{regime} due {due}",
                                 "recorded before deadlines were kept: the default regime applied")
        return len(rows)

    # ---- retention -----------------------------------------------------------------------------
    def apply_retention(self, months: int) -> Retained:
        """Records closed more than `months` ago lose the question and contact details; counts stay."""
        today = self.clock.today()
        rows = self.db.query("SELECT reference, resolved_at FROM escalations"
                             " WHERE status = 'resolved' AND erased_at IS NULL AND resolved_at IS NOT NULL")
        expired = [ref for ref, closed in rows
                   if deadlines.add_months(deadlines.utc_date(closed), months) < today]
        if expired:
            self.erase(expired, actor="retention", why=f"closed more than {months} months ago",
                       keep_refusal_reason=False)
        return Retained(expired)

    def erase(self, references: list[str], *, actor: str, why: str, keep_refusal_reason: bool) -> None:
        now = self.clock.now()
        extra = ", extension_reason = NULL" + ("" if keep_refusal_reason else ", outcome_reason = NULL")
        with self.db.transaction() as conn:
            for reference in references:
                # The support message is re-rendered too (question and asker shown as erased).
                conn.execute(f"UPDATE escalations SET {ERASE_PERSONAL}{extra}, erased_at = ?, next_attempt_at = 0,"
                             " support_stale = support_stale + CASE WHEN delivery = 'delivered' THEN 1 ELSE 0 END"
                             " WHERE reference = ?", (now, reference))
            erase_details(conn, references)
            for reference in references:
                append_event(conn, reference, now, actor, "erased", None, None, None if not why else why[:200])
