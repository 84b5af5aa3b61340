"""Drop Slack's redeliveries of an event we already accepted, before any listener runs.

Slack resends an event (with X-Slack-Retry-Num) when it did not see our 200 in time, and a
restart must not forget what was handled, so the event ids live in SQLite. A retry of an
event we never saw (the first delivery was lost) is handled normally.

Slash commands carry no event id, but every invocation has its own `trigger_id`: a signed command
replayed within the signature's 5-minute window is acknowledged and not answered again.
"""

from __future__ import annotations

import logging
from typing import Callable

from slack_bolt import BoltRequest, BoltResponse

from bot.store import StateStore

log = logging.getLogger(__name__)


def drop_duplicate_events(store: StateStore) -> Callable[..., BoltResponse | None]:
    def middleware(request: BoltRequest, body: dict, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not store.claim_event(event_id):
            retry = (request.headers.get("x-slack-retry-num") or ["-"])[0]
            log.info("duplicate event dropped event_id=%s retry_num=%s", event_id, retry)
            return BoltResponse(status=200, body="")
        trigger_id = body.get("trigger_id") if body.get("command") else None
        if isinstance(trigger_id, str) and trigger_id and not store.claim_event(f"command:{trigger_id}"):
            log.info("replayed slash command dropped trigger_id=%s", trigger_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
