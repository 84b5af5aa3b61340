"""The ASGI app: Starlette routes plus the Slack runtime's start/stop in its lifespan.

Routes: /healthz, /slack/events (Slack over HTTP), POST /v1/ask and /openapi.json (customers' API,
bot/web/api.py), and the web chat page at / (bot/web/chat.py, unless WEB_CHAT_ENABLED=false).

In front of every route: trusted-proxy headers (TRUSTED_PROXIES), then `RequestGuard` (URL and body
limits, read timeout; bot/web/guard.py). Errors nobody handled are JSON with a trace id, never a
bare text 500; unknown paths and methods are JSON 404/405."""

from __future__ import annotations

import contextlib
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.settings import Settings
from bot.slack.answering import AssistantLike
from bot.slack.runtime import SlackRuntime
from bot.log_redaction import install_filters
from bot.web.guard import SLACK_BODY_BYTES, RequestGuard
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
        routes.append(Route("/slack/events", slack_events_endpoint(slack.app, settings.slack_signing_secret), methods=["POST"]))
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

    install_filters()  # whoever configured logging: no query strings, no refused bodies in the log
    middleware = [Middleware(RequestGuard, read_timeout=float(settings.request_read_timeout),
                             body_limits={"/slack/events": SLACK_BODY_BYTES})]
    if settings.trusted_proxies:  # outermost: the guard and the routes see the real client and scheme
        middleware.insert(0, Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware,
                    exception_handlers={HTTPException: http_error, 500: internal_error})
    app.state.slack = slack
    app.state.assistant = assistant
    app.state.analytics = events
    app.state.retention = purger
    app.state.customers = desk
    return app


async def http_error(request: Request, error: HTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed"}
    return JSONResponse({"error": codes.get(error.status_code, "http_error"), "message": str(error.detail)},
                        status_code=error.status_code, headers=getattr(error, "headers", None))


async def internal_error(request: Request, error: Exception) -> JSONResponse:
    from bot.logging_setup import new_trace_id

    trace_id = new_trace_id()
    log.error("unhandled error trace_id=%s path=%s", trace_id, request.url.path[:200], exc_info=error)
    return JSONResponse({"error": "internal_error", "message": "Something went wrong; quote the trace id to support.",
                         "trace_id": trace_id}, status_code=500)
