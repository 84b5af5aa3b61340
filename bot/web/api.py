"""The customers' API: `POST /v1/ask` for support-chat tools, and its OpenAPI schema.

    POST /v1/ask   Authorization: Bearer <one of API_TOKENS>
                   {"question": str, "conversation_id": str?, "customer": {"id"?, "email"?, "workspace"?}?}
                -> the core's answer JSON (audience always "customer"), plus the escalation's reference
                   when a person takes over (recorded and posted to the support channel through
                   bot/escalation/, exactly as from Slack)
    GET /openapi.json

Errors are JSON `{"error": code, "message": text[, "field": name]}`: 401 (token), 400 (not JSON),
422 (a field is wrong), 413 (body over 16 KB), 429 (per-token rate, with Retry-After), 503
(index unavailable), 500 (with a trace id). `CustomerDesk` is the one path customers' questions
take, shared with the web chat page (bot/web/chat.py): audience "customer" is fixed here, never
taken from a request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import threading
import time
import uuid
from dataclasses import replace
from typing import Callable

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.answer import Answer, Escalation
from bot.errors import InputRejected, PrivacyBotError
from bot.logging_setup import new_trace_id, question_context
from bot.settings import MAX_QUESTION_CHARS, Settings

log = logging.getLogger(__name__)

CUSTOMER = "customer"
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


class CustomerDesk:
    """Customers' questions (API and web chat): ask as "customer" off the event loop, hand over when needed."""

    def __init__(self, settings: Settings, assistant, escalations=None):
        self.settings = settings
        self.assistant = assistant
        self._own_store = None
        if escalations is None:  # Slack is off: record hand-offs in the state database all the same
            from bot.escalation import Escalations, EscalationStore
            from bot.store import StateStore

            self._own_store = StateStore.open(settings.state_db)
            escalations = Escalations(EscalationStore(self._own_store.db), settings)
        self.escalations = escalations
        self.limiter = RateLimiter(settings.api_rate_per_minute)
        # Answering is CPU-bound (embedding): at most one ask per core, in worker threads.
        self.ask_slots = anyio.CapacityLimiter(os.cpu_count() or 1)

    def close(self) -> None:
        if self._own_store is not None:
            self._own_store.close()
            self._own_store = None

    async def ask(self, question: str, *, source: str, customer: dict[str, str], reply_kind: str,
                  conversation_id: str | None = None, dedupe_scope: str | None = None) -> tuple[Answer, str, dict | None]:
        """(answer, answer_id, escalation dict or None); raises ApiError for what the caller must be told."""
        answer_id = uuid.uuid4().hex[:16]
        trace_id = new_trace_id()

        def work() -> tuple[Answer, dict | None]:
            with question_context(trace_id=trace_id, answer_id=answer_id, source=source):
                answer = self.assistant.ask(question, audience=CUSTOMER)
                escalation = None
                if answer.escalates:
                    key = dedupe_key(dedupe_scope, conversation_id, question)
                    answer, escalation = self._hand_over(answer, answer_id, answer.escalation.reason, customer,
                                                         reply_kind, conversation_id, key)
                return answer, escalation

        try:
            answer, escalation = await anyio.to_thread.run_sync(work, limiter=self.ask_slots)
        except InputRejected as rejection:
            raise ApiError(422, "invalid_question", str(rejection), field="question") from None
        except PrivacyBotError as error:
            log.error("index unavailable trace_id=%s error=%s", trace_id, type(error).__name__)
            raise ApiError(503, "unavailable", "The privacy policy index cannot be read right now; try again later.",
                           extra={"trace_id": trace_id}) from None
        except Exception:
            log.exception("answering failed trace_id=%s", trace_id)
            raise ApiError(500, "internal_error", "Something went wrong; quote the trace id to support.",
                           extra={"trace_id": trace_id}) from None
        if answer.audience != CUSTOMER:  # the contract: a customer is only ever answered as one
            log.error("answer with audience %s for a customer trace_id=%s", answer.audience, trace_id)
            raise ApiError(500, "internal_error", "Something went wrong; quote the trace id to support.",
                           extra={"trace_id": trace_id})
        return answer, answer_id, escalation

    async def hand_over(self, answer: Answer, answer_id: str, reason: str, customer: dict[str, str], reply_kind: str,
                        conversation_id: str | None, dedupe_key: str | None) -> tuple[Answer, dict]:
        """A hand-off the customer asked for (the chat's Contact support), off the event loop."""
        return await anyio.to_thread.run_sync(
            lambda: self._hand_over(answer, answer_id, reason, customer, reply_kind, conversation_id, dedupe_key))

    def _hand_over(self, answer: Answer, answer_id: str, reason: str, customer: dict[str, str], reply_kind: str,
                   conversation_id: str | None, dedupe_key: str | None) -> tuple[Answer, dict]:
        from bot.escalation import Asker, ReplyTo

        asker = (Asker.customer(customer.get("id"), customer.get("email"), customer.get("workspace"))
                 if customer else Asker(CUSTOMER))
        created = self.escalations.escalate(
            reason=reason, audience=CUSTOMER, asker=asker, reply_to=ReplyTo(reply_kind, conversation_id),
            question=answer.question, sections=[c.label() for c in answer.citations], answer_id=answer_id,
            dedupe_key=dedupe_key,
        )
        record = created.record
        self.escalations.mark_told(reference=record.reference)  # the response carries the acknowledgement
        answer = replace(answer, escalation=Escalation(record.reason, record.reference))
        return answer, {"reason": record.reason, "reference": record.reference,
                        "message": self.escalations.acknowledgement(record, mrkdwn=False)}


