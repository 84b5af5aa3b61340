"""/slack/events: events, slash commands and interactivity on one path, through Bolt.

Bolt's Starlette adapter calls the sync `App.dispatch` on the event loop; we use the same
adapter functions but dispatch in a worker thread, so a slow SQLite write or a listener never
stalls other requests (including /healthz) while it runs.

Before Bolt sees a request its signature is checked here (Bolt would parse the unsigned body first
and log all of it on a failure), and a signed body Bolt cannot parse (not UTF-8, not JSON, a form
whose `payload` is not a JSON object) is a JSON 400, not a 500. The body's size and read time are
bounded by bot/web/guard.py before this runs.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger(__name__)


def slack_events_endpoint(bolt_app: App, signing_secret: str):
    verifier = SignatureVerifier(signing_secret)

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        timestamp = request.headers.get("x-slack-request-timestamp", "").strip()
        signature = request.headers.get("x-slack-signature", "")
        if not (timestamp.isdigit() and len(timestamp) <= 12 and verifier.is_valid(body, timestamp, signature)):
            log.info("Slack request refused: invalid or expired signature (body not logged)")
            return JSONResponse({"error": "invalid_signature", "message": "The request signature is not valid."},
                                status_code=401)
        problem = unparseable(body, request.headers.get("content-type", ""))
        if problem:
            log.info("signed Slack request refused: %s", problem)
            return JSONResponse({"error": "malformed_body", "message": f"The body cannot be read: {problem}."},
                                status_code=400)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    return slack_events


def unparseable(body: bytes, content_type: str) -> str | None:
    """Why Bolt could not parse this body (None when it can), checked the way Bolt parses it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if not text:
        return None
    if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
        return None if _json_object(text) else "not a JSON object"
    payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload") if "payload" in text else None
    if payload is not None and not _json_object(payload):
        return "the payload field is not a JSON object"
    return None


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):  # JSONDecodeError, the int digit limit, deep nesting
        return False
