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
    Migration(
        5,
        "question_events",
        """
        -- One row per answered question, personal data redacted before it is written
        -- (bot/analytics/redact.py); rows older than ANALYTICS_RETENTION_DAYS are purged.
        CREATE TABLE question_events (
            id                TEXT PRIMARY KEY,
            asked_at          REAL NOT NULL,
            source            TEXT NOT NULL,
            audience          TEXT NOT NULL,
            question          TEXT NOT NULL,
            redactions        INTEGER NOT NULL DEFAULT 0,
            outcome           TEXT NOT NULL,
            covered           INTEGER NOT NULL,
            confidence        REAL NOT NULL,
            top_section       TEXT,
            top_document      TEXT,
            escalation_reason TEXT,
            answer_id         TEXT,
            trace_id          TEXT
        );
        CREATE INDEX question_events_asked_at ON question_events (asked_at);
        CREATE INDEX question_events_answer_id ON question_events (answer_id);
        -- Each event with the 👍/👎 votes its answer received (feedback is keyed by answer id).
        CREATE VIEW question_events_feedback AS
            SELECT e.*,
                   (SELECT COUNT(*) FROM feedback f WHERE f.answer_id = e.answer_id AND f.vote = 'helpful')
                       AS helpful,
                   (SELECT COUNT(*) FROM feedback f WHERE f.answer_id = e.answer_id AND f.vote = 'not_helpful')
                       AS not_helpful
            FROM question_events e;
        """,
    ),
]
# Appended out of order by parallel work is fine: they are applied by number.
MIGRATIONS.sort(key=lambda m: m.number)
