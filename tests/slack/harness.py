"""The service under test and Slack's side of the wire: shared by the tests and bench/bench_slack.py.

`RunningService` is the production ASGI app under uvicorn on 127.0.0.1 (a port the OS picks);
the helpers build and sign requests exactly as Slack builds and signs them.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_sdk.signature import SignatureVerifier

from bot.settings import Settings
from bot.web import create_asgi_app
from tests.slack.slack_standin import BOT_TOKEN, BOT_USER_ID, TEAM_ID, SlackStandIn

SIGNING_SECRET = "test-signing-secret"
USER_ID = "U0USER"
CHANNEL_ID = "C0GENERAL"
DM_CHANNEL_ID = "D0DIRECT"
SUPPORT_URL = "https://kimss.example/app/support"


class SignedClient:
    """Sends requests to a running service exactly as Slack does, signed with the signing secret."""

    def __init__(self, url: str, verify=True) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30, verify=verify)

    def post_signed(self, body: str, content_type: str, *, timestamp: int | None = None,
                    secret: str = SIGNING_SECRET, headers: dict | None = None) -> httpx.Response:
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp),
                       "X-Slack-Signature": signature, **(headers or {})}
        return self.http.post("/slack/events", content=body.encode(), headers=all_headers)

    def send_event(self, event: dict, *, event_id: str | None = None, **kwargs) -> httpx.Response:
        return self.post_signed(json.dumps(event_callback(event, event_id)), "application/json", **kwargs)

    def send_command(self, text: str, response_url: str, *, trigger_id: str | None = None,
                     **kwargs) -> httpx.Response:
        # Slack gives every invocation its own trigger_id (the service de-duplicates replays on it).
        form = {"token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL_ID, "user_id": USER_ID,
                "command": "/privacy", "text": text, "response_url": response_url,
                "trigger_id": trigger_id or f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"}
        return self.post_signed(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def click(self, action_id: str, value: str, *, response_url: str, thread_ts: str | None = None,
              ephemeral: bool = False, user: str = USER_ID) -> httpx.Response:
        container = {"type": "message", "message_ts": "1700000000.000900", "channel_id": CHANNEL_ID,
                     "is_ephemeral": ephemeral}
        if thread_ts:
            container["thread_ts"] = thread_ts
        payload = {"type": "block_actions", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
                   "api_app_id": "A0APP", "container": container, "channel": {"id": CHANNEL_ID},
                   "response_url": response_url, "trigger_id": "1.2.3",
                   "actions": [{"type": "button", "action_id": action_id, "block_id": "answer_feedback",
                                "value": value, "action_ts": "1700000001.000000"}]}
        if not ephemeral:
            payload["message"] = {"type": "message", "ts": "1700000000.000900", "thread_ts": thread_ts}
        return self.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


class RunningService(SignedClient):
    """The ASGI app under uvicorn on 127.0.0.1 (port chosen by the OS), in a thread."""

    def __init__(self, settings: Settings, assistant, uvicorn_options: dict | None = None) -> None:
        self.settings = settings
        self.app = create_asgi_app(settings, assistant)
        # proxy_headers=False as `privacy-bot serve` runs it: TRUSTED_PROXIES is applied by the app itself.
        options = {"log_level": "warning", "proxy_headers": False, **(uvicorn_options or {})}
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, lifespan="on", **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the service did not start"
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        certificate = (uvicorn_options or {}).get("ssl_certfile")
        if certificate:  # a self-signed certificate made by the test: trust exactly it
            import ssl

            super().__init__(f"https://127.0.0.1:{port}", verify=ssl.create_default_context(cafile=certificate))
        else:
            super().__init__(f"http://127.0.0.1:{port}")

    @property
    def slack(self):
        return self.app.state.slack

    def wait_idle(self) -> None:
        """Every request the service accepted has been answered (no timing involved)."""
        assert self.slack.wait_idle(timeout=60), "background work never finished"

    def stop(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(60)
        assert not self.thread.is_alive(), "the service did not stop"


def event_callback(event: dict, event_id: str | None = None) -> dict:
    return {"token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0APP", "type": "event_callback",
            "event": event, "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                "is_bot": True, "is_enterprise_install": False}]}


def mention(text: str, ts: str = "1700000000.000100", thread_ts: str | None = None, user: str = USER_ID) -> dict:
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
             "channel": CHANNEL_ID, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, ts: str = "1700000000.000200", **extra) -> dict:
    return {"type": "message", "channel_type": "im", "user": USER_ID, "text": text, "ts": ts,
            "channel": DM_CHANNEL_ID, "event_ts": ts, **extra}


def slack_settings(tmp_path, standin: SlackStandIn, **overrides: str) -> Settings:
    env = {"DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": BOT_TOKEN,
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": standin.api_url,
           "SUPPORT_URL": SUPPORT_URL, "HOST": "127.0.0.1", **overrides}
    return Settings.from_mapping({k: v for k, v in env.items() if v is not None})
