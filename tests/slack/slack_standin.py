"""A Slack Web API stand-in on 127.0.0.1: records every call and answers like Slack.

It checks what real Slack would reject (bot token, block limits), can be told to fail the
next calls of a method with 500 or 429 + Retry-After, serves response_url posts, and hands out
a Socket Mode URL from apps.connections.open, opens and updates modals (views.open needs a
trigger id, views.update a view id). For escalations it keeps what was posted
(conversations.history returns it with its metadata) and answers conversations.members from
`members`. users.info answers from `users` (a user object, or an error code such as
"user_not_found"), else as for a plain member of the app's team. conversations.replies returns a
thread's posted messages (with their metadata) after any `thread_messages` a test put there, and
the agent-messaging methods (assistant.threads.setStatus / setSuggestedPrompts / setTitle) are
recorded and answered ok, refusing what Slack refuses (no channel_id; setStatus without thread_ts).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
BOT_USER_ID = "UBOT"
TEAM_ID = "T0001"
MANIFEST_SCOPES = ("app_mentions:read", "chat:write", "commands", "im:history", "reactions:write", "channels:history",
                   "groups:history", "channels:read", "groups:read", "users:read", "mpim:history", "assistant:write")


@dataclass
class Call:
    method: str  # Web API method, or "response_url"
    args: dict
    path: str = ""
    at: float = field(default_factory=time.perf_counter)  # when it arrived (bench latencies)

    def dump(self) -> str:
        return json.dumps(self.args, ensure_ascii=False)


@dataclass
class Failure:
    status: int
    times: int
    retry_after: int | None = None
    channel: str | None = None  # only calls to this channel fail (None: every call of the method)


@dataclass
class SlackStandIn:
    calls: list[Call] = field(default_factory=list)  # answered with 200
    attempts: list[Call] = field(default_factory=list)  # every request, failed ones too
    socket_url: str | None = None
    members: dict[str, list[str]] = field(default_factory=dict)  # conversations.members, by channel
    posted: list[dict] = field(default_factory=list)  # chat.postMessage results: channel, ts, metadata
    users: dict[str, dict | str] = field(default_factory=dict)  # users.info, by user id (str: the error)
    shared_channels: set[str] = field(default_factory=set)  # conversations.info: is_ext_shared (Slack Connect)
    thread_messages: dict[tuple[str, str], list[dict]] = field(default_factory=dict)  # (channel, thread_ts): people's
    # What the bot token was granted: sent as Slack does, in the x-oauth-scopes header of every answer.
    scopes: tuple[str, ...] = MANIFEST_SCOPES
    outside_channels: set[str] = field(default_factory=set)  # conversations.info: the bot is not a member
    unknown_channels: set[str] = field(default_factory=set)  # conversations.info: channel_not_found

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self._failures: dict[str, list[Failure]] = {}
        self._ts = itertools.count(1)
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                standin._handle(self)

            def do_GET(self) -> None:  # noqa: N802  (slack_sdk reads conversations.* with GET)
                standin._handle(self)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.url}/respond/{name}"

    def fail(self, method: str, status: int, times: int = 1, retry_after: int | None = None,
             channel: str | None = None) -> None:
        with self._changed:
            self._failures.setdefault(method, []).append(Failure(status, times, retry_after, channel))

    def of(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate, timeout: float = 20.0) -> list[Call]:
        """Wait until predicate(calls) holds; returns the calls. Fails the test if it never does."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(list(self.calls)), timeout=timeout):
                raise AssertionError(f"Slack never saw the expected calls; got {[c.method for c in self.calls]}")
            return list(self.calls)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---- request handling -------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0)).decode("utf-8")
        path, _, query = request.path.partition("?")
        if request.command == "GET":
            args = {k: v[0] for k, v in parse_qs(query).items()}
        elif request.headers.get("Content-Type", "").startswith("application/json"):
            args = json.loads(raw or "{}")
        else:
            args = {k: v[0] for k, v in parse_qs(raw).items()}
        for key in ("blocks", "view", "metadata", "prompts", "loading_messages"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        if path.startswith("/respond/"):
            method = "response_url"
        elif path.startswith("/api/"):
            method = path[len("/api/"):]
        else:
            return self._reply(request, 404, {"ok": False, "error": "not_found"})
        call = Call(method, args, request.path)
        with self._changed:
            self.attempts.append(call)
            failure = self._next_failure(method, args.get("channel"))
        if failure:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            error = "ratelimited" if failure.status == 429 else "internal_error"
            return self._reply(request, failure.status, {"ok": False, "error": error}, headers)
        if method != "response_url":
            expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
            if request.headers.get("Authorization") != f"Bearer {expected}":
                return self._reply(request, 200, {"ok": False, "error": "invalid_auth"})
        status, body = self._answer(method, args)
        if body.get("ok", True):
            with self._changed:
                self.calls.append(call)
                self._changed.notify_all()
        bot_call = method not in ("response_url", "apps.connections.open")
        self._reply(request, status, body, {"x-oauth-scopes": ",".join(self.scopes)} if bot_call else None)

    def _next_failure(self, method: str, channel: str | None = None) -> Failure | None:
        queue = self._failures.get(method) or []
        if not queue or (queue[0].channel is not None and queue[0].channel != channel):
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _answer(self, method: str, args: dict) -> tuple[int, dict]:
        problem = _block_problem(args.get("blocks"))
        if problem:
            return 200, {"ok": False, "error": "invalid_blocks", "detail": problem}
        ts = f"1700000000.{next(self._ts):06d}"
        if method == "chat.postMessage":
            with self._changed:
                self.posted.append({"channel": args.get("channel"), "ts": ts, "text": args.get("text"),
                                    "thread_ts": args.get("thread_ts"), "metadata": args.get("metadata")})
        if method == "users.info" and args.get("user") in self.users:
            user = self.users[args.get("user")]
            if isinstance(user, str):
                return 200, {"ok": False, "error": user}
            return 200, {"ok": True, "user": {"id": args.get("user"), **user}}
        if method == "conversations.replies":  # the thread, oldest first; metadata only when asked for
            return 200, self._replies(args)
        if method.startswith("assistant.threads."):
            if not args.get("channel_id"):
                return 200, {"ok": False, "error": "invalid_arguments"}
            if method == "assistant.threads.setStatus" and not args.get("thread_ts"):
                return 200, {"ok": False, "error": "invalid_arguments"}
            if method in ("assistant.threads.setStatus", "assistant.threads.setSuggestedPrompts",
                          "assistant.threads.setTitle"):
                return 200, {"ok": True}
        if method == "conversations.info" and args.get("channel") in self.unknown_channels:
            return 200, {"ok": False, "error": "channel_not_found"}
        if method == "conversations.history":  # newest first, with metadata, as Slack returns it
            with self._changed:
                messages = [{"type": "message", "ts": m["ts"], "text": m["text"],
                             **({"metadata": m["metadata"]} if m["metadata"] else {})}
                            for m in reversed(self.posted) if m["channel"] == args.get("channel")]
            return 200, {"ok": True, "messages": messages, "has_more": False, "response_metadata": {"next_cursor": ""}}
        answers = {
            "auth.test": {"ok": True, "url": "https://kimss.slack.com/", "team": "Kimss", "user": "privacy",
                          "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": "BBOT",
                          "is_enterprise_install": False},
            "chat.postMessage": {"ok": True, "channel": args.get("channel"), "ts": ts,
                                 "message": {"text": args.get("text"), "ts": ts}},
            "chat.postEphemeral": {"ok": True, "message_ts": ts},
            "chat.update": {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")},
            "conversations.info": {"ok": True, "channel": {"id": args.get("channel"), "name": "privacy-support",
                                                           "is_member": args.get("channel") not in self.outside_channels,
                                                           "is_ext_shared": args.get("channel") in self.shared_channels}},
            "conversations.members": {"ok": True, "members": self.members.get(args.get("channel"), []),
                                      "response_metadata": {"next_cursor": ""}},
            "reactions.add": {"ok": True},
            "reactions.remove": {"ok": True},
            "views.publish": {"ok": True, "view": {"id": "V0001", **(args.get("view") or {})}},
            # Modals: opened with a trigger id from a click, updated by view id (as Slack answers them).
            "views.open": ({"ok": True, "view": {"id": f"V{next(self._ts):05d}", **(args.get("view") or {})}}
                           if args.get("trigger_id") else {"ok": False, "error": "invalid_arguments"}),
            "views.update": ({"ok": True, "view": {"id": args.get("view_id"), **(args.get("view") or {})}}
                             if args.get("view_id") or args.get("external_id") else
                             {"ok": False, "error": "invalid_arguments"}),
            "users.info": {"ok": True, "user": {"id": args.get("user"), "is_bot": False, "name": "someone"}},
            "apps.connections.open": {"ok": bool(self.socket_url), "url": self.socket_url},
            "response_url": {"ok": True},
        }
        if method not in answers:
            return 200, {"ok": False, "error": "unknown_method"}
        return 200, answers[method]

    def _replies(self, args: dict) -> dict:
        channel, ts = args.get("channel"), args.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "invalid_arguments"}
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._changed:
            posted = [{"type": "message", "ts": m["ts"], "text": m["text"], "user": BOT_USER_ID, "bot_id": "BBOT",
                       "thread_ts": m["thread_ts"],
                       **({"metadata": m["metadata"]} if m["metadata"] and with_metadata else {})}
                      for m in self.posted if m["channel"] == channel and ts in (m["thread_ts"], m["ts"])]
            messages = list(self.thread_messages.get((channel, ts), [])) + posted
        messages.sort(key=lambda m: m["ts"])
        limit = int(args.get("limit") or 1000)
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit,
                "response_metadata": {"next_cursor": ""}}

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)


def _block_problem(blocks) -> str | None:
    """Slack refuses a message with more than 50 blocks or a section text over 3,000 characters."""
    if not blocks:
        return None
    if len(blocks) > 50:
        return f"{len(blocks)} blocks"
    for block in blocks:
        if block.get("type") == "section" and len((block.get("text") or {}).get("text", "")) > 3000:
            return "section text over 3000 characters"
    return None
