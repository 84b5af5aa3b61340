"""No unauthenticated request may hold the service: URL and body limits before reading, read timeout,
disconnects, and the refused Slack body never reaching the log (issue 13: 1, 3, 10)."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.hardening.conftest import API_TOKEN, error_of, raw_exchange
from tests.slack.harness import mention

BIG = 64 * 1024
# Every kind of endpoint, and a path nobody serves (a route added later gets the same limit).
PATHS = ["/slack/events", "/v1/ask", "/chat/ask", "/chat/support", "/healthz", "/not-a-route"]


@pytest.mark.parametrize("path", PATHS)
def test_a_declared_64_kb_body_is_refused_before_it_is_sent(hardened, path):
    # Only the headers go out: the answer must come without the server waiting for the body.
    head = (f"POST {path} HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
            f"Content-Length: {BIG}\nConnection: keep-alive\n")
    status, headers, body = raw_exchange(hardened.url, head)
    assert status == 413 and error_of(body) == "too_large"
    assert headers["connection"] == "close"  # the rest of the body is never read


def test_a_chunked_body_is_cut_off_at_the_limit(hardened):
    chunk = b"A" * 8192
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8)) + b"0\r\n\r\n"
    head = "POST /slack/events HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nTransfer-Encoding: chunked\n"
    status, _, response = raw_exchange(hardened.url, head, body)
    assert status == 413 and error_of(response) == "too_large"


@pytest.mark.parametrize("where", ["path", "query"])
@pytest.mark.parametrize("length", [4096, 65_000])  # the probe: GET / + 65,000 × "A"
def test_a_long_url_is_refused(hardened, where, length):
    url = "/" + "A" * length if where == "path" else "/?" + "A" * length
    status, _, body = raw_exchange(hardened.url, f"GET {url} HTTP/1.1\nHost: 127.0.0.1\n")
    assert status == 414 and error_of(body) == "uri_too_long"
    assert hardened.http.get("/healthz").status_code == 200


def test_a_body_that_never_arrives_gets_408(hardened):
    # Declares 100 bytes more than it sends, then waits: REQUEST_READ_TIMEOUT=1 in this service.
    sent = json.dumps({"question": "How is my data protected?"}).encode()
    head = (f"POST /v1/ask HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer {API_TOKEN}\n"
            f"Content-Type: application/json\nContent-Length: {len(sent) + 100}\n")
    status, headers, body = raw_exchange(hardened.url, head, sent)
    assert status == 408 and error_of(body) == "request_timeout"
    assert headers["connection"] == "close"


def test_a_client_leaving_mid_body_is_not_an_error(start_service, recording_assistant, caplog):
    import socket
    from urllib.parse import urlsplit

    service = start_service(recording_assistant, REQUEST_READ_TIMEOUT="30", uvicorn_options={"log_config": None})
    caplog.set_level(logging.INFO)
    parts = urlsplit(service.url)
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"type\": ")
        time.sleep(0.3)  # the endpoint is reading the body when the client leaves
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("disconnected" in r.getMessage() for r in caplog.records):
        time.sleep(0.05)
    assert any("client disconnected before the request body was complete" in r.getMessage() for r in caplog.records)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("case", ["unsigned", "stale signature"])
def test_a_refused_slack_request_never_logs_its_body(hardened, caplog, case):
    caplog.set_level(logging.DEBUG)
    canary = "CANARY-QUESTION-TEXT how do I delete the account of pat@acme.example"
    if case == "unsigned":
        response = hardened.http.post("/slack/events", content=json.dumps({"type": "event_callback", "text": canary}),
                                      headers={"Content-Type": "application/json"})
    else:  # signed correctly, 400 s ago: outside Slack's 5-minute window
        response = hardened.send_event(mention(canary), timestamp=int(time.time()) - 400)
    assert response.status_code == 401
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "CANARY" not in logged and "pat@acme" not in logged
    hardened.wait_idle()
    assert hardened.slack.store.db.query("SELECT COUNT(*) FROM processed_events")[0][0] == 0


def test_the_health_check_is_served_while_big_requests_are_refused(hardened):
    # The reproduction: 64 KB URLs and bodies (unauthenticated) then /healthz at once.
    for _ in range(3):
        assert raw_exchange(hardened.url, f"GET /{'A' * 65_000} HTTP/1.1\nHost: x\n")[0] == 414
        assert raw_exchange(hardened.url, "POST /slack/events HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                                          f"Content-Length: {BIG}\n", b"A" * BIG)[0] == 413
        assert hardened.http.get("/healthz").json()["ok"] is True
