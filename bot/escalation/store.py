"""Escalation records in the state database (table `escalations`, migration 4).

Every state change is one transaction with a guard in its WHERE clause, so two clicks, two
processes (the service and the CLI) or a redelivered event can never apply a change twice.
`support_stale` counts changes the support message does not show yet; the outbox clears it
only if no new change arrived while it was updating the message.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass

from bot.clock import Clock
from bot.escalation.audit import append_event
from bot.escalation.record import EscalationRecord, new_reference
from bot.store.database import Database

_SELECT = f"SELECT {EscalationRecord.COLUMNS} FROM escalations"


@dataclass(frozen=True)
class Created:
    record: EscalationRecord
    created: bool  # False: the same request (same dedupe key) was recorded before


@dataclass(frozen=True)
class Transition:
    record: EscalationRecord | None
    changed: bool
    problem: str | None = None  # "not_found" | "already_claimed" | "already_resolved"


class EscalationStore:
    def __init__(self, database: Database, clock: Clock | None = None):
        self.db = database
        self.clock = clock or Clock()  # business times (received, claimed, closed); leases use real time

    # ---- creating and reading -------------------------------------------------------------
    def create(self, *, reason: str, audience: str, asker, reply_to, question: str, sections: list[str],
               answer_id: str | None, dedupe_key: str | None, support_channel: str | None,
               kind: str | None = None, regime: str | None = None, due_at: str | None = None,
               turns: list[dict] | None = None) -> Created:
        now = self.clock.now()
        if regime and due_at is None:  # a data-subject request: its clock starts on the day it is received
            from bot.escalation.deadlines import due_date, utc_date

            due_at = due_date(utc_date(now), regime).isoformat()
        for attempt in range(40):
            reference = new_reference(4 if attempt < 20 else 6)
            with self.db.transaction() as conn:
                if dedupe_key:
                    row = conn.execute(f"{_SELECT} WHERE dedupe_key = ?", (dedupe_key,)).fetchone()
                    if row:
                        return Created(EscalationRecord.from_row(row), False)
                try:
                    conn.execute(
                        "INSERT INTO escalations (reference, dedupe_key, created_at, reason, audience, asker_kind,"
                        " asker_user_id, asker_team_id, customer_id, customer_email, customer_workspace, reply_kind,"
                        " reply_channel, reply_thread_ts, question, sections, answer_id, support_channel, delivery,"
                        " kind, regime, due_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (reference, dedupe_key, now, reason, audience, asker.kind, asker.user_id, asker.team_id,
                         asker.customer_id, asker.email, asker.workspace,
                         reply_to.kind if reply_to else None, reply_to.channel if reply_to else None,
                         reply_to.thread_ts if reply_to else None, question, json.dumps(sections, ensure_ascii=False),
                         answer_id, support_channel, "pending" if support_channel else "no_channel",
                         kind, regime, due_at),
                    )
                except sqlite3.IntegrityError:
                    continue  # the reference is taken: draw another
                append_event(conn, reference, now, "assistant", "received", None, "open",
                             " ".join(f"{k}={v}" for k, v in (("reason", reason), ("kind", kind), ("regime", regime),
                                                              ("due", due_at)) if v))
                if turns:  # in the same transaction: the outbox never sees the record without them
                    conn.execute("UPDATE escalations SET turns = ? WHERE reference = ?",
                                 (json.dumps(turns, ensure_ascii=False), reference))
                row = conn.execute(f"{_SELECT} WHERE reference = ?", (reference,)).fetchone()
                return Created(EscalationRecord.from_row(row), True)
        raise RuntimeError("could not draw a free escalation reference")

    def get(self, reference: str) -> EscalationRecord | None:
        rows = self.db.query(f"{_SELECT} WHERE reference = ?", (reference,))
        return EscalationRecord.from_row(rows[0]) if rows else None

    def by_key(self, dedupe_key: str) -> EscalationRecord | None:
        rows = self.db.query(f"{_SELECT} WHERE dedupe_key = ?", (dedupe_key,))
        return EscalationRecord.from_row(rows[0]) if rows else None

    def list(self, status: str | None = None) -> list[EscalationRecord]:
        sql, params = _SELECT, ()
        if status:
            sql, params = sql + " WHERE status = ?", (status,)
        return [EscalationRecord.from_row(r) for r in self.db.query(sql + " ORDER BY created_at", params)]

    # ---- state changes ----------------------------------------------------------------------
    def claim(self, reference: str, user: str) -> Transition:
        now = self.clock.now()
        return self._transition(
            reference,
            "UPDATE escalations SET status = 'claimed', claimed_by = ?, claimed_at = ?,"
            " support_stale = support_stale + 1, next_attempt_at = 0 WHERE reference = ? AND status = 'open'",
            (user, now, reference), event=(now, user, "claimed", "open", "claimed", None),
        )

    def resolve(self, reference: str, user: str, note: str | None = None, *, outcome: str | None = None,
                outcome_reason: str | None = None) -> Transition:
        now = self.clock.now()
        detail = " ".join(p for p in (f"outcome={outcome}" if outcome else "", outcome_reason or "", note or "") if p)
        return self._transition(
            reference,
            "UPDATE escalations SET status = 'resolved', resolved_by = ?, resolved_at = ?, resolution_note = ?,"
            " outcome = ?, outcome_reason = ?,"
            " support_stale = support_stale + 1, resolution_notice = 'pending', next_attempt_at = 0"
            " WHERE reference = ? AND status != 'resolved'",
            (user, now, note, outcome, outcome_reason, reference),
            event=(now, user, "resolved", None, "resolved", detail or None),
        )

    def _transition(self, reference: str, sql: str, params: tuple, *, event: tuple | None = None,
                    problem_when_unchanged: str | None = None) -> Transition:
        """Apply one guarded UPDATE; when it changed the row, append its audit event in the same transaction."""
        with self.db.transaction() as conn:
            before = conn.execute("SELECT status FROM escalations WHERE reference = ?", (reference,)).fetchone()
            changed = conn.execute(sql, params).rowcount == 1
            if changed and event is not None:
                at, actor, action, from_value, to_value, detail = event
                if from_value is None and action == "resolved" and before:
                    from_value = before[0]
                append_event(conn, reference, at, actor, action, from_value, to_value, detail)
            row = conn.execute(f"{_SELECT} WHERE reference = ?", (reference,)).fetchone()
        if row is None:
            return Transition(None, False, "not_found")
        record = EscalationRecord.from_row(row)
        problem = None if changed else (problem_when_unchanged or f"already_{record.status}")
        return Transition(record, changed, problem)

    def mark_told(self, *, reference: str | None = None, dedupe_key: str | None = None) -> None:
        column, value = ("reference", reference) if reference else ("dedupe_key", dedupe_key)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE escalations SET asker_told = 1 WHERE {column} = ?", (value,))

    # ---- the outbox's bookkeeping -----------------------------------------------------------
    def due(self, now: float, *, orphans_before: float | None = None, limit: int = 50) -> list[str]:
        """References with work the outbox can do now (and nobody else holds a lease on)."""
        orphan = "OR (asker_told = 0 AND reply_kind = 'slack' AND status != 'resolved' AND created_at < ?)"
        sql = (
            "SELECT reference FROM escalations WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
            " AND (delivery IN ('pending', 'posting') OR (delivery = 'delivered' AND support_stale > 0)"
            " OR (resolution_notice = 'pending' AND reply_kind = 'slack')"
            " OR (extension_notice = 'pending' AND reply_kind = 'slack')"
            + (f" {orphan}" if orphans_before is not None else "")
            + ") ORDER BY created_at LIMIT ?"
        )
        params = (now, now) + ((orphans_before,) if orphans_before is not None else ()) + (limit,)
        return [row[0] for row in self.db.query(sql, params)]

    def next_wakeup(self) -> float | None:
        rows = self.db.query(
            "SELECT MIN(next_attempt_at) FROM escalations WHERE delivery IN ('pending', 'posting')"
            " OR (delivery = 'delivered' AND support_stale > 0) OR (resolution_notice = 'pending' AND reply_kind = 'slack')"
            " OR (extension_notice = 'pending' AND reply_kind = 'slack')"
        )
        return rows[0][0]

    def lease(self, reference: str, owner: str, seconds: float = 60.0) -> bool:
        now = time.time()
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE escalations SET lease_owner = ?, lease_until = ? WHERE reference = ?"
                " AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)",
                (owner, now + seconds, reference, now, owner),
            )
            return cursor.rowcount == 1

    def lease_owners(self) -> list[tuple[str, str]]:
        return [(row[0], row[1]) for row in self.db.query(
            "SELECT reference, lease_owner FROM escalations WHERE lease_owner IS NOT NULL")]

    def release(self, reference: str, owner: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE escalations SET lease_owner = NULL, lease_until = NULL"
                         " WHERE reference = ? AND lease_owner = ?", (reference, owner))

    def set_posting(self, reference: str) -> None:
        """Committed before the post: after a crash, 'posting' means "look before posting again"."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE escalations SET delivery = 'posting' WHERE reference = ? AND delivery IN ('pending', 'posting')", (reference,))

    def set_delivered(self, reference: str, ts: str, *, rendered_stale: int | None) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE escalations SET delivery = 'delivered', support_ts = ?, delivered_at = ?, last_error = NULL,"
                " next_attempt_at = 0, support_stale = CASE WHEN support_stale = ? THEN 0 ELSE support_stale END"
                " WHERE reference = ?",
                (ts, time.time(), rendered_stale, reference),
            )

    def set_updated(self, reference: str, rendered_stale: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE escalations SET last_error = NULL,"
                         " support_stale = CASE WHEN support_stale = ? THEN 0 ELSE support_stale END"
                         " WHERE reference = ?", (rendered_stale, reference))

    def set_notice_sent(self, reference: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE escalations SET resolution_notice = 'sent', asker_told = 1 WHERE reference = ?",
                         (reference,))

    def set_extension_notice_sent(self, reference: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE escalations SET extension_notice = 'sent' WHERE reference = ?", (reference,))

    def set_failed(self, reference: str, error: str, *, retry_at: float, maybe_posted: bool) -> None:
        """A try failed; `maybe_posted` keeps 'posting' so the next try looks before posting."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE escalations SET last_error = ?, next_attempt_at = ?,"
                " delivery = CASE WHEN delivery = 'posting' AND NOT ? THEN 'pending' ELSE delivery END"
                " WHERE reference = ?",
                (error[:300], retry_at, bool(maybe_posted), reference),
            )

    def count_attempt(self, reference: str) -> int:
        with self.db.transaction() as conn:
            conn.execute("UPDATE escalations SET attempts = attempts + 1 WHERE reference = ?", (reference,))
            row = conn.execute("SELECT attempts FROM escalations WHERE reference = ?", (reference,)).fetchone()
        return int(row[0]) if row else 0
