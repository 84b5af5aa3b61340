"""The customers' API: `POST /v1/ask` for support-chat tools, and its OpenAPI schema.

    POST /v1/ask   Authorization: Bearer <one of API_TOKENS>
                   {"question": str, "conversation_id": str?, "customer": {"id"?, "email"?, "workspace"?}?}
                -> the core's answer JSON (audience always "customer"), plus the escalation's reference
                   when a person takes over (recorded and posted to the support channel through
                   bot/escalation/, exactly as from Slack)
    GET /openapi.json

Errors are JSON `{"error": code, "message": text[, "field": name]}`: 401 (token), 400 (not JSON),
422 (a field is wrong), 413 (body over 16 KB), 429 (per-token rate, with Retry-After), 503
(index unavailable), 500 (with a trace id) — checks in bot/web/requests.py, the schema in
bot/web/openapi.py. `CustomerDesk` is the one path customers' questions
take, shared with the web chat page (bot/web/chat.py): audience "customer" is fixed here, never
taken from a request.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import uuid
from dataclasses import replace

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.answer import Answer, Escalation
from bot.conversation import turn_of
from bot.errors import InputRejected, PrivacyBotError
from bot.logging_setup import new_trace_id, question_context
from bot.settings import Settings
from bot.store.conversations import request_digest
from bot.web.openapi import openapi_schema
from bot.web.requests import (ApiError, RateLimiter, parse_json_object, read_body, retry_after_error, token_index,
                              validate_ask)

log = logging.getLogger(__name__)

CUSTOMER = "customer"


class CustomerDesk:
    """Customers' questions (API and web chat): ask as "customer" off the event loop, hand over when needed."""

    def __init__(self, settings: Settings, assistant, escalations=None, store=None):
        self.settings = settings
        self.assistant = assistant
        self._own_store = None
        if store is None:  # Slack is off: the desk opens the state database itself
            from bot.store import StateStore

            store = self._own_store = StateStore.open(settings.state_db)
        self.store = store  # the web chat's 👍/👎 are stored here, like Slack's
        if escalations is None:  # record hand-offs in the state database all the same
            from bot.clock import clock_from_settings
            from bot.escalation import Escalations, EscalationStore

            escalations = Escalations(EscalationStore(store.db, clock_from_settings(settings)), settings)
        self.escalations = escalations
        # Follow-ups: the last turns of each conversation, bounded and with a TTL (bot/store/conversations.py).
        from bot.periodic import Periodic
        from bot.store.conversations import ConversationStore
        from bot.store.database import Database

        ttl = settings.conversation_ttl_minutes * 60
        self.conversations = ConversationStore(Database(settings.state_db), ttl)
        self._purger = Periodic(self.conversations.purge, min(ttl, 300), "conversation-purge").start()
        self.limiter = RateLimiter(settings.api_rate_per_minute)
        # Hand-offs from the anonymous web chat, per client address and per session (HandoffGate).
        self.handoffs = RateLimiter(settings.handoffs_per_hour, window_s=3600.0)
        # Answering is CPU-bound (embedding): at most one ask per core, in worker threads.
        self.ask_slots = anyio.CapacityLimiter(os.cpu_count() or 1)

    def close(self) -> None:
        self._purger.stop()
        self.conversations.db.close()
        if self._own_store is not None:
            self._own_store.close()
            self._own_store = None

    async def ask(self, question: str, *, source: str, customer: dict[str, str], reply_kind: str,
                  conversation_id: str | None = None, dedupe_scope: str | None = None,
                  conversation_key: str | None = None,
                  gate: "HandoffGate | None" = None) -> tuple[Answer, str, dict | None]:
        """(answer, answer_id, escalation dict or None); raises ApiError for what the caller must be told.

        `conversation_key`: where this conversation's turns are kept; the question is answered in their
        context and becomes one of them. `gate`: the web chat's hand-off cap (HandoffGate)."""
        answer_id = uuid.uuid4().hex[:16]
        trace_id = new_trace_id()

        def work() -> tuple[Answer, dict | None]:
            with question_context(trace_id=trace_id, answer_id=answer_id, source=source,
                                  subjects=customer_identifiers(customer)):
                turns = self.conversations.recent(conversation_key) if conversation_key else []
                # A client's retry (same conversation, same question, within a short window): answered in the
                # context the first attempt had, and its turn is not added a second time.
                request_hash = request_digest(question) if conversation_key else None
                retry = bool(turns) and self.conversations.is_retry(conversation_key, request_hash)
                if retry:
                    turns = turns[:-1]
                answer = self.assistant.ask(question, audience=CUSTOMER, context=turns or None)
                escalation = None
                if answer.escalates:
                    key = dedupe_key(dedupe_scope, conversation_id, question)
                    answer, escalation = self._hand_over(answer, answer_id, answer.escalation.reason, customer,
                                                         reply_kind, conversation_id, key, turns, gate)
                if conversation_key and not retry:
                    askers = customer_identifiers(customer)
                    self.conversations.append(conversation_key, turn_of(answer), request_hash=request_hash,
                                              asker=askers[0] if askers else None)
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
                        conversation_id: str | None, dedupe_key: str | None,
                        conversation_key: str | None = None,
                        gate: "HandoffGate | None" = None) -> tuple[Answer, dict]:
        """A hand-off the customer asked for (the chat's Contact support), off the event loop."""
        def work() -> tuple[Answer, dict]:
            turns = self.conversations.recent(conversation_key) if conversation_key else []
            if turns and turns[-1].question in (answer.answering, answer.question):
                turns = turns[:-1]  # the answered question itself is the record's question
            return self._hand_over(answer, answer_id, reason, customer, reply_kind, conversation_id, dedupe_key, turns,
                                   gate)

        return await anyio.to_thread.run_sync(work)

    def _hand_over(self, answer: Answer, answer_id: str, reason: str, customer: dict[str, str], reply_kind: str,
                   conversation_id: str | None, dedupe_key: str | None, turns=(),
                   gate: "HandoffGate | None" = None) -> tuple[Answer, dict]:
        """Record and post a hand-off; past the gate's cap, nothing is recorded and the dict has no reference."""
        from bot.escalation import Asker, ReplyTo

        repeat = dedupe_key is not None and self.escalations.store.by_key(dedupe_key) is not None
        if gate is not None and not repeat and not gate.allows():
            kind = answer.escalation.kind if answer.escalation else None
            return answer, {"reason": reason, **({"kind": kind} if kind else {}), "message": gate.capped_message}

        asker = (Asker.customer(customer.get("id"), customer.get("email"), customer.get("workspace"))
                 if customer else Asker(CUSTOMER))
        created = self.escalations.escalate(
            reason=reason, audience=CUSTOMER, asker=asker, reply_to=ReplyTo(reply_kind, conversation_id),
            question=answer.question, sections=[c.label() for c in answer.citations], answer_id=answer_id,
            dedupe_key=dedupe_key, turns=list(turns), kind=answer.escalation.kind if answer.escalation else None,
        )
        record = created.record
        if gate is not None and created.created:
            gate.count()
        self.escalations.mark_told(reference=record.reference)  # the response carries the acknowledgement
        kind = answer.escalation.kind if answer.escalation else None
        answer = replace(answer, escalation=Escalation(record.reason, record.reference, kind))
        kind = {"kind": kind} if kind else {}
        return answer, {"reason": record.reason, **kind, "reference": record.reference,
                        "message": self.escalations.acknowledgement(record, mrkdwn=False)}


