"""The service's state operations: event dedupe, feedback votes and support requests.

Callers pass plain ids and strings; nothing here knows Slack's payload shapes, so the same
store serves every adapter (and can move to a server database behind the same methods).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bot.store.database import Database

VOTES = ("helpful", "not_helpful")
# Slack stops retrying an event after about an hour; a day of ids is a wide margin.
EVENT_RETENTION_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Vote:
    answer_id: str
    user_id: str
    vote: str
    created_at: float


# processed_events is purged at start and then at most this often, as events arrive.
PURGE_EVERY_SECONDS = 3600


class StateStore:
    def __init__(self, database: Database):
        self.db = database
        self.purge_processed_events()
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS

    @classmethod
    def open(cls, path: Path) -> "StateStore":
        return cls(Database(path))

    def claim_event(self, event_id: str) -> bool:
        """True the first time an event id is seen (handle it), False for any repeat (drop it)."""
        if time.monotonic() >= self._next_purge:  # a long-running service forgets old ids too
            self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            self.purge_processed_events()
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO processed_events (event_id, received_at) VALUES (?, ?)",
                (event_id, time.time()),
            )
            return cursor.rowcount == 1

    def purge_processed_events(self, older_than: float = EVENT_RETENTION_SECONDS) -> int:
        with self.db.transaction() as conn:
            cursor = conn.execute("DELETE FROM processed_events WHERE received_at < ?", (time.time() - older_than,))
            return cursor.rowcount

    def record_vote(self, answer_id: str, user_id: str, vote: str) -> None:
        if vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}, got {vote!r}")
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO feedback (answer_id, user_id, vote, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at",
                (answer_id, user_id, vote, time.time()),
            )

    def votes(self, answer_id: str | None = None) -> list[Vote]:
        sql = "SELECT answer_id, user_id, vote, created_at FROM feedback"
        params: tuple = ()
        if answer_id is not None:
            sql, params = sql + " WHERE answer_id = ?", (answer_id,)
        return [Vote(*row) for row in self.db.query(sql + " ORDER BY created_at", params)]

    def record_support_request(
        self, answer_id: str, user_id: str, channel_id: str | None, message_ts: str | None
    ) -> bool:
        """Record a hand-off request; False when this person already asked about this answer."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO support_requests (answer_id, user_id, channel_id, message_ts, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (answer_id, user_id, channel_id, message_ts, time.time()),
            )
            return cursor.rowcount == 1

    def support_requests(self) -> list[tuple]:
        return self.db.query(
            "SELECT answer_id, user_id, channel_id, message_ts, created_at FROM support_requests ORDER BY created_at"
        )

    def close(self) -> None:
        self.db.close()
