"""The audit trail of escalations: `escalation_events` (migration 8), append-only.

Every state change appends one row — who, when, what, from/to — in the same transaction as the
change itself, so the trail can never miss a change or record one that did not happen. Triggers
refuse deletes and rewrites; the only change allowed is erasing an event's free-text `detail`
(retention and erasure: a note may name the person).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from bot.store.database import Database


@dataclass(frozen=True)
class AuditEvent:
    reference: str
    at: float
    actor: str
    action: str
    from_value: str | None
    to_value: str | None
    detail: str | None

    def to_dict(self) -> dict:
        return {"at": datetime.fromtimestamp(self.at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "by": self.actor, "action": self.action, "from": self.from_value, "to": self.to_value,
                "detail": self.detail}


def append_event(conn: sqlite3.Connection, reference: str, at: float, actor: str, action: str,
                 from_value: str | None = None, to_value: str | None = None, detail: str | None = None) -> None:
    conn.execute("INSERT INTO escalation_events (reference, at, actor, action, from_value, to_value, detail)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)", (reference, at, actor, action, from_value, to_value,
                                                   (detail or None) and detail[:1000]))


def history(db: Database, reference: str) -> list[AuditEvent]:
    rows = db.query("SELECT reference, at, actor, action, from_value, to_value, detail FROM escalation_events"
                    " WHERE reference = ? ORDER BY id", (reference,))
    return [AuditEvent(*row) for row in rows]


def erase_details(conn: sqlite3.Connection, references: list[str]) -> int:
    """Free text of these records' events goes (the who/when/what/from/to stay)."""
    erased = 0
    for reference in references:
        erased += conn.execute("UPDATE escalation_events SET detail = NULL WHERE reference = ? AND detail IS NOT NULL",
                               (reference,)).rowcount
    return erased
