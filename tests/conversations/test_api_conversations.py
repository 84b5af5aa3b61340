"""POST /v1/ask with a conversation_id, over real HTTP with the real core: context, isolation, TTL, hand-offs."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from tests.escalation.conftest import records, wait_support_posts

TOKEN = "conversation-token-0123456789"
OTHER = "other-client-token-0123456789"
SUPPORT = "C0SUPPORT"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def api(start_service, shipped_assistant):
    return start_service(shipped_assistant, API_TOKENS=f"{TOKEN},{OTHER}", SUPPORT_CHANNEL_ID=SUPPORT,
                         CONVERSATION_TTL_MINUTES="30")


def ask(service, question, conversation_id=None, headers=AUTH):
    body = {"question": question, **({"conversation_id": conversation_id} if conversation_id else {})}
    response = service.http.post("/v1/ask", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def stored_turns(settings) -> list[tuple]:
    with sqlite3.connect(settings.state_db) as db:  # as another replica sharing the database reads it
        return db.execute("SELECT conversation_key, question FROM conversation_turns ORDER BY conversation_key, seq").fetchall()


def test_two_calls_with_one_conversation_id_answer_the_follow_up_in_context(api, caplog):
    caplog.set_level(logging.DEBUG)
    first = ask(api, "What do you do with my chat logs?", "zendesk-1")
    assert first["answering"] is None
    second = ask(api, "and how long do you keep it?", "zendesk-1")
    assert second["answering"] == "How long do you keep my chat logs?"
    assert second["covered"] is False and second["escalation"] == {"reason": "not_covered"}
    assert second["conversation_id"] == "zendesk-1"
    # Without the conversation nothing says what "it" is: not rewritten, nothing quoted.
    alone = ask(api, "and how long do you keep it?")
    assert alone["answering"] is None and alone["covered"] is False and not alone["citations"]
    # The same id from another client is another conversation.
    other = ask(api, "and how long do you keep it?", "zendesk-1", headers={"Authorization": f"Bearer {OTHER}"})
    assert other["answering"] is None
    assert "chat logs" not in caplog.text  # conversation text is never logged


def test_a_self_contained_question_in_a_conversation_is_answered_alone(api):
    ask(api, "What do you do with my chat logs?", "zendesk-2")
    body = ask(api, "Is traffic to your service encrypted?", "zendesk-2")
    assert body["answering"] is None and body["citations"][0]["section"] == "Security Measures"


def test_turns_are_bounded_and_purged_after_the_ttl(api):
    for question in ("What data do you collect?", "How is it used?", "How do you protect my data?",
                     "Where do I send a privacy question?", "What do you do with my chat logs?"):
        ask(api, question, "zendesk-3")
    kept = [q for key, q in stored_turns(api.settings) if key.endswith(":zendesk-3")]
    assert len(kept) == 3 and kept[-1] == "What do you do with my chat logs?"

    desk = api.app.state.customers
    removed = desk.conversations.purge(now=time.time() + 30 * 60 + 1)
    assert removed == 3 and stored_turns(api.settings) == []
    # After the TTL the follow-up has nothing to follow.
    assert ask(api, "and how long do you keep it?", "zendesk-3")["answering"] is None


def test_a_hand_off_after_several_turns_records_them_and_support_sees_them_escaped(api, standin):
    ask(api, "Do you keep my chat logs? <!channel>", "zendesk-4")
    ask(api, "How do you protect my data?", "zendesk-4")
    body = ask(api, "Please delete my chat logs.", "zendesk-4")
    assert body["escalation"]["reason"] == "data_request" and body["escalation"]["reference"].startswith("PRV-")
    [record] = records(api.settings)
    assert [t["question"] for t in record.turns] == ["Do you keep my chat logs? <!channel>",
                                                     "How do you protect my data?"]
    assert record.turns[1]["sections"][0] == "Security Measures"
    [post] = wait_support_posts(standin)
    text = post.dump()
    assert "Earlier in the conversation" in text and "How do you protect my data?" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text


def test_a_retried_request_adds_no_second_turn(api):
    ask(api, "What do you do with my chat logs?", "zendesk-5")
    first = ask(api, "and how long do you keep it?", "zendesk-5")
    retry = ask(api, "and how long do you keep it?", "zendesk-5")  # the client timed out and sent it again
    assert retry["answering"] == first["answering"] == "How long do you keep my chat logs?"
    kept = [q for key, q in stored_turns(api.settings) if key.endswith(":zendesk-5")]
    assert kept == ["What do you do with my chat logs?", "How long do you keep my chat logs?"]
    # A new question after the retry follows the conversation as usual.
    ask(api, "How do you protect my data?", "zendesk-5")
    assert len([k for k, _ in stored_turns(api.settings) if k.endswith(":zendesk-5")]) == 3


def test_an_idempotency_key_replays_the_first_response(api, standin):
    headers = {**AUTH, "Idempotency-Key": "req-42"}
    ask(api, "Do you keep my chat logs?", "zendesk-6")
    body = {"question": "Please delete them.", "conversation_id": "zendesk-6"}
    first = api.http.post("/v1/ask", json=body, headers=headers)
    again = api.http.post("/v1/ask", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert first.json()["escalation"]["reason"] == "data_request"
    assert len(records(api.settings)) == 1  # one hand-off
    assert len([k for k, _ in stored_turns(api.settings) if k.endswith(":zendesk-6")]) == 2
    # The key names one request: another body with it is refused, and nothing is answered or stored.
    other = api.http.post("/v1/ask", json={"question": "What data do you collect?", "conversation_id": "zendesk-6"},
                          headers=headers)
    assert other.status_code == 409 and other.json()["error"] == "idempotency_key_reused"
    assert len([k for k, _ in stored_turns(api.settings) if k.endswith(":zendesk-6")]) == 2
    # Keys are per client: another token's same key is another request.
    mine = api.http.post("/v1/ask", json=body, headers={"Authorization": f"Bearer {OTHER}", "Idempotency-Key": "req-42"})
    assert mine.status_code == 200 and "idempotent-replayed" not in mine.headers
    bad = api.http.post("/v1/ask", json=body, headers={**AUTH, "Idempotency-Key": "x" * 300})
    assert bad.status_code == 422 and bad.json()["field"] == "Idempotency-Key"
    # Kept responses hold conversation text: purged with the turns.
    api.app.state.customers.conversations.purge(now=time.time() + 30 * 60 + 1)
    with sqlite3.connect(api.settings.state_db) as db:
        assert db.execute("SELECT COUNT(*) FROM api_idempotency").fetchone()[0] == 0


def test_stored_turns_hold_no_personal_data_and_follow_ups_still_work(api):
    ask(api, "Do you keep my chat logs? I'm dana@acme.example, +44 20 7946 0958", "zendesk-7")
    [(key, question)] = stored_turns(api.settings)
    assert "dana@acme.example" not in question and "7946" not in question and "[email]" in question
    follow = ask(api, "who else sees them?", "zendesk-7")
    assert follow["answering"] == "Who else sees my chat logs?"


def test_ok_delete_it_then_is_a_data_request_about_the_earlier_topic_with_the_turns_recorded(api, standin):
    ask(api, "Do you store my email address?", "zendesk-8")
    ask(api, "is it encrypted?", "zendesk-8")
    body = ask(api, "ok delete it then", "zendesk-8")
    assert body["escalation"]["reason"] == "data_request" and body["escalation"]["reference"].startswith("PRV-")
    assert "delete my email address" in body["answering"].lower()
    [record] = records(api.settings)
    assert [t["question"] for t in record.turns] == ["Do you store my email address?", "Is my email address encrypted?"]
    [post] = wait_support_posts(standin)
    assert "Is my email address encrypted?" in post.dump()
