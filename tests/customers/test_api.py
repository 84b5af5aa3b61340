"""POST /v1/ask over real HTTP: auth, validation, size limit, rate limit, hand-offs, the OpenAPI schema."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from jsonschema import Draft202012Validator

from bot.answer import Answer, Escalation
from bot.errors import IndexNotBuilt
from bot.settings import Settings
from tests.customers.conftest import API_TOKEN, OTHER_TOKEN, SUPPORT_CHANNEL, AudienceRecordingAssistant
from tests.escalation.conftest import records, wait_support_posts
from tests.slack.harness import SUPPORT_URL, RunningService

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
def api(start_service, recording_assistant):
    return start_service(recording_assistant, API_TOKENS=f"{API_TOKEN},{OTHER_TOKEN}",
                         SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)


def ask(service, body, headers=AUTH, **kwargs) -> httpx.Response:
    return service.http.post("/v1/ask", json=body, headers=headers, **kwargs)


def schema_validator(service, name: str) -> Draft202012Validator:
    document = service.http.get("/openapi.json").json()
    return Draft202012Validator({**document, "$ref": f"#/components/schemas/{name}"})


# ---- auth --------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer"}, {"Authorization": "Bearer wrong-token-0000000000"},
    {"Authorization": f"Basic {API_TOKEN}"}, {"Authorization": f"Bearer {API_TOKEN}x"},
], ids=["missing", "empty", "wrong", "other scheme", "token plus a character"])
def test_a_missing_or_invalid_token_is_401_json(api, recording_assistant, headers):
    response = ask(api, {"question": "How is my data protected?"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert recording_assistant.asked == []  # nothing was answered


def test_every_configured_token_works_and_the_audience_is_always_customer(api, recording_assistant):
    for token in (API_TOKEN, OTHER_TOKEN):
        response = ask(api, {"question": "How is my data protected?"}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["audience"] == "customer" and body["covered"] is True and body["escalation"] is None
        assert body["citations"][0]["section"] == "Security Measures"
        schema_validator(api, "AskResponse").validate(body)
    assert {audience for _, audience in recording_assistant.asked} == {"customer"}


def test_the_api_is_closed_when_no_tokens_are_configured(start_service, recording_assistant):
    service = start_service(recording_assistant)
    assert ask(service, {"question": "Hello?"}).status_code == 401


# ---- validation --------------------------------------------------------------------------------
@pytest.mark.parametrize("body, status, field", [
    (["a list"], 422, None),
    ({}, 422, "question"),
    ({"question": 42}, 422, "question"),
    ({"question": "   "}, 422, "question"),
    ({"question": "x" * 4001}, 422, "question"),
    ({"question": "Hi", "query": "typo"}, 422, "query"),
    ({"question": "Hi", "conversation_id": 7}, 422, "conversation_id"),
    ({"question": "Hi", "conversation_id": "c" * 201}, 422, "conversation_id"),
    ({"question": "Hi", "customer": "acme"}, 422, "customer"),
    ({"question": "Hi", "customer": {"name": "Acme"}}, 422, "customer.name"),
    ({"question": "Hi", "customer": {"email": "not-an-email"}}, 422, "customer.email"),
    ({"question": "Hi", "customer": {"id": ["x"]}}, 422, "customer.id"),
])
def test_a_malformed_body_is_refused_naming_what_is_wrong(api, recording_assistant, body, status, field):
    response = ask(api, body)
    assert response.status_code == status, response.text
    error = response.json()
    assert error.get("field") == field and error["message"]
    schema_validator(api, "Error").validate(error)
    assert recording_assistant.asked == []


def test_a_body_that_is_not_json_is_400(api):
    response = api.http.post("/v1/ask", content=b'{"question": "unterminated', headers=AUTH)
    assert response.status_code == 400 and response.json()["error"] == "malformed_json"
    assert "line 1" in response.json()["message"]


def test_a_body_over_16_kb_is_413_by_content_length_and_by_the_bytes_sent(api, recording_assistant):
    big = json.dumps({"question": "q" * (16 * 1024)}).encode()
    response = api.http.post("/v1/ask", content=big, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "too_large"

    def chunks():  # no Content-Length: the body is streamed (chunked) and counted as it arrives
        for _ in range(40):
            yield b" " * 1024
        yield b'{"question": "hi"}'

    response = api.http.post("/v1/ask", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 413
    # Just under the limit is fine.
    fits = b'{"question": "What data do you keep?"' + b" " * 16000 + b"}"
    assert len(fits) < 16 * 1024
    assert api.http.post("/v1/ask", content=fits, headers=AUTH).status_code == 200
    assert len(recording_assistant.asked) == 1


# ---- rate limit --------------------------------------------------------------------------------
def test_too_many_requests_per_token_get_429_with_retry_after(start_service, recording_assistant):
    service = start_service(recording_assistant, API_TOKENS=f"{API_TOKEN},{OTHER_TOKEN}", API_RATE_PER_MINUTE="2")
    assert [ask(service, {"question": f"Question {i}?"}).status_code for i in range(2)] == [200, 200]
    limited = ask(service, {"question": "One more?"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"] == "rate_limited" and limited.json()["retry_after"] >= 1
    schema_validator(service, "Error").validate(limited.json())
    # Another token has its own bucket.
    assert ask(service, {"question": "Other token?"}, headers={"Authorization": f"Bearer {OTHER_TOKEN}"}).status_code == 200
    assert [q for q, _ in recording_assistant.asked] == ["Question 0?", "Question 1?", "Other token?"]


# ---- hand-offs ---------------------------------------------------------------------------------
def test_a_data_request_escalates_with_a_reference_and_reaches_the_support_channel(api, standin, recording_assistant):
    recording_assistant.escalation = Escalation("data_request")
    body = {"question": "Please delete all data about me", "conversation_id": "conv-42",
            "customer": {"id": "cus_981", "email": "dana@acme.example", "workspace": "acme"}}
    response = ask(api, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    schema_validator(api, "AskResponse").validate(answer)
    escalation = answer["escalation"]
    assert escalation["reason"] == "data_request" and escalation["reference"].startswith("PRV-")
    assert SUPPORT_URL in escalation["message"] and "identifies your account or workspace" in escalation["message"]
    assert answer["audience"] == "customer" and answer["conversation_id"] == "conv-42"

    [record] = records(api.settings)
    assert record.reference == escalation["reference"] and record.audience == "customer"
    assert (record.asker.kind, record.asker.customer_id, record.asker.email, record.asker.workspace) == (
        "customer", "cus_981", "dana@acme.example", "acme")
    assert (record.reply_to.kind, record.reply_to.channel) == ("api", "conv-42")
    assert record.question == "Please delete all data about me" and record.asker_told

    [post] = wait_support_posts(standin)
    text = post.dump()
    assert escalation["reference"] in text and "dana@acme.example" in text and "Data request" in text

    # The support chat retries the same request: the same record, the same reference.
    again = ask(api, body).json()
    assert again["escalation"]["reference"] == escalation["reference"]
    assert len(records(api.settings)) == 1

    # Analytics: one redacted event per answer, from the API, as a customer, joined by answer id.
    events = api.app.state.analytics.events()
    assert [(e.source, e.audience, e.outcome) for e in events] == [("api", "customer", "escalated")] * 2
    assert events[0].answer_id == answer["answer_id"] and "dana" not in events[0].question


def test_an_offer_of_support_is_not_a_hand_off(api, recording_assistant):
    recording_assistant.covered = False
    answer = ask(api, {"question": "Do you sell hats?"}).json()
    assert answer["escalation"] == {"reason": "not_covered"} and records(api.settings) == []


def test_without_slack_hand_offs_are_still_recorded(tmp_path, recording_assistant):
    settings = Settings.from_mapping({"DATA_DIR": str(tmp_path / "data"), "API_TOKENS": API_TOKEN, "HOST": "127.0.0.1",
                                      "SUPPORT_URL": SUPPORT_URL})
    service = RunningService(settings, recording_assistant)
    try:
        recording_assistant.escalation = Escalation("security")
        answer = ask(service, {"question": "Someone logged into my account", "customer": {"workspace": "acme"}}).json()
        [record] = records(settings)
        assert answer["escalation"]["reference"] == record.reference and record.delivery == "no_channel"
    finally:
        service.stop()


# ---- failures and the event loop -------------------------------------------------------------------
def test_core_failures_are_json_with_a_trace_id(api, recording_assistant):
    recording_assistant.error = IndexNotBuilt("no index")
    unavailable = ask(api, {"question": "Anything?"})
    assert unavailable.status_code == 503 and unavailable.json()["trace_id"]
    recording_assistant.error = RuntimeError("boom")
    failed = ask(api, {"question": "Anything?"})
    assert failed.status_code == 500 and failed.json()["trace_id"] and "boom" not in failed.text


class BlockingAssistant(AudienceRecordingAssistant):
    """Holds one question until released: an ask that takes as long as the test wants."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def ask(self, question: str, audience: str = "employee", context=None) -> Answer:
        if question == "slow":
            self.started.set()
            assert self.release.wait(60)
        return super().ask(question, audience, context)


def test_an_answer_in_progress_does_not_block_the_event_loop(start_service):
    blocking = BlockingAssistant()
    service = start_service(blocking, API_TOKENS=API_TOKEN)
    results = []
    client = httpx.Client(base_url=service.url, timeout=60)
    worker = threading.Thread(target=lambda: results.append(client.post("/v1/ask", json={"question": "slow"},
                                                                        headers=AUTH)))
    worker.start()
    try:
        assert blocking.started.wait(30)
        # While the ask holds its worker thread, the service still answers.
        assert service.http.get("/healthz").status_code == 200
        assert ask(service, {"question": "fast"}).status_code == 200
    finally:
        blocking.release.set()
        worker.join(60)
        client.close()
    assert results[0].status_code == 200


# ---- schema --------------------------------------------------------------------------------------
def test_the_openapi_schema_describes_the_endpoint(api):
    document = api.http.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/v1/ask"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "401", "413", "422", "429"}
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    request = schema_validator(api, "AskRequest")
    request.validate({"question": "Hi", "conversation_id": "c1", "customer": {"email": "a@b.example"}})
    assert not request.is_valid({"question": "Hi", "query": "x"})
    assert not request.is_valid({"conversation_id": "c1"})
