"""A Slack thread's earlier turns, for answering a follow-up there in context.

Each answer the bot posts carries message metadata (`privacy_answer`: the standalone question, the
cited sections, the escalation reason). A thread's turns are read back with `conversations.replies`
(`include_all_metadata`), bounded to the last `MAX_CONTEXT_TURNS` answers, and cached for a few
minutes; every new answer updates the cache, so a conversation costs one `conversations.replies`
call per thread per cache period, not one per message. A thread where the bot never answered has no
turns: the question is answered alone. Scopes: channels:history, groups:history, im:history,
mpim:history (manifest.yaml).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.conversation import MAX_CONTEXT_TURNS, Turn, recent
from bot.slack.blocks import escape

log = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "privacy_answer"
CACHE_SECONDS = 300
MAX_THREADS = 5000
REPLIES_LIMIT = 100  # messages read per thread: enough for the last few answers in a busy thread
QUESTION_CHARS = 1000


def answer_metadata(turn: Turn) -> dict:
    """What an answer's post carries so the thread can be read back as turns (no answer text)."""
    # Escaped like every text the bot sends to Slack (read back with `_unescape`): never a live <!channel>.
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {
        "question": escape(turn.question[:QUESTION_CHARS]), "sections": [escape(s) for s in list(turn.sections)[:5]],
        "escalation": turn.escalation or ""}}


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def turns_from_replies(messages: list[dict], bot_user_id: str | None = None) -> list[Turn]:
    """The bot's answers in a thread (oldest first), as turns, from their metadata."""
    turns = []
    for message in messages:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") != METADATA_EVENT_TYPE:
            continue
        if bot_user_id and message.get("user") not in (None, bot_user_id) and not message.get("bot_id"):
            continue  # only the bot's own posts count (a person cannot post app metadata, but be sure)
        payload = metadata.get("event_payload") or {}
        question = _unescape(str(payload.get("question") or "")).strip()
        if question:
            turns.append(Turn(question, tuple(_unescape(str(s)) for s in payload.get("sections") or ()),
                              payload.get("escalation") or None))
    return recent(turns)


class ThreadTurns:
    """Per-thread turns: read from Slack once, cached, and kept current as the bot answers."""

    def __init__(self, cache_seconds: float = CACHE_SECONDS):
        self.cache_seconds = cache_seconds
        self._cache: "OrderedDict[tuple[str, str], tuple[float, list[Turn]]]" = OrderedDict()
        self._lock = threading.Lock()

    def turns(self, client: WebClient, channel: str, thread_ts: str, bot_user_id: str | None = None) -> list[Turn]:
        """The thread's last turns; [] when the bot has not answered there or Slack cannot be read."""
        key = (channel, thread_ts)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
            if cached and now - cached[0] < self.cache_seconds:
                return list(cached[1])
        try:
            response = client.conversations_replies(channel=channel, ts=thread_ts, limit=REPLIES_LIMIT,
                                                    include_all_metadata=True)
        except SlackApiError as error:
            # e.g. missing_scope or not_in_channel: answer alone rather than not at all.
            log.warning("conversations.replies failed error=%s", error.response.get("error"))
            return []
        except (SlackRequestError, OSError) as error:
            log.warning("conversations.replies failed error=%s", type(error).__name__)
            return []
        turns = turns_from_replies(response.get("messages") or [], bot_user_id)
        self._store(key, turns, now)
        return list(turns)

    def remember(self, channel: str, thread_ts: str, turn: Turn, known: list[Turn]) -> None:
        """The bot just answered in this thread: `known` (the turns it was given) plus the new one."""
        self._store((channel, thread_ts), recent(list(known) + [turn], MAX_CONTEXT_TURNS), time.monotonic())

    def answered_in(self, client: WebClient, channel: str, thread_ts: str, bot_user_id: str | None = None) -> bool:
        return bool(self.turns(client, channel, thread_ts, bot_user_id))

    def _store(self, key: tuple[str, str], turns: list[Turn], now: float) -> None:
        with self._lock:
            self._cache[key] = (now, list(turns))
            self._cache.move_to_end(key)
            while len(self._cache) > MAX_THREADS:
                self._cache.popitem(last=False)
