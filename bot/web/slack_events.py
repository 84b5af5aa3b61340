"""/slack/events: events, slash commands and interactivity on one path, through Bolt.

Bolt's Starlette adapter calls the sync `App.dispatch` on the event loop; we use the same
adapter functions but dispatch in a worker thread, so a slow SQLite write or a listener never
stalls other requests (including /healthz) while it runs.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response


def slack_events_endpoint(bolt_app: App):
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    return slack_events
