"""Reading and checking an API request: size limit, JSON, fields, bearer tokens, rate limits.

Every problem becomes an `ApiError` that knows its status and JSON body, so the routes in
bot/web/api.py and the chat endpoints in bot/web/chat.py answer bad requests the same way.
"""

from __future__ import annotations

import hmac
import json
import math
import re
import threading
import time
from collections import OrderedDict, deque
from typing import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.settings import MAX_QUESTION_CHARS

MAX_BODY_BYTES = 16 * 1024
MAX_FIELD_CHARS = 320  # customer id, email, workspace
MAX_CONVERSATION_ID_CHARS = 200
CUSTOMER_FIELDS = ("id", "email", "workspace")
REQUEST_FIELDS = ("question", "conversation_id", "customer")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}
        self.extra = extra or {}

    def response(self) -> JSONResponse:
        body = {"error": self.code, "message": self.message, **self.extra}
        if self.field:
            body["field"] = self.field
        return JSONResponse(body, status_code=self.status, headers=self.headers)


class RateLimiter:
    """At most `limit` requests per key in any `window_s` seconds (a sliding window: no burst beyond it).

    Memory is bounded: keys are kept in least-recently-used order, those with nothing in the
    window are dropped as they age out, and beyond `max_keys` the least recently used key goes.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, *, window_s: float = 60.0,
                 max_keys: int = 50_000):
        self.limit = per_minute
        self.window = window_s
        self.clock = clock
        self.max_keys = max_keys
        self._hits: "OrderedDict[str, deque[float]]" = OrderedDict()  # key -> times in the window, oldest first
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """Count a request: None when it may go ahead; else the seconds until it may (not counted)."""
        with self._lock:
            wait = self._wait(key)
            if wait is None:
                self._hits[key].append(self.clock())
            return wait

    def check(self, key: str) -> float | None:
        """Like `take`, without counting (count with `note` once the thing was done)."""
        with self._lock:
            return self._wait(key)

    def note(self, key: str) -> None:
        with self._lock:
            self._wait(key)
            self._hits[key].append(self.clock())

    def __len__(self) -> int:
        return len(self._hits)

    def _wait(self, key: str) -> float | None:
        now = self.clock()
        self._forget_idle(now)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) < self.limit:
            return None
        return hits[0] + self.window - now

    def _forget_idle(self, now: float) -> None:
        # Least recently used first: stop at the first key still active in the window.
        while self._hits:
            key, hits = next(iter(self._hits.items()))
            if hits and hits[-1] > now - self.window:
                break
            self._hits.popitem(last=False)


def retry_after_error(wait: float, what: str) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(429, "rate_limited", f"Too many requests for this {what}; retry in {seconds} s.",
                    headers={"Retry-After": str(seconds)}, extra={"retry_after": seconds})


def token_index(header: str | None, tokens: tuple[str, ...]) -> int | None:
    """Which API token the Authorization header carries; every token is compared, in constant time."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    given = value.strip().encode()
    found = None
    for i, token in enumerate(tokens):
        if hmac.compare_digest(given, token.encode()):  # no early exit: time says nothing about which
            found = i
    return found


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, refusing more than `limit` bytes whatever Content-Length claims."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise ApiError(400, "bad_request", "Content-Length is not a number.")
        if int(declared) > limit:
            raise ApiError(413, "too_large", f"The request body is over {limit // 1024} KB.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "too_large", f"The request body is over {limit // 1024} KB.")
    return bytes(body)


def parse_json_object(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "malformed_json", "The body is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON ({error.msg} at line {error.lineno}, "
                                              f"column {error.colno}).") from None
    except RecursionError:
        raise ApiError(400, "malformed_json", "The body is nested too deeply.") from None
    except ValueError:  # a number over Python's integer digit limit
        raise ApiError(400, "malformed_json", "The body holds a number too long to read.") from None
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", "The body must be a JSON object such as {\"question\": \"...\"}.")
    return data


def optional_text(data: dict, key: str, limit: int, field: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "invalid_field", f"{field} must be a string.", field=field)
    require_text(value, field)
    if len(value) > limit:  # as sent (the schema's maxLength), not after stripping: padding is no way around it
        raise ApiError(422, "invalid_field", f"{field} must be at most {limit} characters.", field=field)
    return value.strip() or None


def validate_ask(data: dict) -> tuple[str, str | None, dict[str, str]]:
    unknown = sorted(set(data) - set(REQUEST_FIELDS))
    if unknown:
        raise ApiError(422, "unknown_field", f"Unknown field {unknown[0]!r}; expected {', '.join(REQUEST_FIELDS)}.",
                       field=unknown[0])
    if "question" not in data:
        raise ApiError(422, "missing_field", "question is required.", field="question")
    question = data["question"]
    if not isinstance(question, str):
        raise ApiError(422, "invalid_field", "question must be a string.", field="question")
    if not question.strip():
        raise ApiError(422, "invalid_field", "question is empty.", field="question")
    require_text(question, "question")
    question = question.strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise ApiError(422, "invalid_field", f"question must be at most {MAX_QUESTION_CHARS:,} characters.",
                       field="question")
    conversation_id = optional_text(data, "conversation_id", MAX_CONVERSATION_ID_CHARS, "conversation_id")
    customer = data.get("customer")
    fields: dict[str, str] = {}
    if customer is not None:
        if not isinstance(customer, dict):
            raise ApiError(422, "invalid_field", "customer must be an object with id, email or workspace.",
                           field="customer")
        unknown = sorted(set(customer) - set(CUSTOMER_FIELDS))
        if unknown:
            raise ApiError(422, "unknown_field", f"Unknown field customer.{unknown[0]}; expected "
                                                 f"{', '.join(CUSTOMER_FIELDS)}.", field=f"customer.{unknown[0]}")
        for key in CUSTOMER_FIELDS:
            value = optional_text(customer, key, MAX_FIELD_CHARS, f"customer.{key}")
            if value:
                fields[key] = value
        if "email" in fields and not valid_email(fields["email"]):
            raise ApiError(422, "invalid_field", "customer.email is not an email address.", field="customer.email")
    return question, conversation_id, fields


# What the API and the chat accept as an email; the OpenAPI schema states the same pattern (bot/web/openapi.py).
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"


def valid_email(value: str) -> bool:
    return re.fullmatch(EMAIL_PATTERN, value) is not None


def require_text(value: str, field: str) -> None:
    """JSON may carry lone surrogates (\\ud800) that are not text: nothing downstream can encode them."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(422, "invalid_field", f"{field} contains characters that are not valid text.",
                       field=field) from None
