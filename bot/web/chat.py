"""The web chat page at `/`: a small chat a support site embeds in an iframe.

    GET  /                 the page (bot/web/static/chat.html), and a signed session cookie
    GET  /chat/static/...  its script and style
    POST /chat/ask         {"question"} -> the answer JSON, as the API gives it (audience "customer")
    POST /chat/support     {"answer_id", "email"?} -> {"reference", "message"}: Contact support
    POST /chat/feedback    {"answer_id", "vote"} -> 👍/👎 stored like Slack's (bot/web/chat_feedback.py)
    GET  /policy[/<name>]  the public policy as a readable page (bot/web/policy_page.py)

The page (bot/web/chat_page.py fills in SUPPORT_URL and the full policy's link) greets the visitor,
suggests questions, and has one Contact support action for the conversation.

The browser never holds an API token: the page talks to these same-origin endpoints, which
find the visitor's server-side session from a cookie signed with WEB_SESSION_SECRET (a random
key per process when unset) and answer through the same `CustomerDesk` as `POST /v1/ask`.
Answers are rate-limited per session (API_RATE_PER_MINUTE) and per client address (new sessions
and questions, WEB_RATE_PER_ADDRESS_PER_MINUTE, so fresh cookies buy no extra allowance); hand-offs
to support are de-duplicated per question and capped per session and per address (HANDOFFS_PER_HOUR),
after which the visitor is pointed to SUPPORT_URL. Sessions are bounded in number, idle time and
stored answers. Who may frame the page is WEB_CHAT_FRAME_ANCESTORS (CSP frame-ancestors). Requests
from another origin are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.answer import Answer
from bot.web.api import CustomerDesk, HandoffGate, answer_json, capped_message, dedupe_key
from bot.web.chat_feedback import feedback_endpoint
from bot.web.chat_page import ChatPage
from bot.web.guard import client_address
from bot.web.policy_page import PublicPolicy, policy_routes
from bot.web.requests import (ApiError, RateLimiter, optional_text, parse_json_object, read_body, require_text,
                              retry_after_error, valid_email)

STATIC_DIR = Path(__file__).resolve().parent / "static"
COOKIE = "kimss_chat"
SESSION_IDLE_S = 12 * 3600
MAX_SESSIONS = 20_000
ANSWERS_PER_SESSION = 20  # Contact support works on the last 20 answers of a chat
MAX_STORED_ANSWERS = 20_000  # across all sessions (≈ 10 KB each): the least recently used sessions go first
CHAT_BODY_BYTES = 8 * 1024


@dataclass
class ChatSession:
    sid: str
    seen_at: float = field(default_factory=time.monotonic)
    answers: "OrderedDict[str, Answer]" = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Sessions:
    """Server-side chat sessions, found by a signed id in a cookie. In memory: they end with the process."""

    def __init__(self, secret: str | None, *, clock=time.monotonic, max_sessions: int = MAX_SESSIONS,
                 max_answers: int = MAX_STORED_ANSWERS):
        self.key = (secret or secrets.token_urlsafe(32)).encode()
        self.clock = clock
        self.max_sessions, self.max_answers = max_sessions, max_answers
        self._sessions: "OrderedDict[str, ChatSession]" = OrderedDict()  # least recently seen first
        self._stored = 0  # answers kept across all sessions
        self._lock = threading.Lock()

    def sign(self, sid: str) -> str:
        mac = hmac.new(self.key, sid.encode(), hashlib.sha256).digest()
        return f"{sid}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    def verify(self, cookie: str | None) -> str | None:
        sid, _, _ = (cookie or "").partition(".")
        if not sid or len(cookie) > 200:
            return None
        return sid if hmac.compare_digest(self.sign(sid).encode(), cookie.encode()) else None

    def get(self, cookie: str | None) -> ChatSession | None:
        sid = self.verify(cookie)
        if sid is None:
            return None
        now = self.clock()
        with self._lock:
            while self._sessions and now - next(iter(self._sessions.values())).seen_at > SESSION_IDLE_S:
                self._drop_oldest()  # idle sessions go as time passes, not only when the table is full
            session = self._sessions.get(sid)
            if session is None:
                # A validly signed id from before a restart (or expired) starts afresh under the same id.
                session = ChatSession(sid)
            self._sessions[sid] = session
            self._sessions.move_to_end(sid)
            session.seen_at = now
            while len(self._sessions) > self.max_sessions:
                self._drop_oldest()
            return session

    def remember(self, session: ChatSession, answer_id: str, answer: Answer) -> None:
        """Keep an answer for Contact support, within the per-session and the overall bounds."""
        with self._lock, session.lock:
            if self._sessions.get(session.sid) is not session:  # dropped meanwhile: nothing to count it in
                session.answers[answer_id] = answer
                return
            self._stored -= len(session.answers)
            session.answers[answer_id] = answer
            session.answers.move_to_end(answer_id)
            while len(session.answers) > ANSWERS_PER_SESSION:
                session.answers.popitem(last=False)
            self._stored += len(session.answers)
            while self._stored > self.max_answers and next(iter(self._sessions.values())) is not session:
                self._drop_oldest()

    def __len__(self) -> int:
        return len(self._sessions)

    def stored_answers(self) -> int:
        return self._stored

    def _drop_oldest(self) -> None:
        _, dropped = self._sessions.popitem(last=False)
        self._stored -= len(dropped.answers)

    def new(self) -> str:
        return secrets.token_urlsafe(18)


def page_headers(settings) -> dict[str, str]:
    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
           f"base-uri 'none'; form-action 'self'; frame-ancestors {settings.web_chat_frame_ancestors}")
    return {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    secure = request.url.scheme == "https"
    # Framed by another site over https the cookie must be SameSite=None (partitioned per top-level
    # site where the browser supports it); on plain http (local runs) Lax is all browsers accept.
    response.set_cookie(COOKIE, value, max_age=SESSION_IDLE_S, path="/", httponly=True, secure=secure,
                        samesite="none" if secure else "lax")
    if secure:
        # Starlette's partitioned=True needs Python 3.14's http.cookies; the attribute is the same
        # on every version, so it is appended to the header Starlette just wrote.
        for i in range(len(response.raw_headers) - 1, -1, -1):
            name, header = response.raw_headers[i]
            if name == b"set-cookie" and header.startswith(COOKIE.encode() + b"="):
                response.raw_headers[i] = (name, header + b"; Partitioned")
                break


def chat_routes(desk: CustomerDesk) -> list:
    settings = desk.settings
    sessions = Sessions(settings.web_session_secret)
    headers = page_headers(settings)
    per_address = RateLimiter(settings.web_rate_per_address_per_minute)
    policy = PublicPolicy(settings.knowledge_dir)
    chat_page = ChatPage((STATIC_DIR / "chat.html").read_text(encoding="utf-8"), settings.support_url, policy)

    async def page(request: Request) -> Response:
        new_session = sessions.verify(request.cookies.get(COOKIE)) is None
        if new_session:  # a new session is a new allowance: count them per client address
            wait = per_address.take(f"new-session:{client_address(request)}")
            if wait is not None:
                return retry_after_error(wait, "address").response()
        response = HTMLResponse(await anyio.to_thread.run_sync(chat_page.html), headers=headers)
        if new_session:
            set_session_cookie(request, response, sessions.sign(sessions.new()))
        return response

    async def session_of(request: Request) -> tuple[ChatSession, dict]:
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
            raise ApiError(403, "forbidden", "Requests must come from the chat page itself.")
        if "application/json" not in request.headers.get("content-type", ""):
            raise ApiError(415, "unsupported_media_type", "Send JSON (Content-Type: application/json).")
        session = sessions.get(request.cookies.get(COOKIE))
        if session is None:
            raise ApiError(401, "no_session", "Your chat session has ended: reload the page to start again.")
        return session, parse_json_object(await read_body(request, CHAT_BODY_BYTES))

    def handoff_gate(request: Request, session: ChatSession) -> HandoffGate:
        return HandoffGate(desk.handoffs, (f"address:{client_address(request)}", f"session:{session.sid}"),
                           capped_message(settings))

    async def ask(request: Request) -> JSONResponse:
        try:
            session, data = await session_of(request)
            for wait, what in ((per_address.take(f"ask:{client_address(request)}"), "address"),
                               (desk.limiter.take(f"chat:{session.sid}"), "chat")):
                if wait is not None:
                    raise retry_after_error(wait, what)
            question = data.get("question")
            if not isinstance(question, str) or not question.strip():
                raise ApiError(422, "invalid_field", "Type a question first.", field="question")
            require_text(question, "question")
            answer, answer_id, escalation = await desk.ask(
                question, source="web", customer=_visitor(session), reply_kind="web", conversation_id=session.sid,
                dedupe_scope="web", conversation_key=f"web:{session.sid}",  # follow-ups in context
                gate=handoff_gate(request, session))
            sessions.remember(session, answer_id, answer)
            body = chat_page.link_citations(answer_json(answer, answer_id, escalation))
            return JSONResponse(body, headers={"Cache-Control": "no-store"})
        except ApiError as error:
            return error.response()

    async def support(request: Request) -> JSONResponse:
        try:
            session, data = await session_of(request)
            answer_id = data.get("answer_id")
            with session.lock:
                answer = session.answers.get(answer_id) if isinstance(answer_id, str) else None
            if answer is None:
                raise ApiError(422, "invalid_field", "Ask a question first, then contact support about it.",
                               field="answer_id")
            email = optional_text(data, "email", 320, "email")
            if email and not valid_email(email):
                raise ApiError(422, "invalid_field", "That is not an email address.", field="email")
            customer = _visitor(session) | ({"email": email} if email else {})
            reason = (answer.escalation.reason if answer.escalates else answer.offer if answer.offer
                      else "not_covered" if not answer.covered else "user_request")
            # The same key as an automatic hand-off of this question: one record, one reference.
            updated, escalation = await desk.hand_over(answer, answer_id, reason, customer, "web", session.sid,
                                                       dedupe_key("web", session.sid, answer.question),
                                                       conversation_key=f"web:{session.sid}",
                                                       gate=handoff_gate(request, session))
            if escalation.get("reference") is None:  # the cap: nothing was recorded or posted
                raise ApiError(429, "handoff_limit", escalation["message"], extra={"support_url": settings.support_url})
            sessions.remember(session, answer_id, updated)
            return JSONResponse(escalation, headers={"Cache-Control": "no-store"})
        except ApiError as error:
            return error.response()

    return [
        Route("/", page, methods=["GET"]),
        Route("/chat/ask", ask, methods=["POST"]),
        Route("/chat/support", support, methods=["POST"]),
        Route("/chat/feedback", feedback_endpoint(session_of, lambda s: _visitor(s)["id"], desk.store, desk.limiter),
              methods=["POST"]),
        Mount("/chat/static", app=StaticFiles(directory=STATIC_DIR), name="chat-static"),
        *policy_routes(policy, headers),
    ]


def _visitor(session: ChatSession) -> dict[str, str]:
    """A web visitor is anonymous: the privacy team sees the chat session, and any email they give."""
    return {"id": f"web-chat:{session.sid[:12]}"}
