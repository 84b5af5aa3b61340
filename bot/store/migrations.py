"""The schema of the state database, as numbered migrations applied in order.

To change the schema, append a `Migration` with the next number; never edit one that has
shipped, because databases in the field have already recorded it as applied. Each migration
runs in its own transaction together with the row that records it, so a failure leaves the
database at the previous version.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "processed_events",
        """
        -- Slack delivers an event again when it saw no 200 in time; the event id is the key.
        CREATE TABLE processed_events (
            event_id    TEXT PRIMARY KEY,
            received_at REAL NOT NULL
        );
        CREATE INDEX processed_events_received_at ON processed_events (received_at);
        """,
    ),
    Migration(
        2,
        "feedback",
        """
        -- One vote per person per answer; voting again replaces the earlier vote.
        CREATE TABLE feedback (
            answer_id  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            vote       TEXT NOT NULL CHECK (vote IN ('helpful', 'not_helpful')),
            created_at REAL NOT NULL,
            PRIMARY KEY (answer_id, user_id)
        );
        """,
    ),
    Migration(
        3,
        "support_requests",
        """
        -- "Talk to support" clicks, recorded until the escalation flow takes them over.
        CREATE TABLE support_requests (
            answer_id  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            channel_id TEXT,
            message_ts TEXT,
            created_at REAL NOT NULL,
            PRIMARY KEY (answer_id, user_id)
        );
        """,
    ),
]
