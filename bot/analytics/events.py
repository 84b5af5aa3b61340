"""Question events in SQLite (`question_events`, migration 5) and their retention purge.

`record()` is the only way an event is written, and it redacts the question first: the raw text
never reaches the database. `purge()` deletes events older than ANALYTICS_RETENTION_DAYS;
`RetentionPurger` runs it at start and then once a day inside the service, and every CLI command
that opens the store runs it too, so retention holds without anyone remembering to run it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bot.analytics.redact import redact
from bot.answer import Answer
from bot.periodic import Periodic
from bot.store.database import Database

log = logging.getLogger(__name__)

DAY_S = 24 * 3600
OUTCOMES = ("answered", "not_covered", "escalated", "off_topic")


def outcome_of(answer: Answer) -> str:
    if answer.escalation is not None:
        return "not_covered" if answer.escalation.reason == "not_covered" else "escalated"
    return "answered" if answer.covered else "off_topic"


@dataclass(frozen=True)
class QuestionEvent:
    id: str
    asked_at: float
    source: str
    audience: str
    question: str  # redacted
    redactions: int
    outcome: str
    covered: bool
    confidence: float
    top_section: str | None
    top_document: str | None
    escalation_reason: str | None
    answer_id: str | None
    trace_id: str | None


def subject_tokens(conn, identifiers) -> list[str]:
    """Keyed hashes (HMAC-SHA256, key in `pseudonym_keys`) of who asked: findable, never readable."""
    if not identifiers:
        return []
    row = conn.execute("SELECT key FROM pseudonym_keys WHERE name = 'subject'").fetchone()
    return sorted({hmac.new(bytes(row[0]), normalise_identifier(i).encode(), hashlib.sha256).hexdigest()[:32]
                   for i in identifiers if i})


def normalise_identifier(identifier: str) -> str:
    kind, _, value = identifier.partition(":")
    return f"{kind}:{value.strip().lower()}" if kind == "email" else f"{kind}:{value.strip()}"


class QuestionEvents:
    def __init__(self, database: Database, retention_days: int = 90):
        self.db = database
        self.retention_days = retention_days

    @classmethod
    def open(cls, path: Path, retention_days: int = 90) -> "QuestionEvents":
        return cls(Database(path), retention_days)

    def record(self, answer: Answer, *, source: str, answer_id: str | None = None, trace_id: str | None = None,
               asked_at: float | None = None, subjects: tuple[str, ...] = ()) -> QuestionEvent:
        cleaned = redact(answer.question)
        top = answer.citations[0] if answer.citations else None
        event = QuestionEvent(
            id=uuid.uuid4().hex, asked_at=time.time() if asked_at is None else asked_at, source=source,
            audience=answer.audience, question=cleaned.text, redactions=cleaned.count, outcome=outcome_of(answer),
            covered=bool(answer.covered), confidence=round(float(answer.confidence), 4),
            top_section=top.section if top else None, top_document=top.document if top else None,
            escalation_reason=answer.escalation.reason if answer.escalation else None,
            answer_id=answer_id, trace_id=trace_id,
        )
        with self.db.transaction() as conn:
            tokens = " ".join(subject_tokens(conn, subjects))
            conn.execute(
                "INSERT INTO question_events (id, asked_at, source, audience, question, redactions, outcome, covered,"
                " confidence, top_section, top_document, escalation_reason, answer_id, trace_id, subjects)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event.id, event.asked_at, event.source, event.audience, event.question, event.redactions,
                 event.outcome, int(event.covered), event.confidence, event.top_section, event.top_document,
                 event.escalation_reason, event.answer_id, event.trace_id, tokens),
            )
        return event

    def events(self, since: float | None = None, until: float | None = None) -> list[QuestionEvent]:
        rows = self.db.query(
            "SELECT id, asked_at, source, audience, question, redactions, outcome, covered, confidence, top_section,"
            " top_document, escalation_reason, answer_id, trace_id FROM question_events"
            " WHERE asked_at >= ? AND asked_at < ? ORDER BY asked_at",
            (since if since is not None else 0.0, until if until is not None else float("inf")),
        )
        return [QuestionEvent(*row[:7], bool(row[7]), *row[8:]) for row in rows]

    def purge(self, now: float | None = None) -> int:
        """Delete events older than the retention period; returns how many went."""
        cutoff = (time.time() if now is None else now) - self.retention_days * DAY_S
        with self.db.transaction() as conn:
            removed = conn.execute("DELETE FROM question_events WHERE asked_at < ?", (cutoff,)).rowcount
        if removed:
            log.info("analytics retention purge", extra={"removed": removed, "retention_days": self.retention_days})
        return removed

    def close(self) -> None:
        self.db.close()


class RetentionPurger(Periodic):
    """Runs `events.purge()` now and then every `interval_s` (a day) until stopped."""

    def __init__(self, events: QuestionEvents, interval_s: float = DAY_S):
        super().__init__(events.purge, interval_s, "analytics-retention")
        self.events = events
