"""Signatures, retries and failures: one reply per question, never silence, no leaked question text."""

from __future__ import annotations

import json
import logging
import time

from bot.errors import IndexNotBuilt
from tests.slack.harness import SIGNING_SECRET, SUPPORT_URL, event_callback, mention


def replies(standin) -> list:
    return standin.of("chat.postMessage")


def test_forged_signature_is_refused_and_nothing_reaches_slack(service, standin, assistant):
    calls_before = len(standin.attempts)  # auth.test at start
    response = service.post_signed(json.dumps(event_callback(mention("hi"))), "application/json",
                                   secret="not-the-" + SIGNING_SECRET)
    assert response.status_code == 401
    service.wait_idle()
    assert len(standin.attempts) == calls_before
    assert assistant.questions == []


def test_request_older_than_five_minutes_is_refused(service, standin, assistant):
    response = service.send_event(mention("replayed"), timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    service.wait_idle()
    assert replies(standin) == [] and assistant.questions == []


def test_slack_retries_of_one_event_get_one_reply(service, standin, assistant):
    event = mention("what do you collect?")
    assert service.send_event(event, event_id="Ev0RETRY1").status_code == 200
    for attempt in (1, 2):
        retry = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"}
        assert service.send_event(event, event_id="Ev0RETRY1", headers=retry).status_code == 200
    service.wait_idle()
    assert len(replies(standin)) == 1
    assert assistant.questions == ["what do you collect?"]


def test_an_event_seen_before_a_restart_is_not_answered_again(start_service, standin, assistant):
    first = start_service(assistant)
    first.send_event(mention("what do you collect?"), event_id="Ev0RESTART")
    first.wait_idle()
    first.stop()

    second = start_service(assistant)
    response = second.send_event(mention("what do you collect?"), event_id="Ev0RESTART",
                                 headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
    assert response.status_code == 200
    second.wait_idle()
    assert len(replies(standin)) == 1


def test_a_server_error_from_slack_is_retried_and_the_reply_arrives_once(service, standin):
    standin.fail("chat.postMessage", status=500, times=1)
    service.send_event(mention("what do you collect?"))
    service.wait_idle()
    attempts = [c for c in standin.attempts if c.method == "chat.postMessage"]
    assert len(attempts) == 2  # the 500, then the retry that got through
    assert len(replies(standin)) == 1


def test_rate_limited_post_waits_for_retry_after_and_the_reply_arrives_once(service, standin):
    standin.fail("chat.postMessage", status=429, times=1, retry_after=1)
    service.send_event(mention("what do you collect?"))
    service.wait_idle()
    assert len([c for c in standin.attempts if c.method == "chat.postMessage"]) == 2
    assert len(replies(standin)) == 1


def test_an_exception_while_answering_gets_an_apology_and_a_logged_trace_without_the_question(
    service, standin, assistant, caplog
):
    caplog.set_level(logging.INFO)
    assistant.error = RuntimeError("boom")
    service.send_event(mention("is my secret-project-zebra data safe?"))
    service.wait_idle()
    [reply] = replies(standin)
    assert "Sorry, something went wrong" in reply.args["text"]
    assert SUPPORT_URL in json.dumps(reply.args["blocks"])  # a way to reach a person
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures and "trace_id=" in failures[0].getMessage()
    trace_id = failures[0].getMessage().split("trace_id=")[1].split()[0]
    assert trace_id in json.dumps(reply.args["blocks"])  # the user can quote it to support
    assert "zebra" not in caplog.text
    assert standin.of("reactions.remove"), "the working signal does not stay forever"


def test_an_unusable_index_gets_a_clear_message(service, standin, assistant):
    assistant.error = IndexNotBuilt("no index has been published yet")
    service.send_event(mention("what do you collect?"))
    service.wait_idle()
    [reply] = replies(standin)
    assert "can't read the privacy policy index" in reply.args["text"]


def test_a_too_long_question_is_refused_in_the_cores_words(service, standin):
    service.send_event(mention("why " * 1200))
    service.wait_idle()
    [reply] = replies(standin)
    assert "under 4,000 characters" in reply.args["text"]


def test_slack_refusing_the_answer_message_still_leaves_an_apology(service, standin, assistant):
    # A reply Slack rejects (e.g. invalid_blocks) must not end in silence.
    standin.fail("chat.postMessage", status=400, times=1)
    service.send_event(mention("what do you collect?"))
    service.wait_idle()
    [reply] = replies(standin)
    assert "Sorry, something went wrong" in reply.args["text"]


def test_url_verification_challenge_is_answered(service):
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    response = service.post_signed(body, "application/json")
    assert response.status_code == 200 and response.json() == {"challenge": "c-123"}
