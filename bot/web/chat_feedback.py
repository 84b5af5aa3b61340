"""👍/👎 on a web chat answer: `POST /chat/feedback {"answer_id", "vote"}` -> `{"answer_id", "vote"}`.

Stored exactly like a Slack vote (`StateStore.record_vote`, table `feedback`, migration 2): keyed by
the answer id the chat was given — the same id the question's analytics event carries, so the
privacy team's report counts web votes per section with Slack's — and by the visitor's anonymous
chat id. One vote per visitor per answer: sending it again changes nothing, sending the other vote
replaces it (as a second click does in Slack). Only answers given in this chat session can be
voted on, and votes are rate-limited per session on a bucket of their own (asking is not slowed
by voting, nor the reverse).
"""

from __future__ import annotations

from typing import Awaitable, Callable

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.store import StateStore
from bot.store.state import VOTES
from bot.web.requests import ApiError, RateLimiter, retry_after_error


def feedback_endpoint(session_of: Callable[[Request], Awaitable[tuple]], visitor_id: Callable[[object], str],
                      store: StateStore, limiter: RateLimiter):
    async def feedback(request: Request) -> JSONResponse:
        try:
            session, data = await session_of(request)
            wait = limiter.take(f"chat-vote:{session.sid}")
            if wait is not None:
                raise retry_after_error(wait, "chat")
            answer_id, vote = data.get("answer_id"), data.get("vote")
            if vote not in VOTES:
                raise ApiError(422, "invalid_field", "vote must be \"helpful\" or \"not_helpful\".", field="vote")
            with session.lock:
                known = isinstance(answer_id, str) and answer_id in session.answers
            if not known:
                raise ApiError(422, "invalid_field", "Vote on an answer from this chat.", field="answer_id")
            # Written before the response: a vote the page shows as recorded is on disk.
            await anyio.to_thread.run_sync(store.record_vote, answer_id, visitor_id(session), vote)
            return JSONResponse({"answer_id": answer_id, "vote": vote}, headers={"Cache-Control": "no-store"})
        except ApiError as error:
            return error.response()

    return feedback