def dedupe_key(scope: str | None, conversation_id: str | None, question: str) -> str | None:
    """One hand-off per question per conversation: a retried request finds the first record."""
    if not (scope and conversation_id):
        return None
    digest = hashlib.sha256(question.strip().encode()).hexdigest()[:16]
    return f"{scope}:{conversation_id}:{digest}"


def answer_json(answer: Answer, answer_id: str, escalation: dict | None) -> dict:
    body = answer.to_dict()
    if escalation is not None:
        body["escalation"] = escalation
    body["answer_id"] = answer_id
    return body


def api_routes(desk: CustomerDesk) -> list[Route]:
    settings = desk.settings

    async def ask(request: Request) -> JSONResponse:
        try:
            index = token_index(request.headers.get("authorization"), settings.api_tokens)
            if index is None:
                raise ApiError(401, "unauthorized", "A valid API token is required: Authorization: Bearer <token>.",
                               headers={"WWW-Authenticate": 'Bearer realm="kimss-privacy"'})
            wait = desk.limiter.take(f"token:{index}")
            if wait is not None:
                raise retry_after_error(wait, "token")
            question, conversation_id, customer = validate_ask(parse_json_object(await read_body(request)))
            answer, answer_id, escalation = await desk.ask(
                question, source="api", customer=customer, reply_kind="api", conversation_id=conversation_id,
                dedupe_scope=f"api:{index}")
            body = answer_json(answer, answer_id, escalation)
            if conversation_id:
                body["conversation_id"] = conversation_id
            return JSONResponse(body)
        except ApiError as error:
            return error.response()

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(openapi_schema())

    return [Route("/v1/ask", ask, methods=["POST"]), Route("/openapi.json", openapi, methods=["GET"])]


def openapi_schema() -> dict:
    """Hand-written, and checked against real responses by tests/customers/test_api.py."""
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}

    def error_response(description: str) -> dict:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "Kimss Privacy Assistant API", "version": "1.0.0",
                 "description": "Answers customers' questions from Kimss AI's public privacy documents, quoting "
                                "them with citations; hands data requests, security concerns and requests for a "
                                "person to the privacy team."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {"/v1/ask": {"post": {
            "operationId": "ask",
            "summary": "Ask a question about the privacy policy as a customer",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/AskRequest"}}}},
            "responses": {
                "200": {"description": "The answer",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AskResponse"}}}},
                "400": error_response("The body is not JSON"),
                "401": error_response("Missing or invalid API token"),
                "413": error_response(f"The body is over {MAX_BODY_BYTES // 1024} KB"),
                "422": error_response("A field is missing or wrong (see `field`)"),
                "429": {**error_response("Too many requests for this token"),
                        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}},
                "500": error_response("Unexpected failure (quote `trace_id`)"),
                "503": error_response("The policy index cannot be read right now"),
            },
        }}},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "One of the service's API_TOKENS"}},
            "schemas": {
                "AskRequest": {"type": "object", "additionalProperties": False, "required": ["question"], "properties": {
                    "question": {"type": "string", "minLength": 1, "maxLength": MAX_QUESTION_CHARS},
                    "conversation_id": {"type": ["string", "null"], "maxLength": MAX_CONVERSATION_ID_CHARS,
                                        "description": "The support chat's conversation; a retried request with the "
                                                       "same conversation and question is one hand-off"},
                    "customer": {"type": ["object", "null"], "additionalProperties": False,
                                 "description": "Who asks: shown to the privacy team on a hand-off",
                                 "properties": {k: {"type": "string", "maxLength": MAX_FIELD_CHARS}
                                                for k in CUSTOMER_FIELDS}},
                }},
                "Citation": {"type": "object", "required": ["n", "document", "title", "section", "quote", "url",
                                                            "updated", "score"], "properties": {
                    "n": {"type": "integer"}, "document": text, "title": text, "section": text, "quote": text,
                    "url": nullable_text, "updated": nullable_text, "score": {"type": "number"}}},
                "Escalation": {"type": "object", "required": ["reason"], "properties": {
                    "reason": {"enum": ["data_request", "security", "user_request", "not_covered"]},
                    "reference": {"type": "string", "pattern": "^PRV-[0-9]{4,8}$",
                                  "description": "Present when the request was handed to the privacy team"},
                    "message": {"type": "string", "description": "What to tell the customer (reference, what "
                                                                 "happens next, when)"}}},
                "AskResponse": {"type": "object", "required": ["question", "answer", "covered", "confidence",
                                                               "audience", "citations", "escalation", "answer_id"],
                                "properties": {
                    "question": text, "answer": text, "covered": {"type": "boolean"},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "audience": {"const": CUSTOMER},
                    "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
                    "escalation": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Escalation"}]},
                    "answer_id": text, "conversation_id": text}},
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": text, "message": text, "field": text, "retry_after": {"type": "integer"},
                    "trace_id": text}},
            },
        },
    }
