"""What reaches the log (issue 13: 6, 11): access lines without query strings; ids intact, text redacted."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logging_setup import JsonFormatter, configure_logging


@pytest.fixture
def json_log():
    """Our JSON handler on the root logger (as `privacy-bot serve` configures it), restored afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level,
             {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).propagate)
              for n in ("uvicorn", "uvicorn.error", "uvicorn.access")})
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    for name, (handlers, propagate) in saved[2].items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_token_in_the_query_string_never_reaches_the_access_log(start_service, recording_assistant, json_log):
    service = start_service(recording_assistant, uvicorn_options={"log_config": None, "log_level": "info",
                                                                  "access_log": True})
    secret = "tokSECRETabcdefghijklmnop"  # no digits: redaction alone would not hide it
    assert service.http.get(f"/healthz?token={secret}").status_code == 200
    assert service.http.post(f"/v1/ask?access_token={secret}", json={"question": "Hi?"}).status_code == 401
    service.stop()
    service_lines = [line for line in lines(json_log) if line["logger"] != "httpx"]  # httpx: this test's client
    access = [line for line in service_lines if line["logger"] == "uvicorn.access"]
    assert any("/healthz" in line["message"] for line in access)
    assert any("/v1/ask" in line["message"] for line in access)
    assert not [line for line in service_lines if secret in json.dumps(line)]


def record(msg: str, *args, **extra) -> logging.LogRecord:
    entry = logging.LogRecord("bot.test", logging.INFO, __file__, 1, msg, args or None, None)
    for key, value in extra.items():
        setattr(entry, key, value)
    return entry


def test_ids_are_kept_and_personal_data_is_still_redacted():
    formatter = JsonFormatter()
    line = json.loads(formatter.format(record(
        "answered trace_id=%s answer_id=%s ts=%s for %s", "29a8e27a123456", "29a8e27a12345678", "1700000000.000100",
        "pat@acme.example +44 20 7946 0958", answer_id="29a8e27a12345678", message_ts="1700000000.000900",
        note="call +44 20 7946 0958")))
    assert line["message"] == ("answered trace_id=29a8e27a123456 answer_id=29a8e27a12345678 ts=1700000000.000100 "
                               "for [email] [phone]")
    assert line["answer_id"] == "29a8e27a12345678" and line["message_ts"] == "1700000000.000900"
    assert line["note"] == "call [phone]"


def test_an_id_field_holding_text_is_redacted_all_the_same():
    line = json.loads(JsonFormatter().format(record("user_id=%s", "pat@acme.example", user_id="call 0207 946 0958")))
    assert "pat@acme" not in line["message"] and "0958" not in line["user_id"]


def test_a_huge_message_is_cut_before_it_is_written():
    line = json.loads(JsonFormatter().format(record("%s", "A" * 70_000)))
    assert len(line["message"]) < 10_000 and "more characters" in line["message"]


def test_bolts_failed_verification_line_never_carries_the_body(caplog):
    from bot.log_redaction import install_filters

    install_filters()
    caplog.set_level(logging.INFO)
    # What slack_bolt's RequestVerification writes when a signature fails, with the request's body.
    logging.getLogger("slack_bolt.RequestVerification").info(
        "Invalid request signature detected (signature: v0=abc, timestamp: 1, body: {\"text\": \"CANARY pat@x.example\"})")
    [entry] = [r for r in caplog.records if r.name == "slack_bolt.RequestVerification"]
    assert entry.getMessage() == "Invalid request signature detected (body not logged)"
