"""The ASGI app: Starlette routes plus the Slack runtime's start/stop in its lifespan.

Routes: /healthz, /slack/events (Slack over HTTP), POST /v1/ask and /openapi.json (customers' API,
bot/web/api.py), and the web chat page at / (bot/web/chat.py, unless WEB_CHAT_ENABLED=false)."""

from __future__ import annotations

import contextlib
import logging

from starlette.applications import Starlette
from starlette.routing import Route

from bot.settings import Settings
from bot.slack.answering import AssistantLike
from bot.slack.runtime import SlackRuntime
from bot.web.health import healthz_endpoint
from bot.web.slack_events import slack_events_endpoint

log = logging.getLogger(__name__)


def create_asgi_app(settings: Settings, assistant: AssistantLike, *, print_urls: bool = False) -> Starlette:
    """Build the service. With Slack configured this calls auth.test, so a bad token fails here.

    `print_urls`: print the URLs and the Slack mode at start (`privacy-bot serve`)."""
    from bot.analytics import open_events
    from bot.analytics.events import RetentionPurger
    from bot.analytics.recording import recording

    # Every adapter served here asks through the recording wrapper: one redacted event per answer.
    events = open_events(settings)
    assistant = recording(assistant, events, source="api")
    purger = RetentionPurger(events)
    slack = SlackRuntime(settings, assistant) if settings.slack_enabled else None
    routes = [Route("/healthz", healthz_endpoint(assistant, slack.mode if slack else "off"), methods=["GET"])]
    if slack is not None and slack.http_enabled:
        routes.append(Route("/slack/events", slack_events_endpoint(slack.app), methods=["POST"]))
    # Customers: the API and the web chat share one desk (audience "customer", hand-offs through bot/escalation/).
    from bot.web.api import CustomerDesk, api_routes

    desk = CustomerDesk(settings, assistant, escalations=slack.escalations if slack is not None else None,
                        store=slack.store if slack is not None else None)
    routes += api_routes(desk)
    if settings.web_chat_enabled:
        from bot.web.chat import chat_routes

        routes += chat_routes(desk)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        purger.start()  # retention: now, then daily
        if slack is None:
            served = (["the web chat"] if settings.web_chat_enabled else []) + ["the customers' API", "/healthz"]
            log.info("Slack is off (SLACK_BOT_TOKEN is not set); serving %s", ", ".join(served))
        else:
            slack.start()
        if print_urls:
            from bot.web.banner import print_banner

            print_banner(settings, slack.mode if slack else "off")
        try:
            yield
        finally:
            if slack is not None:
                slack.stop()
            desk.close()
            purger.stop()
            events.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.slack = slack
    app.state.assistant = assistant
    app.state.analytics = events
    app.state.retention = purger
    app.state.customers = desk
    return app
