"""Conversation turns of the API (`conversation_id`) and the web chat (its session), in the state database.

Only what a follow-up needs is kept: the last `MAX_CONTEXT_TURNS` turns of a conversation (the
standalone question with personal data redacted — emails, card numbers, phone numbers… are never a
follow-up's topic —, the cited sections, the escalation reason; never the answer text), each for
CONVERSATION_TTL_MINUTES after it was asked. Expired turns are ignored when read and deleted by
`purge()`, which runs at start, on every write and periodically (`Periodic`). Replicas sharing the
database therefore agree on a conversation. Turns are never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

from bot.analytics.redact import redact_text
from bot.conversation import MAX_CONTEXT_TURNS, Turn
from bot.store.database import Database

log = logging.getLogger(__name__)

MAX_KEY_CHARS = 300
# A request repeated within this window with the same conversation and the same body is a client's retry
# (a timeout, a dropped connection), not a new turn: its turn is not added twice.
RETRY_WINDOW_SECONDS = 120


def request_digest(*parts: object) -> str:
    """A stable hash of a request's content (kept instead of a second copy of its text)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


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

    def append(self, key: str, turn: Turn, now: float | None = None, request_hash: str | None = None,
               asker: str | None = None) -> None:
        """Add a turn; older turns beyond `keep` and expired rows of any conversation go.

        `request_hash`: what made the turn (`request_digest`), so a retry of it is recognised (`is_retry`);
        `asker`: who asked it ("slack:U…", "customer:…"), so a data-subject request finds it (bot/subjects.py)."""
        now = time.time() if now is None else now
        key = key[:MAX_KEY_CHARS]
        with self.db.transaction() as conn:
            (last,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM conversation_turns WHERE conversation_key = ?",
                                   (key,)).fetchone()
            conn.execute(
                "INSERT INTO conversation_turns (conversation_key, seq, created_at, question, sections, escalation,"
                " request_hash, asker) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, last + 1, now, redact_text(turn.question), json.dumps(list(turn.sections), ensure_ascii=False), turn.escalation,
                 request_hash, asker))
            conn.execute("DELETE FROM conversation_turns WHERE conversation_key = ? AND seq <= ?", (key, last + 1 - self.keep))
            conn.execute("DELETE FROM conversation_turns WHERE created_at < ?", (now - self.ttl_seconds,))

    def seed(self, key: str, turns: list[Turn], now: float | None = None, askers: list[str | None] | None = None) -> None:
        """Store turns read from elsewhere (a Slack thread) unless the conversation already has live ones.
        `askers`: who asked each turn ("slack:U…"), in the order of `turns`."""
        now = time.time() if now is None else now
        key = key[:MAX_KEY_CHARS]
        with self.db.transaction() as conn:
            (live,) = conn.execute("SELECT COUNT(*) FROM conversation_turns WHERE conversation_key = ? AND created_at >= ?",
                                   (key, now - self.ttl_seconds)).fetchone()
            if live:
                return
            conn.execute("DELETE FROM conversation_turns WHERE conversation_key = ?", (key,))
            askers = list(askers) if askers is not None else [None] * len(turns)
            kept = list(zip(turns, askers))[-self.keep:]
            for seq, (turn, asker) in enumerate(kept, start=1):
                conn.execute(
                    "INSERT INTO conversation_turns (conversation_key, seq, created_at, question, sections, escalation,"
                    " asker) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (key, seq, now, redact_text(turn.question), json.dumps(list(turn.sections), ensure_ascii=False),
                     turn.escalation, asker))

    def is_retry(self, key: str, request_hash: str, window_s: float = RETRY_WINDOW_SECONDS,
                 now: float | None = None) -> bool:
        """Whether the conversation's last turn was made by this same request within `window_s` (a retry)."""
        now = time.time() if now is None else now
        rows = self.db.query("SELECT request_hash, created_at FROM conversation_turns WHERE conversation_key = ?"
                             " ORDER BY seq DESC LIMIT 1", (key[:MAX_KEY_CHARS],))
        return bool(rows) and rows[0][0] == request_hash and rows[0][1] >= now - window_s

    # -- Idempotency-Key: the first response to a key is kept and given again to its retries ----------

    def claim_idempotency(self, key: str, request_hash: str, now: float | None = None, *, asker: str | None = None,
                          conversation_key: str | None = None) -> tuple[str, str | None]:
        """("new", None): go ahead and `finish` it; ("replay", response); ("conflict", None): the key was used
        for another request; ("pending", None): the first request with this key is still being answered.
        `asker` and `conversation_key` say whose response it keeps (bot/subjects.py finds it by them)."""
        now = time.time() if now is None else now
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM api_idempotency WHERE created_at < ?", (now - self.ttl_seconds,))
            row = conn.execute("SELECT request_hash, response FROM api_idempotency WHERE idempotency_key = ?",
                               (key,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO api_idempotency (idempotency_key, request_hash, created_at, asker,"
                             " conversation_key) VALUES (?, ?, ?, ?, ?)",
                             (key, request_hash, now, asker, conversation_key[:MAX_KEY_CHARS] if conversation_key else None))
                return "new", None
        if row[0] != request_hash:
            return "conflict", None
        return ("replay", row[1]) if row[1] is not None else ("pending", None)

    def finish_idempotency(self, key: str, response: str | None) -> None:
        """Keep the response for the key's retries; None (the request failed) frees the key for a retry."""
        with self.db.transaction() as conn:
            if response is None:
                conn.execute("DELETE FROM api_idempotency WHERE idempotency_key = ? AND response IS NULL", (key,))
            else:
                conn.execute("UPDATE api_idempotency SET response = ? WHERE idempotency_key = ?", (response, key))

    def purge(self, now: float | None = None) -> int:
        """Delete every turn (and kept response) older than the TTL; returns how many turns went."""
        cutoff = (time.time() if now is None else now) - self.ttl_seconds
        with self.db.transaction() as conn:
            removed = conn.execute("DELETE FROM conversation_turns WHERE created_at < ?", (cutoff,)).rowcount
            conn.execute("DELETE FROM api_idempotency WHERE created_at < ?", (cutoff,))
        if removed:
            log.info("conversation turns purged", extra={"removed": removed})
        return removed

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM conversation_turns")[0][0])
