"""Escalation tests reuse the Slack harness: the Web API stand-in and the real service over HTTP."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bot.escalation import EscalationStore
from bot.store.database import Database
from tests.slack.conftest import assistant, standin, start_service  # noqa: F401  (shared fixtures)
from tests.slack.slack_standin import TEAM_ID

SUPPORT_CHANNEL = "C0SUPPORT"
SUPPORTER = "U0SUPPORTER"
OUTSIDER = "U0OUTSIDER"


@pytest.fixture
def escalating(start_service, assistant):
    """The service with a support channel and SUPPORTER on the support team."""
    return start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL, SUPPORT_TEAM_USER_IDS=SUPPORTER)


def records(settings):
    """The escalations as another process (a report, the CLI) reads them from disk."""
    database = Database(settings.state_db)
    try:
        return EscalationStore(database).list()
    finally:
        database.close()


def support_posts(standin):
    return [c for c in standin.of("chat.postMessage") if c.args.get("channel") == SUPPORT_CHANNEL]


def wait_support_posts(standin, count: int = 1, timeout: float = 30.0):
    standin.wait_for(lambda calls: len([c for c in calls if c.method == "chat.postMessage"
                                        and c.args.get("channel") == SUPPORT_CHANNEL]) >= count, timeout=timeout)
    return support_posts(standin)


def wait_ephemerals(standin, count: int, timeout: float = 30.0) -> tuple[list, list]:
    """The `count` ephemeral replies to clicks on one answer, as (first hand-offs, repeats). Clicks are handled
    concurrently, so a repeat's "already has this request" may reach Slack before the first confirmation:
    they are told apart by their text, not by their order."""
    standin.wait_for(lambda calls: len([c for c in calls if c.method == "chat.postEphemeral"]) >= count,
                     timeout=timeout)
    replies = standin.of("chat.postEphemeral")
    repeats = [r for r in replies if "already has this request" in r.args["text"]]
    return [r for r in replies if r not in repeats], repeats


def buttons(call) -> dict:
    return {e["action_id"]: e for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]}


def click_support_message(service, action_id: str, reference: str, *, user: str, message_ts: str,
                          channel: str = SUPPORT_CHANNEL, response_url: str = "http://127.0.0.1:9/unused"):
    """A signed block_actions payload for a button on the support message, as Slack sends it."""
    payload = {"type": "block_actions", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
               "api_app_id": "A0APP", "channel": {"id": channel}, "response_url": response_url,
               "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                             "is_ephemeral": False},
               "message": {"type": "message", "ts": message_ts}, "trigger_id": "1.2.3",
               "actions": [{"type": "button", "action_id": action_id, "block_id": "escalation_actions",
                            "value": reference, "action_ts": "1700000002.000000"}]}
    return service.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def choose_in_menu(service, action_id: str, value: str, *, user: str, message_ts: str):
    """A signed block_actions payload for a static_select on the support message."""
    payload = {"type": "block_actions", "user": {"id": user, "team_id": TEAM_ID}, "team": {"id": TEAM_ID},
               "api_app_id": "A0APP", "channel": {"id": SUPPORT_CHANNEL}, "response_url": "http://127.0.0.1:9/unused",
               "container": {"type": "message", "message_ts": message_ts, "channel_id": SUPPORT_CHANNEL,
                             "is_ephemeral": False},
               "message": {"type": "message", "ts": message_ts}, "trigger_id": "1.2.3",
               "actions": [{"type": "static_select", "action_id": action_id, "block_id": "escalation_actions",
                            "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
                            "action_ts": "1700000003.000000"}]}
    return service.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def submit_view(service, callback_id: str, reference: str, values: dict, *, user: str):
    """A signed view_submission of a modal, as Slack sends it; `values` maps block id -> element state."""
    payload = {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": user, "team_id": TEAM_ID},
               "api_app_id": "A0APP", "trigger_id": "4.5.6",
               "view": {"id": "V0MODAL", "type": "modal", "callback_id": callback_id, "private_metadata": reference,
                        "hash": "1.abc", "state": {"values": {block: {"value": state} for block, state in values.items()}}}}
    return service.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def text_value(text: str) -> dict:
    return {"type": "plain_text_input", "value": text}


def date_value(day: str) -> dict:
    return {"type": "datepicker", "selected_date": day}


def option_value(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}