class HandoffGate:
    """HANDOFFS_PER_HOUR new hand-offs per key (the web chat's address and session); repeats are free."""

    def __init__(self, limiter: RateLimiter, keys: tuple[str, ...], capped_message: str):
        self.limiter, self.keys, self.capped_message = limiter, keys, capped_message

    def allows(self) -> bool:
        return all(self.limiter.check(key) is None for key in self.keys)

    def count(self) -> None:
        for key in self.keys:
            self.limiter.note(key)


def capped_message(settings: Settings) -> str:
    return (f"Support has already received several requests from you in the last hour, so this one was not sent. "
            f"To reach the privacy team another way, use {settings.support_url}.")


def customer_identifiers(customer: dict[str, str] | None) -> tuple[str, ...]:
    """A customer's identifiers for `privacy-bot subject` ("customer:cus_981", "email:dana@acme.example")."""
    customer = customer or {}
    return tuple(f"{kind}:{customer[key]}" for key, kind in (("id", "customer"), ("email", "email")) if customer.get(key))


def dedupe_key(scope: str | None, conversation_id: str | None, question: str) -> str | None:
    """One hand-off per question per conversation: a retried request finds the first record."""
    if not (scope and conversation_id):
        return None
    digest = hashlib.sha256(question.strip().encode()).hexdigest()[:16]
    return f"{scope}:{conversation_id}:{digest}"


MAX_IDEMPOTENCY_KEY_CHARS = 255


def idempotency_key(header: str | None, token_index: int) -> str | None:
    """The stored key for an `Idempotency-Key` header (per token: clients cannot collide), None without one."""
    if header is None:
        return None
    header = header.strip()
    if not header or len(header) > MAX_IDEMPOTENCY_KEY_CHARS or not header.isprintable():
        raise ApiError(422, "invalid_idempotency_key",
                       f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable characters.",
                       field="Idempotency-Key")
    return f"api:{token_index}:{header}"


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
            key = idempotency_key(request.headers.get("idempotency-key"), index)
            # Turns are kept per token: another client's same conversation_id is another conversation.
            conversation_key = f"api:{index}:{conversation_id}" if conversation_id else None
            if key is not None:
                askers = customer_identifiers(customer)
                state, kept = await anyio.to_thread.run_sync(functools.partial(
                    desk.conversations.claim_idempotency, key, request_digest(question, conversation_id, customer),
                    asker=askers[0] if askers else None, conversation_key=conversation_key))
                if state == "replay":
                    return JSONResponse(json.loads(kept), headers={"Idempotent-Replayed": "true"})
                if state == "conflict":  # 409 as for any request that conflicts with what the server holds
                    raise ApiError(409, "idempotency_key_reused", "This Idempotency-Key was used for another request; "
                                   "use a new key for a new request.", field="Idempotency-Key")
                if state == "pending":
                    raise ApiError(409, "idempotency_key_in_use", "The first request with this Idempotency-Key is "
                                   "still being answered; retry in a moment.", headers={"Retry-After": "1"})
            try:
                answer, answer_id, escalation = await desk.ask(
                    question, source="api", customer=customer, reply_kind="api", conversation_id=conversation_id,
                    dedupe_scope=f"api:{index}", conversation_key=conversation_key)
            except BaseException:
                if key is not None:  # nothing was answered: the key is free for the retry
                    await anyio.to_thread.run_sync(desk.conversations.finish_idempotency, key, None)
                raise
            body = answer_json(answer, answer_id, escalation)
            if conversation_id:
                body["conversation_id"] = conversation_id
            if key is not None:
                await anyio.to_thread.run_sync(desk.conversations.finish_idempotency, key,
                                               json.dumps(body, ensure_ascii=False))
            return JSONResponse(body)
        except ApiError as error:
            return error.response()

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(openapi_schema())

    return [Route("/v1/ask", ask, methods=["POST"]), Route("/openapi.json", openapi, methods=["GET"])]
