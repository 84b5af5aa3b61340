"""Build the Bolt app: Settings + assistant + state store → a ready `App` with every listener.

`process_before_response=True` makes each listener run to completion before the response is
sent; our listeners only ack, write a row and hand the slow work to `BackgroundWork`, so the
ack stays fast while "the HTTP response is back" also means "the work is queued", for HTTP
and Socket Mode alike.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.error import BoltError

from bot.errors import ConfigError
from bot.settings import Settings
from bot.slack.answering import AssistantLike, SlackServices
from bot.slack.background import BackgroundWork, new_trace_id
from bot.slack.client import web_client
from bot.slack.dedupe import drop_duplicate_events
from bot.slack.listeners import register_all
from bot.store import StateStore

log = logging.getLogger(__name__)


def create_bolt_app(settings: Settings, assistant: AssistantLike, store: StateStore, work: BackgroundWork,
                    escalations=None) -> App:
    if not settings.slack_enabled:
        raise ConfigError("SLACK_BOT_TOKEN", "Slack is not configured")
    try:
        app = App(
            name="kimss-privacy-assistant",
            # Socket Mode alone needs no signing secret; the HTTP route is then not mounted.
            signing_secret=settings.slack_signing_secret or "",
            request_verification_enabled=bool(settings.slack_signing_secret),
            client=web_client(settings),  # carries the bot token; auth.test runs now, so a bad one fails at start
            process_before_response=True,
            logger=logging.getLogger("slack_bolt"),
        )
    except BoltError as error:
        raise ConfigError("SLACK_BOT_TOKEN", f"Slack rejected the token ({error})") from error

    app.use(drop_duplicate_events(store))
    from bot.refresh import Refresher
    from bot.slack.team import embeddings_provider

    refresher = Refresher(settings, embeddings_provider(assistant, settings))
    from bot.slack.audience import AudienceResolver

    from bot.slack.threads import ThreadTurns
    from bot.store.conversations import ConversationStore

    # Thread turns in the state database: every replica sharing it answers a follow-up in the same context.
    threads = ThreadTurns(ConversationStore(store.db, settings.conversation_ttl_minutes * 60))
    register_all(app, SlackServices(settings=settings, assistant=assistant, store=store, work=work,
                                    escalations=escalations, refresher=refresher,
                                    audiences=AudienceResolver(app.client), threads=threads))

    @app.error
    def log_listener_error(error: Exception) -> None:
        # Bolt answers Slack with a 500; we keep the trace, never the payload (it may hold a question).
        log.error("listener failed trace_id=%s", new_trace_id(), exc_info=error)

    return app
