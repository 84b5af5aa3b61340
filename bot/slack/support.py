"""Slack's side of escalation: the outbox's `Poster` over the Web API, and who may Claim/Resolve.

The poster's WebClient has no retry handlers of its own: the outbox retries with its own
backoff, and only it knows whether a failed post may have reached the channel (5xx, timeout)
and must be looked up by its metadata before posting again.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.escalation.outbox import DeliveryError
from bot.escalation.render import METADATA_EVENT_TYPE, Rendered
from bot.settings import Settings
from bot.slack.client import api_base_url

log = logging.getLogger(__name__)

HISTORY_PAGES = 5
MEMBERS_TTL = 60.0


def outbox_client(settings: Settings) -> WebClient:
    return WebClient(token=settings.slack_bot_token, base_url=api_base_url(settings), timeout=15, retry_handlers=[])


def _delivery_error(method: str, error: Exception) -> DeliveryError:
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if status == 429:
            retry_after = error.response.headers.get("retry-after") or error.response.headers.get("Retry-After")
            try:
                wait = float(retry_after) if retry_after is not None else None
            except (TypeError, ValueError):
                wait = None
            return DeliveryError(f"{method}: rate limited", retry_after=wait)
        if status >= 500:
            return DeliveryError(f"{method}: HTTP {status}", maybe_posted=True)
        return DeliveryError(f"{method}: {code or status}")  # Slack refused it: nothing was posted
    # Timeouts and dropped connections: the request may have been processed.
    return DeliveryError(f"{method}: {type(error).__name__}", maybe_posted=True)


class SlackPoster:
    def __init__(self, client: WebClient):
        self.client = client

    def post(self, channel: str, message: Rendered, *, thread_ts: str | None = None,
             reference: str | None = None) -> str:
        kwargs = {}
        if reference:
            kwargs["metadata"] = {"event_type": METADATA_EVENT_TYPE, "event_payload": {"reference": reference}}
        try:
            response = self.client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks,
                                                    thread_ts=thread_ts, unfurl_links=False, **kwargs)
        except (SlackApiError, SlackRequestError, OSError) as error:
            raise _delivery_error("chat.postMessage", error) from error
        return response["ts"]

    def update(self, channel: str, ts: str, message: Rendered) -> None:
        try:
            self.client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)
        except (SlackApiError, SlackRequestError, OSError) as error:
            raise _delivery_error("chat.update", error) from error

    def find(self, channel: str, reference: str, since: float) -> str | None:
        """The ts of a message in `channel` (posted after `since`) whose metadata names `reference`."""
        cursor = None
        for _ in range(HISTORY_PAGES):
            try:
                response = self.client.conversations_history(
                    channel=channel, oldest=f"{since - 60:.6f}", include_all_metadata=True, limit=200, cursor=cursor)
            except (SlackApiError, SlackRequestError, OSError) as error:
                raise _delivery_error("conversations.history", error) from error
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                if (metadata.get("event_type") == METADATA_EVENT_TYPE
                        and (metadata.get("event_payload") or {}).get("reference") == reference):
                    return message.get("ts")
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None


class SupportTeam:
    """SUPPORT_TEAM_USER_IDS when set; otherwise the members of the support channel (cached a minute)."""

    def __init__(self, settings: Settings, client: WebClient):
        self.settings = settings
        self.client = client
        self._members: frozenset[str] = frozenset()
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def allows(self, user_id: str) -> bool:
        if self.settings.support_team_user_ids:
            return user_id in self.settings.support_team_user_ids
        if not self.settings.support_channel_id:
            return False
        with self._lock:
            if time.monotonic() - self._fetched_at > MEMBERS_TTL or user_id not in self._members:
                self._members = self._fetch_members()
                self._fetched_at = time.monotonic()
            return user_id in self._members

    def _fetch_members(self) -> frozenset[str]:
        members: set[str] = set()
        cursor = None
        while True:
            response = self.client.conversations_members(channel=self.settings.support_channel_id, limit=1000,
                                                         cursor=cursor)
            members.update(response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return frozenset(members)


def escalation_service(settings: Settings, db) -> tuple["Escalations", "Outbox"]:
    """The escalation flow over the state database, delivering to Slack through the outbox."""
    from bot.clock import clock_from_settings
    from bot.escalation import Escalations, EscalationStore, Outbox
    from bot.escalation.reminders import Reminders

    store = EscalationStore(db, clock_from_settings(settings))
    poster = SlackPoster(outbox_client(settings))
    outbox = Outbox(store, poster, settings)
    # The daily digest and badge refresh of data-subject requests run in the same worker.
    outbox.reminders = Reminders(store, poster, settings, owner=outbox.owner)
    return Escalations(store, settings, outbox), outbox
