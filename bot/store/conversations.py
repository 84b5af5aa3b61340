"""Conversation turns of the API (`conversation_id`) and the web chat (its session), in the state database.

Only what a follow-up needs is kept: the last `MAX_CONTEXT_TURNS` turns of a conversation (the
standalone question, the cited sections, the escalation reason; never the answer text), each for
CONVERSATION_TTL_MINUTES after it was asked. Expired turns are ignored when read and deleted by
`purge()`, which runs at start, on every write and periodically (`Periodic`). Replicas sharing the
database therefore agree on a conversation. Turns are never logged.
"""

from __future__ import annotations

import json
import logging
import time

from bot.conversation import MAX_CONTEXT_TURNS, Turn
from bot.store.database import Database

log = logging.getLogger(__name__)

MAX_KEY_CHARS = 300


class ConversationStore:
    def __init__(self, database: Database, ttl_seconds: float, keep: int = MAX_CONTEXT_TURNS):
        self.db = database
        self.ttl_seconds = ttl_seconds
        self.keep = keep

    def recent(self, key: str, now: float | None = None) -> list[Turn]:
        """The conversation's live turns, oldest first (at most `keep`)."""
        cutoff = (time.time() if now is None else now) - self.ttl_seconds
        rows = self.db.query(
            "SELECT question, sections, escalation FROM conversation_turns WHERE conversation_key = ? AND created_at >= ?"
            " ORDER BY seq DESC LIMIT ?", (key[:MAX_KEY_CHARS], cutoff, self.keep))
        return [Turn(question, tuple(json.loads(sections)), escalation) for question, sections, escalation in reversed(rows)]

    def append(self, key: str, turn: Turn, now: float | None = None) -> None:
        """Add a turn; older turns beyond `keep` and expired rows of any conversation go."""
        now = time.time() if now is None else now
        key = key[:MAX_KEY_CHARS]
        with self.db.transaction() as conn:
            (last,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM conversation_turns WHERE conversation_key = ?",
                                   (key,)).fetchone()
            conn.execute(
                "INSERT INTO conversation_turns (conversation_key, seq, created_at, question, sections, escalation)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (key, last + 1, now, turn.question, json.dumps(list(turn.sections), ensure_ascii=False), turn.escalation))
            conn.execute("DELETE FROM conversation_turns WHERE conversation_key = ? AND seq <= ?", (key, last + 1 - self.keep))
            conn.execute("DELETE FROM conversation_turns WHERE created_at < ?", (now - self.ttl_seconds,))

    def purge(self, now: float | None = None) -> int:
        """Delete every turn older than the TTL; returns how many went."""
        cutoff = (time.time() if now is None else now) - self.ttl_seconds
        with self.db.transaction() as conn:
            removed = conn.execute("DELETE FROM conversation_turns WHERE created_at < ?", (cutoff,)).rowcount
        if removed:
            log.info("conversation turns purged", extra={"removed": removed})
        return removed

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM conversation_turns")[0][0])
