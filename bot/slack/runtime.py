"""The Slack side of the running service: Bolt app, state store, background work, Socket Mode.

The web layer owns one `SlackRuntime` and calls `start()` / `stop()` from its lifespan, so
HTTP and Socket Mode share one app, one dedupe table and one pool, and a shutdown finishes
the answers already accepted before it closes the database.
"""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.settings import Settings
from bot.slack.answering import AssistantLike
from bot.slack.app import create_bolt_app
from bot.slack.background import BackgroundWork
from bot.slack.support import escalation_service
from bot.store import StateStore

log = logging.getLogger(__name__)


class SlackRuntime:
    def __init__(self, settings: Settings, assistant: AssistantLike, *, workers: int = 8):
        self.settings = settings
        self.store = StateStore.open(settings.state_db)
        self.work = BackgroundWork(workers=workers)
        # Escalations: records in the same database, delivered by the outbox worker (bot/escalation/).
        self.escalations, self.outbox = escalation_service(settings, self.store.db)
        try:
            self.app = create_bolt_app(settings, assistant, self.store, self.work, escalations=self.escalations)
        except Exception:
            self.work.shutdown(wait=False)
            self.store.close()
            raise
        self.socket: SocketModeHandler | None = None

    @property
    def http_enabled(self) -> bool:
        """Requests over HTTP need the signing secret to be verified; without it the route is off."""
        return bool(self.settings.slack_signing_secret)

    @property
    def mode(self) -> str:
        return "+".join(m for m, on in (("http", self.http_enabled), ("socket", self.settings.socket_mode)) if on)

    def start(self) -> None:
        if self.settings.socket_mode:
            self.socket = SocketModeHandler(self.app, app_token=self.settings.slack_app_token)
            self.socket.connect()  # returns at once; the client keeps the connection in its threads
        self.outbox.start()  # delivers what earlier runs left owed too (posts, updates, notices)
        log.info("Slack is on (%s)", self.mode)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every accepted request has been answered (tests and graceful shutdown)."""
        return self.work.wait_idle(timeout)

    def stop(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None
        self.work.shutdown(wait=True)
        self.outbox.stop()
        self.store.close()
