"""Who is a customer in Slack: event payloads and users.info answers served by the stand-in."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient

from bot.answer import Escalation
from bot.slack.audience import AudienceResolver, teams_in_payload
from bot.slack.blocks import ACTION_SUPPORT
from tests.customers.conftest import (
    BROKEN, CONNECT_USER, EXTERNAL_TEAM, GUEST, MEMBER, SINGLE_GUEST, STRANGER, SUPPORT_CHANNEL, connect_mention,
    dm_from, standin_users,
)
from tests.escalation.conftest import records, wait_support_posts
from tests.slack.harness import CHANNEL_ID, SUPPORT_URL, TEAM_ID, event_callback, mention
from tests.slack.slack_standin import BOT_TOKEN


@pytest.fixture
def resolver(standin):
    standin.users.update(standin_users())
    return AudienceResolver(WebClient(token=BOT_TOKEN, base_url=standin.api_url))


def users_info_calls(standin, user: str) -> int:
    return len([c for c in standin.attempts if c.method == "users.info" and c.args.get("user") == user])


# ---- the resolver against the stand-in -------------------------------------------------------
def test_a_member_of_the_apps_team_is_an_employee_and_users_info_is_cached(resolver, standin):
    decision = resolver.decide(MEMBER, {"type": "message", "team": TEAM_ID, "user": MEMBER})
    assert (decision.audience, decision.reason) == ("employee", "member")
    assert resolver.audience(MEMBER) == "employee"
    assert users_info_calls(standin, MEMBER) == 1  # the second decision came from the cache


def test_the_cache_expires_so_a_change_of_role_is_seen(standin):
    standin.users.update(standin_users())
    now = [0.0]
    resolver = AudienceResolver(WebClient(token=BOT_TOKEN, base_url=standin.api_url), ttl=300, clock=lambda: now[0])
    assert resolver.audience(MEMBER) == "employee"
    standin.users[MEMBER] = {"team_id": TEAM_ID, "is_restricted": True}  # demoted to a guest
    now[0] = 299.0
    assert resolver.audience(MEMBER) == "employee"  # still cached
    now[0] = 301.0
    assert resolver.audience(MEMBER) == "customer"
    assert users_info_calls(standin, MEMBER) == 2


@pytest.mark.parametrize("payload", [
    {"type": "app_mention", "user": CONNECT_USER, "user_team": EXTERNAL_TEAM},
    {"type": "app_mention", "user": CONNECT_USER, "user_profile": {"team": EXTERNAL_TEAM}},
    {"type": "message", "user": CONNECT_USER, "team": EXTERNAL_TEAM},
    {"type": "block_actions", "user": {"id": CONNECT_USER, "team_id": EXTERNAL_TEAM}},
    {"command": "/privacy", "user_id": CONNECT_USER, "team_id": EXTERNAL_TEAM},
], ids=["user_team", "user_profile.team", "message team", "click user.team_id", "command team_id"])
def test_a_user_of_another_team_in_the_payload_is_a_customer_without_asking_slack(resolver, standin, payload):
    decision = resolver.decide(CONNECT_USER, payload)
    assert (decision.audience, decision.reason, decision.user_team) == ("customer", "external_team", EXTERNAL_TEAM)
    assert users_info_calls(standin, CONNECT_USER) == 0


@pytest.mark.parametrize("user, reason", [
    (STRANGER, "stranger"), (GUEST, "guest"), (SINGLE_GUEST, "guest"), (CONNECT_USER, "external_team"),
])
def test_users_info_decides_strangers_guests_and_other_teams(resolver, user, reason):
    decision = resolver.decide(user, {"type": "message", "user": user, "team": TEAM_ID})
    assert (decision.audience, decision.reason) == ("customer", reason)


def test_a_guest_keeps_their_email_for_the_hand_off(resolver):
    assert resolver.decide(GUEST).email == "guest@customer.example"


def test_fails_closed_when_users_info_errors_or_slack_is_down(resolver, standin):
    assert resolver.decide(BROKEN).audience == "customer"  # user_not_found
    standin.fail("users.info", 500, times=1)
    decision = resolver.decide(MEMBER)
    assert (decision.audience, decision.reason) == ("customer", "undecided")
    assert resolver.decide(MEMBER).audience == "employee"  # failures are not cached: the next question recovers


def test_fails_closed_without_a_user_or_when_the_apps_team_is_unknown(resolver, standin):
    assert resolver.decide(None).audience == "customer"
    standin.fail("auth.test", 500, times=1)
    assert resolver.decide(MEMBER).audience == "customer"
    assert resolver.decide(MEMBER).audience == "employee"


def test_teams_in_payload_ignores_the_workspace_a_command_or_event_was_routed_through():
    assert teams_in_payload({"type": "app_home_opened", "user": MEMBER}) == set()
    assert teams_in_payload(None) == set()


def test_a_channel_shared_with_another_organisation_is_read_by_customers(resolver, standin):
    standin.shared_channels.add("C0SHARED")
    assert resolver.channel_is_shared("D0ANY") is False  # a DM: no call needed
    assert resolver.channel_is_shared("C0INTERNAL", flag=True) is True  # the envelope says so
    assert resolver.channel_is_shared("C0SHARED") is True
    assert resolver.channel_is_shared("C0INTERNAL") is False
    assert resolver.channel_is_shared("C0INTERNAL") is False
    assert len([c for c in standin.attempts if c.method == "conversations.info"]) == 2  # cached
    standin.fail("conversations.info", 500, times=1)
    assert resolver.channel_is_shared("C0OTHER") is True  # fails closed


# ---- through the real service ------------------------------------------------------------------
def test_the_service_asks_the_core_with_each_askers_audience(start_service, standin, recording_assistant):
    standin.users.update(standin_users())
    service = start_service(recording_assistant)
    service.send_event(connect_mention("What do you collect from Slack Connect?", ts="1700000001.000001"))
    service.send_event(dm_from(GUEST, "What do you collect from guests?", ts="1700000001.000002"))
    service.send_event(dm_from(SINGLE_GUEST, "What about single-channel guests?", ts="1700000001.000003"))
    service.send_event(dm_from(BROKEN, "And when you cannot tell?", ts="1700000001.000004"))
    service.send_event(dm_from(MEMBER, "What do employees see?", ts="1700000001.000005"))
    service.send_event(dm_from(MEMBER, "And a second question?", ts="1700000001.000006"))
    service.send_event(mention("A plain member's mention?", ts="1700000001.000007"))
    form = {"token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL_ID, "user_id": GUEST, "command": "/privacy",
            "text": "A guest's slash command?", "response_url": standin.response_url(), "trigger_id": "9.9.9"}
    service.post_signed(urlencode(form), "application/x-www-form-urlencoded")
    service.wait_idle()

    assert recording_assistant.audience_of("What do you collect from Slack Connect?") == "customer"
    assert recording_assistant.audience_of("What do you collect from guests?") == "customer"
    assert recording_assistant.audience_of("What about single-channel guests?") == "customer"
    assert recording_assistant.audience_of("And when you cannot tell?") == "customer"  # fail closed
    assert recording_assistant.audience_of("What do employees see?") == "employee"
    assert recording_assistant.audience_of("And a second question?") == "employee"
    assert recording_assistant.audience_of("A plain member's mention?") == "employee"
    assert recording_assistant.audience_of("A guest's slash command?") == "customer"
    assert users_info_calls(standin, MEMBER) == 1  # cached between the member's two questions
    assert users_info_calls(standin, CONNECT_USER) == 0  # the event already said it is another team


def test_a_customers_hand_off_in_slack_points_to_support_url_and_never_to_internal_channels(
        start_service, standin, recording_assistant):
    standin.users.update(standin_users())
    recording_assistant.escalation = Escalation("data_request")
    service = start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    service.send_event(dm_from(GUEST, "Please delete my account data", ts="1700000002.000001"))
    service.wait_idle()
    [post] = wait_support_posts(standin)

    [reply] = [c for c in standin.of("chat.postMessage") if c.args.get("channel") == "D0GUEST"]
    text = reply.dump()
    [record] = records(service.settings)
    assert record.audience == "customer" and record.asker.kind == "customer"
    assert record.asker.email == "guest@customer.example" and record.asker.user_id == GUEST
    assert record.reference in text and SUPPORT_URL in text
    assert "identifies your account or workspace" in text
    assert SUPPORT_CHANNEL not in text and "<#" not in text
    # The privacy team sees who it is.
    assert "customer" in post.dump() and "guest@customer.example" in post.dump()


def test_a_customers_talk_to_support_click_is_recorded_as_a_customer(start_service, standin, recording_assistant):
    standin.users.update(standin_users())
    service = start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    value = json.dumps({"a": "ans1", "k": "C0SHARED:1700000003.000001", "r": None, "c": 1,
                        "s": ["Security Measures — Privacy Policy"], "q": "How is my data protected?"})
    payload = {"type": "block_actions", "user": {"id": CONNECT_USER, "team_id": EXTERNAL_TEAM},
               "team": {"id": TEAM_ID}, "api_app_id": "A0APP",
               "container": {"type": "message", "message_ts": "1700000003.000002", "channel_id": "C0SHARED",
                             "is_ephemeral": False},
               "channel": {"id": "C0SHARED"}, "response_url": standin.response_url(), "trigger_id": "1.2.3",
               "message": {"type": "message", "ts": "1700000003.000002"},
               "actions": [{"type": "button", "action_id": ACTION_SUPPORT, "block_id": "answer_feedback",
                            "value": value, "action_ts": "1700000003.000003"}]}
    response = service.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200
    service.wait_idle()
    [record] = records(service.settings)
    assert (record.audience, record.asker.kind, record.asker.workspace) == ("customer", "customer", EXTERNAL_TEAM)
    [told] = standin.of("chat.postEphemeral")
    assert record.reference in told.dump() and SUPPORT_URL in told.dump() and "<#" not in told.dump()


def test_a_customers_apology_names_only_the_support_url(start_service, standin, recording_assistant):
    standin.users.update(standin_users())
    recording_assistant.error = RuntimeError("boom")
    service = start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    service.send_event(dm_from(GUEST, "Does this fail?", ts="1700000004.000001"))
    service.send_event(dm_from(MEMBER, "Does this fail too?", ts="1700000004.000002", channel="D0MEMBER"))
    service.wait_idle()
    [guest_reply] = [c for c in standin.of("chat.postMessage") if c.args.get("channel") == "D0GUEST"]
    [member_reply] = [c for c in standin.of("chat.postMessage") if c.args.get("channel") == "D0MEMBER"]
    assert SUPPORT_URL in guest_reply.dump() and SUPPORT_CHANNEL not in guest_reply.dump()
    assert f"<#{SUPPORT_CHANNEL}>" in member_reply.dump()  # staff may be sent to the channel


def test_an_employees_question_in_a_slack_connect_channel_is_answered_for_customers(
        start_service, standin, recording_assistant):
    standin.users.update(standin_users())
    standin.shared_channels.add("C0SHARED")
    service = start_service(recording_assistant)
    member_in_shared = connect_mention("Asked by staff in a shared channel?", ts="1700000005.000001", user=MEMBER,
                                       team=TEAM_ID)
    service.send_event(member_in_shared)
    flagged = event_callback(mention("Asked where the envelope says shared?", ts="1700000005.000002", user=MEMBER))
    flagged["is_ext_shared_channel"] = True
    service.post_signed(json.dumps(flagged), "application/json")
    service.send_event(mention("Asked by staff in an internal channel?", ts="1700000005.000003", user=MEMBER))
    service.wait_idle()
    assert recording_assistant.audience_of("Asked by staff in a shared channel?") == "customer"
    assert recording_assistant.audience_of("Asked where the envelope says shared?") == "customer"
    assert recording_assistant.audience_of("Asked by staff in an internal channel?") == "employee"
