"""Privacy-team fixtures: a real index in a temporary DATA_DIR, the real service over HTTP, the CLI.

The service is the production ASGI app (tests/slack/harness.py) with the real Assistant; Slack is
the Web API stand-in; requests are signed like Slack's. Refreshes from "another process" run the
real `privacy-bot` executable against the same DATA_DIR.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import make_settings
from tests.slack.harness import CHANNEL_ID, SIGNING_SECRET, RunningService, SignedClient, slack_settings
from tests.slack.slack_standin import BOT_TOKEN, TEAM_ID, SlackStandIn

TEAM_USER = "U0TEAM1"
TEAM_USER_2 = "U0TEAM2"
OTHER_USER = "U0OTHER"
BIN = Path(sys.executable).parent / "privacy-bot"
POLICY = "privacy-policy.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def poll(predicate, what: str, deadline_s: float = 60.0, step_s: float = 0.05):
    """Wait until predicate() is truthy (returned); fail with `what` if the deadline passes."""
    deadline = time.monotonic() + deadline_s
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(step_s)


def run_cli(args, env: dict, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ["PATH"], "HOME": str(cwd), "HF_HUB_OFFLINE": "1", **env}
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=300)


def command(client: SignedClient, text: str, response_url: str, user: str):
    """/privacy as Slack sends it, from a chosen user."""
    form = {"token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL_ID, "user_id": user,
            "command": "/privacy", "text": text, "response_url": response_url,
            "trigger_id": uuid.uuid4().hex}
    return client.post_signed(urlencode(form), "application/x-www-form-urlencoded")


def click_refresh(client: SignedClient, user: str):
    """The App Home's Refresh index button, clicked by `user`."""
    payload = {"type": "block_actions", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
               "api_app_id": "A0APP", "container": {"type": "view", "view_id": "V0001"},
               "view": {"id": "V0001", "type": "home"}, "trigger_id": "1.2.3",
               "actions": [{"type": "button", "action_id": "privacy_team_refresh_index", "block_id": "privacy_team",
                            "value": "refresh", "action_ts": "1700000001.000000"}]}
    return client.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


@pytest.fixture
def standin():
    server = SlackStandIn()
    yield server
    server.close()


@pytest.fixture
def team_env(tmp_path, knowledge_copy, embeddings):
    """DATA_DIR with the shipped policy indexed, and the env a CLI process needs to share it."""
    from indexer.build import build_index

    settings = make_settings(tmp_path / "data", knowledge_copy)
    build_index(settings, embeddings=embeddings)
    return {"DATA_DIR": str(tmp_path / "data"), "KNOWLEDGE_DIR": str(knowledge_copy)}


@pytest.fixture
def team_service(tmp_path, standin, team_env, embeddings):
    """The real service (real Assistant over team_env's index) with the privacy team configured."""
    from bot.assistant import Assistant

    running: list[RunningService] = []

    def start(**overrides: str) -> RunningService:
        settings = slack_settings(tmp_path, standin, KNOWLEDGE_DIR=team_env["KNOWLEDGE_DIR"],
                                  PRIVACY_TEAM_USER_IDS=f"{TEAM_USER},{TEAM_USER_2}", **overrides)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        service = RunningService(settings, assistant)
        running.append(service)
        return service

    yield start
    for service in running:
        if service.thread.is_alive():
            service.stop()


@pytest.fixture
def captured_logs():
    """Everything logged (at INFO, as production runs) through the production JSON formatter."""
    import io

    from bot.logging_setup import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


__all__ = ["BOT_TOKEN", "SIGNING_SECRET"]
