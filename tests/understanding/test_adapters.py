"""The router's decisions as people see them: Slack (the offer button and its one hand-off) and the API.

The real core (model, Chroma, the shipped router) answers through the real service over HTTP; one
test uses the fake core to pin the exactly-once property whatever the router decides.
"""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from bot.slack.blocks import ACTION_OFFER, ACTION_SUPPORT, OFFER_BUTTON, OFFER_QUESTION
from tests.escalation.conftest import (SUPPORT_CHANNEL, buttons, records, support_posts, wait_ephemerals,
                                      wait_support_posts)
from tests.slack.conftest import standin, start_service  # noqa: F401  (shared fixtures)
from tests.slack.fakes import FakeAssistant
from tests.slack.harness import mention

API_TOKEN = "router-test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
# Written for these tests (not from the corpus, not from the held-out set).
PROCESS_QUESTION = "What would I have to do to get hold of everything you store on me?"
DELETION_REQUEST = "Please wipe my account and every conversation in it, I am done with Kimss."


@pytest.fixture
def real_service(start_service, shipped_assistant):
    return start_service(shipped_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL, API_TOKENS=API_TOKEN)


def test_a_process_question_is_answered_with_the_offer_and_one_click_hands_it_over(real_service, standin):
    real_service.send_event(mention(PROCESS_QUESTION, ts="1700000000.100001"))
    real_service.wait_idle()
    [answer] = standin.of("chat.postMessage")
    text = json.dumps(answer.args["blocks"], ensure_ascii=False)
    assert "Contact Information" in text and OFFER_QUESTION in text  # answered from the Contact section, offered
    offer = buttons(answer)[ACTION_OFFER]
    assert offer["text"]["text"] == OFFER_BUTTON
    assert records(real_service.settings) == []  # offered, not made

    real_service.click(ACTION_OFFER, offer["value"], response_url=standin.response_url("offer"),
                       thread_ts="1700000000.100001")
    [post] = wait_support_posts(standin)
    [record] = records(real_service.settings)
    assert record.reason == "data_request" and record.question == PROCESS_QUESTION
    assert record.reference in post.dump()


def test_the_api_carries_offer_and_escalation_kind(real_service):
    validator = Draft202012Validator({**real_service.http.get("/openapi.json").json(),
                                      "$ref": "#/components/schemas/AskResponse"})
    offered = real_service.http.post("/v1/ask", json={"question": PROCESS_QUESTION}, headers=AUTH).json()
    assert offered["offer"] == "data_request" and offered["escalation"] is None
    validator.validate(offered)

    handed = real_service.http.post("/v1/ask", json={"question": DELETION_REQUEST, "conversation_id": "zd-1"},
                                    headers=AUTH).json()
    assert handed["escalation"]["reason"] == "data_request" and handed["escalation"]["kind"] == "deletion"
    assert handed["escalation"]["reference"].startswith("PRV-") and handed["offer"] is None
    validator.validate(handed)
    [record] = records(real_service.settings)
    assert record.reference == handed["escalation"]["reference"]


def test_offer_and_talk_to_support_clicked_repeatedly_make_exactly_one_hand_off(start_service, standin):
    assistant = FakeAssistant()
    assistant.offer = "security"
    service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    service.send_event(mention("someone may have seen my screen with the admin token", ts="1700000000.100002"))
    service.wait_idle()
    [answer] = standin.of("chat.postMessage")
    found = buttons(answer)
    assert found[ACTION_OFFER]["style"] == "primary" and found[ACTION_SUPPORT].get("style") is None
    for action in (ACTION_OFFER, ACTION_OFFER, ACTION_SUPPORT):
        service.click(action, found[action]["value"], response_url=standin.response_url("c"),
                      thread_ts="1700000000.100002")
    service.wait_idle()
    wait_support_posts(standin)
    [record] = records(service.settings)
    assert record.reason == "security"  # what the router suspected, not a generic "user_request"
    [first], repeats = wait_ephemerals(standin, 3)
    assert record.reference in first.args["text"] and len(repeats) == 2
    assert all(record.reference in r.args["text"] for r in repeats)
    assert len(support_posts(standin)) == 1


def test_an_answer_without_an_offer_has_no_offer_button(start_service, standin):
    service = start_service(FakeAssistant(), SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    service.send_event(mention("how is my data protected?", ts="1700000000.100003"))
    service.wait_idle()
    [answer] = standin.of("chat.postMessage")
    assert ACTION_OFFER not in buttons(answer) and OFFER_QUESTION not in json.dumps(answer.args["blocks"])
