"""Bad JSON is a 400/422 JSON error, never a 500 (issue 13: 5), on the API, the chat and /slack/events."""

from __future__ import annotations

import pytest

from tests.hardening.conftest import API_TOKEN

AUTH = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}
BODIES = {
    "deep nesting": b"[" * 10_000,
    "5,000-digit number": b'{"question": "Hi?", "conversation_id": ' + b"9" * 5000 + b"}",
    "lone surrogate": b'{"question": "How do I delete \\ud800 my data?"}',
    "surrogate in a customer field": b'{"question": "Hi?", "customer": {"id": "\\udfff"}}',
    "not UTF-8": b'{"question": "\xff\xfe"}',
    # longer than the schema's maxLength (320) only with its padding: still too long (found by the fuzz test)
    "padded customer id": b'{"question": "Hi?", "customer": {"id": "a' + b" " * 400 + b'"}}',
}


@pytest.mark.parametrize("name", BODIES)
def test_the_api_answers_bad_json_with_a_json_4xx(hardened, recording_assistant, name):
    response = hardened.http.post("/v1/ask", content=BODIES[name], headers=AUTH)
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"] in {"malformed_json", "invalid_field", "invalid_request"}
    assert recording_assistant.asked == []


@pytest.mark.parametrize("name", ["deep nesting", "5,000-digit number", "lone surrogate", "not UTF-8"])
def test_the_chat_answers_bad_json_with_a_json_4xx(hardened, recording_assistant, name):
    hardened.http.get("/")  # a session cookie
    body = BODIES[name][:8000]  # the chat's own body limit is 8 KB
    response = hardened.http.post("/chat/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert "error" in response.json()
    assert recording_assistant.asked == []


@pytest.mark.parametrize("body, content_type", [
    ("[" * 10_000, "application/json"),
    ('{"type": "event_callback", "event": ' + "9" * 5000 + "}", "application/json"),
    ("[1, 2]", "application/json"),
    ("{not json", "application/json"),
    ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
    ("payload=%5B%5D", "application/x-www-form-urlencoded"),
])
def test_signed_malformed_slack_bodies_are_400_json(hardened, body, content_type):
    response = hardened.post_signed(body, content_type)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "malformed_body"


def test_unknown_paths_and_methods_are_json(hardened):
    missing = hardened.http.get("/no-such-page")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = hardened.http.get("/v1/ask")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
