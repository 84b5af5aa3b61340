"""An ASGI middleware in front of every route: no request may hold the service before it is authenticated.

Checked before any endpoint runs, so routes added later get the same limits:
- the URL (path and query) is at most MAX_URL_BYTES, else 414;
- a declared Content-Length over the route's limit is refused (413) before a byte is read, and a
  body without one (chunked) is counted as it arrives and refused at the limit;
- the whole body must arrive within REQUEST_READ_TIMEOUT seconds of the first read, else 408 (a
  client that declares more than it sends no longer holds a worker);
- a client that disconnects mid-body is logged at INFO, not as an ERROR with a traceback.
Refusals close the connection (`Connection: close`), so the rest of a large body is never waited for.

Behind a TLS-terminating proxy the client's address and scheme come from X-Forwarded-For and
X-Forwarded-Proto, trusted only from TRUSTED_PROXIES (uvicorn's ProxyHeadersMiddleware, added
in bot/web/app.py); `client_address(request)` is the address per-address limits count.
"""

from __future__ import annotations

import json
import logging

import anyio
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

MAX_URL_BYTES = 2048
DEFAULT_BODY_BYTES = 16 * 1024  # the API's limit (bot/web/requests.py); the chat's own is smaller
SLACK_BODY_BYTES = 48 * 1024  # Slack's events and interactivity payloads, form-encoded, stay far below


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass


class RequestGuard:
    def __init__(self, app: ASGIApp, *, read_timeout: float, body_limits: dict[str, int] | None = None,
                 default_body_limit: int = DEFAULT_BODY_BYTES, max_url_bytes: int = MAX_URL_BYTES):
        self.app = app
        self.read_timeout = read_timeout
        self.body_limits = body_limits or {}
        self.default_body_limit = default_body_limit
        self.max_url_bytes = max_url_bytes

    def body_limit(self, path: str) -> int:
        return self.body_limits.get(path, self.default_body_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url_bytes = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string") or b"")
        if url_bytes > self.max_url_bytes:
            await refuse(send, 414, "uri_too_long", f"The URL is over {self.max_url_bytes:,} bytes.")
            return
        limit = self.body_limit(scope["path"])
        declared = header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await refuse(send, 400, "bad_request", "Content-Length is not a number.")
                return
            if int(declared) > limit:
                await refuse(send, 413, "too_large", f"The request body is over {limit // 1024} KB.")
                return

        state = {"received": 0, "complete": False, "deadline": None, "started": False}

        async def guarded_receive() -> Message:
            if state["complete"]:  # the body is in: waiting for a disconnect is the app's business
                return await receive()
            if state["deadline"] is None:
                state["deadline"] = anyio.current_time() + self.read_timeout
            try:
                with anyio.fail_after(max(0.0, state["deadline"] - anyio.current_time())):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout() from None
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    raise BodyTooLarge()
                state["complete"] = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except BodyTooLarge:
            if not state["started"]:
                await refuse(send, 413, "too_large", f"The request body is over {limit // 1024} KB.")
        except BodyTimeout:
            log.info("request body not received in time path=%s", scope["path"][:200])
            if not state["started"]:
                await refuse(send, 408, "request_timeout",
                             f"The request body did not arrive within {self.read_timeout:g} s.")
        except ClientDisconnect:
            log.info("client disconnected before the request body was complete path=%s", scope["path"][:200])


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


async def refuse(send: Send, status: int, code: str, message: str) -> None:
    """A JSON error (the API's shape, bot/web/requests.py) that also closes the connection."""
    body = json.dumps({"error": code, "message": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def client_address(request: Request) -> str:
    """The client's address (a trusted proxy's X-Forwarded-For already applied); "unknown" without one."""
    return request.client.host if request.client else "unknown"
