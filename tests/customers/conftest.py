"""Customers' tests reuse the Slack harness (the Web API stand-in, the real service over HTTP)."""

from __future__ import annotations

import threading

import pytest

from bot.answer import Answer
from tests.slack.conftest import standin, start_service  # noqa: F401  (shared fixtures)
from tests.slack.fakes import FakeAssistant
from tests.slack.harness import BOT_USER_ID, CHANNEL_ID, TEAM_ID, event_callback  # noqa: F401

API_TOKEN = "test-api-token-0123456789abcdef"
OTHER_TOKEN = "second-api-token-fedcba9876543210"
SUPPORT_CHANNEL = "C0SUPPORT"
EXTERNAL_TEAM = "T0CUSTOMER"  # a customer's organisation, connected through Slack Connect
CONNECT_USER = "U0CONNECT"  # a user of that organisation
GUEST = "U0GUEST"  # a guest in Kimss AI's workspace
SINGLE_GUEST = "U0SINGLE"  # a single-channel guest
STRANGER = "U0STRANGER"
MEMBER = "U0MEMBER"  # a Kimss AI employee
BROKEN = "U0BROKEN"  # users.info fails for this user


def standin_users() -> dict:
    return {
        GUEST: {"team_id": TEAM_ID, "is_restricted": True, "profile": {"email": "guest@customer.example"}},
        SINGLE_GUEST: {"team_id": TEAM_ID, "is_ultra_restricted": True},
        STRANGER: {"team_id": EXTERNAL_TEAM, "is_stranger": True},
        CONNECT_USER: {"team_id": EXTERNAL_TEAM, "profile": {"team": EXTERNAL_TEAM}},
        MEMBER: {"team_id": TEAM_ID, "is_restricted": False, "is_ultra_restricted": False},
        BROKEN: "user_not_found",
    }


class AudienceRecordingAssistant(FakeAssistant):
    """The fake core, also noting the audience of every question."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str]] = []
        self._asked_lock = threading.Lock()

    def ask(self, question: str, audience: str = "employee", context=None) -> Answer:
        with self._asked_lock:
            self.asked.append((question, audience))
        return super().ask(question, audience, context)

    def audience_of(self, question: str) -> str:
        [audience] = [a for q, a in self.asked if q == question]
        return audience


@pytest.fixture
def recording_assistant():
    return AudienceRecordingAssistant()


def connect_mention(text: str, ts: str, user: str = CONNECT_USER, team: str = EXTERNAL_TEAM,
                    channel: str = "C0SHARED") -> dict:
    """An app_mention from another organisation in a Slack Connect channel, as Slack sends it."""
    return {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts, "channel": channel,
            "event_ts": ts, "team": team, "user_team": team, "source_team": team,
            "user_profile": {"name": "casey", "real_name": "Casey Customer", "team": team}}


def dm_from(user: str, text: str, ts: str, channel: str = "D0GUEST") -> dict:
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts, "channel": channel,
            "event_ts": ts, "team": TEAM_ID}
