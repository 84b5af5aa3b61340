"""Reading and checking an API request: size limit, JSON, fields, bearer tokens, rate limits.

Every problem becomes an `ApiError` that knows its status and JSON body, so the routes in
bot/web/api.py and the chat endpoints in bot/web/chat.py answer bad requests the same way.
"""

from __future__ import annotations

import hmac
import json
import math
import threading
import time
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
    """A token bucket per key: `per_minute` requests in a burst, refilled at per_minute/60 a second."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """None when the request may go ahead; else the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # full buckets carry no information: forget them
                self._buckets = {k: v for k, v in self._buckets.items()
                                 if v[0] + (now - v[1]) * self.rate < self.capacity}
            return (1.0 - tokens) / self.rate


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
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", "The body must be a JSON object such as {\"question\": \"...\"}.")
    return data


def optional_text(data: dict, key: str, limit: int, field: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "invalid_field", f"{field} must be a string.", field=field)
    value = value.strip()
    if len(value) > limit:
        raise ApiError(422, "invalid_field", f"{field} must be at most {limit} characters.", field=field)
    return value or None


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


def valid_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in value))
