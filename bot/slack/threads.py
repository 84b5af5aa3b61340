"""A Slack thread's earlier turns, for answering a follow-up there in context.

Each answer the bot posts carries message metadata (`privacy_answer`: the standalone question, the
cited sections, the escalation reason). Each thread's last `MAX_CONTEXT_TURNS` turns are kept
in the state database for CONVERSATION_TTL_MINUTES (shared by every replica using it, so a turn one
process answered is context for the next, whichever process gets it); when the database has none,
the thread is read back with `conversations.replies` (`include_all_metadata`) and what it holds is
stored. A thread where the bot never answered has no turns: the question is answered alone. Scopes: channels:history, groups:history, im:history,
mpim:history (manifest.yaml).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.conversation import MAX_CONTEXT_TURNS, Turn, recent
from bot.slack.blocks import escape

if TYPE_CHECKING:
    from bot.store.conversations import ConversationStore

log = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "privacy_answer"
CACHE_SECONDS = 300
MAX_THREADS = 5000
REPLIES_LIMIT = 100  # messages read per thread: enough for the last few answers in a busy thread
QUESTION_CHARS = 1000


def answer_metadata(turn: Turn, asker: str | None = None) -> dict:
    """What an answer's post carries so the thread can be read back as turns (no answer text). `asker`: the
    Slack user who asked (already visible in the thread), so a turn read back names who asked it."""
    # Escaped like every text the bot sends to Slack (read back with `_unescape`): never a live <!channel>.
    payload = {"question": escape(turn.question[:QUESTION_CHARS]), "sections": [escape(s) for s in list(turn.sections)[:5]],
               "escalation": turn.escalation or ""}
    if asker:
        payload["asker"] = asker
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": payload}


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def asked_turns_from_replies(messages: list[dict], bot_user_id: str | None = None) -> list[tuple[Turn, str | None]]:
    """The bot's answers in a thread (oldest first), as (turn, Slack user who asked it) from their metadata.
    An answer posted before its metadata named the asker is taken to answer the last person who wrote
    before it (the bot answers in the thread right after the question)."""
    asked = []
    last_person = None
    for message in messages:
        metadata = message.get("metadata") or {}
        from_bot = bool(message.get("bot_id")) or (bot_user_id is not None and message.get("user") == bot_user_id)
        if not from_bot and message.get("user"):
            last_person = message["user"]
        if metadata.get("event_type") != METADATA_EVENT_TYPE:
            continue
        if bot_user_id and message.get("user") not in (None, bot_user_id) and not message.get("bot_id"):
            continue  # only the bot's own posts count (a person cannot post app metadata, but be sure)
        payload = metadata.get("event_payload") or {}
        question = _unescape(str(payload.get("question") or "")).strip()
        if question:
            asker = str(payload.get("asker") or "") or last_person
            asked.append((Turn(question, tuple(_unescape(str(s)) for s in payload.get("sections") or ()),
                               payload.get("escalation") or None), asker))
    return asked[-MAX_CONTEXT_TURNS:]


def turns_from_replies(messages: list[dict], bot_user_id: str | None = None) -> list[Turn]:
    """The bot's answers in a thread (oldest first), as turns, from their metadata."""
    return recent(turn for turn, _ in asked_turns_from_replies(messages, bot_user_id))


class ThreadTurns:
    """Per-thread turns, shared by every process using the same state database.

    Read from the state database (`ConversationStore`, key `slack:<channel>:<thread_ts>`, kept like the
    API's turns for CONVERSATION_TTL_MINUTES), so a replica answering turn 3 sees the turn another replica
    answered; only when the database has none (a thread older than the TTL, a first follow-up after a
    restart with a new database) is the thread read back from Slack with `conversations.replies`, and the
    turns found are stored. Without a store (unit tests) a per-process cache stands in.
    """

    def __init__(self, conversations: "ConversationStore | None" = None, cache_seconds: float = CACHE_SECONDS):
        self.conversations = conversations
        self.cache_seconds = cache_seconds
        self._cache: "OrderedDict[tuple[str, str], tuple[float, list[Turn]]]" = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(channel: str, thread_ts: str) -> str:
        return f"slack:{channel}:{thread_ts}"

    def turns(self, client: WebClient, channel: str, thread_ts: str, bot_user_id: str | None = None) -> list[Turn]:
        """The thread's last turns; [] when the bot has not answered there or Slack cannot be read."""
        if self.conversations is not None:
            stored = self.conversations.recent(self.key(channel, thread_ts))
            if stored:
                return stored
        # Without a store, everything is cached here; with one, only "the bot has not answered there", so a
        # busy thread of people talking (SLACK_THREAD_FOLLOW_UPS) is not read from Slack on every message.
        with self._lock:
            cached = self._cache.get((channel, thread_ts))
            if cached and time.monotonic() - cached[0] < self.cache_seconds:
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
        asked = asked_turns_from_replies(response.get("messages") or [], bot_user_id)
        turns = [turn for turn, _ in asked]
        if self.conversations is not None and turns:
            # Stored with who asked each turn, so `privacy-bot subject` finds them like any other turn.
            self.conversations.seed(self.key(channel, thread_ts), turns,
                                    askers=[f"slack:{user}" if user else None for _, user in asked])
        else:
            self._store((channel, thread_ts), turns)
        return list(turns)

    def remember(self, channel: str, thread_ts: str, turn: Turn, known: list[Turn], asker: str | None = None) -> None:
        """The bot just answered in this thread: `known` (the turns it was given) plus the new one."""
        if self.conversations is not None:
            key = self.key(channel, thread_ts)
            if known:
                self.conversations.seed(key, list(known))  # turns read from Slack just now are stored already
            self.conversations.append(key, turn, asker=asker)
            with self._lock:
                self._cache.pop((channel, thread_ts), None)  # it has answered there now
            return
        self._store((channel, thread_ts), recent(list(known) + [turn], MAX_CONTEXT_TURNS))

    def answered_in(self, client: WebClient, channel: str, thread_ts: str, bot_user_id: str | None = None) -> bool:
        return bool(self.turns(client, channel, thread_ts, bot_user_id))

    def _store(self, key: tuple[str, str], turns: list[Turn]) -> None:
        with self._lock:
            self._cache[key] = (time.monotonic(), list(turns))
            self._cache.move_to_end(key)
            while len(self._cache) > MAX_THREADS:
                self._cache.popitem(last=False)
