"""What people read: log lines on a terminal, .env warnings, and hand-off wording that is true."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.answer import Answer, Citation, Escalation
from bot.logging_setup import configure_logging, question_context
from bot.render_text import render_answer
from bot.settings import Settings


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("stream_type,log_format,expect_json", [
    (Terminal, "auto", False), (io.StringIO, "auto", True), (Terminal, "json", True), (io.StringIO, "text", False),
])
def test_readable_lines_on_a_terminal_json_otherwise(restore_logging, stream_type, log_format, expect_json):
    stream = stream_type()
    configure_logging("INFO", stream=stream, log_format=log_format)
    with question_context(source="cli") as bound:
        logging.getLogger("bot.test").info("answered for dana@example.com", extra={"outcome": "answered"})
    line = stream.getvalue().strip()
    if expect_json:
        data = json.loads(line)
        assert data["message"].startswith("answered for") and data["outcome"] == "answered"
        assert data["trace_id"] == bound.trace_id and "dana@example.com" not in line
    else:
        assert not line.startswith("{") and "INFO  bot.test: answered for" in line
        assert "outcome=answered" in line and f"[trace {bound.trace_id}]" in line
        assert "dana@example.com" not in line  # the same redaction as the JSON lines


def test_log_format_is_validated():
    from bot.errors import ConfigError

    with pytest.raises(ConfigError) as error:
        Settings.from_mapping({"LOG_FORMAT": "pretty"})
    assert error.value.variable == "LOG_FORMAT"


def test_dotenv_problems_are_reported_once_with_the_line_number(tmp_path, monkeypatch, capsys):
    dotenv = tmp_path / ".env"
    dotenv.write_text("PORT=4000\nSLAK_BOT_TOKEN=xoxb-secret-value\nthis line is not a setting\nDATA_DIR=/d\n")
    for name in ("PORT", "DATA_DIR", "SLAK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    first = Settings.load(dotenv_path=dotenv)
    Settings.load(dotenv_path=dotenv)
    err = capsys.readouterr().err
    assert (first.port, str(first.data_dir)) == (4000, "/d")  # the good lines still count
    assert err.count(".env line 3: cannot read this line") == 1
    assert err.count("SLAK_BOT_TOKEN is not a setting") == 1 and "did you mean SLACK_BOT_TOKEN?" in err
    assert "xoxb-secret-value" not in err and "PORT is not" not in err


def answer_for(reason: str) -> Answer:
    from bot.assistant import FRAMING

    citation = Citation(n=1, document="privacy-policy.md", title="Privacy Policy", section="Contact Information",
                        quote="Contact us.", url=None, updated="2026-04-30", score=0.5)
    return Answer("q", FRAMING[reason] + "\nAccording to the Privacy Policy: “Contact us.” [1]", True, 0.9, "employee",
                  [citation], Escalation(reason))


@pytest.mark.parametrize("reason", ["data_request", "security", "user_request"])
def test_the_cli_never_claims_a_hand_off_it_did_not_make(reason):
    text = render_answer(answer_for(reason), "https://kimss.example/support").lower()
    assert not any(claim in text for claim in ("handing it", "hand this", "handed", "passed this on", "i'll hand"))
    assert "https://kimss.example/support" in text
    assert ("meanwhile, change your kimss ai password" in text) == (reason == "security")


def record(reason: str, kind: str = "employee", delivery: str = "pending"):
    from bot.escalation.record import Asker, EscalationRecord

    asker = Asker.employee("U0123") if kind == "employee" else Asker.customer("cus_1", "dana@acme.example", "acme")
    return EscalationRecord(reference="PRV-1234", created_at=0.0, reason=reason, audience=kind, asker=asker,
                            reply_to=None, question="q", delivery=delivery)


@pytest.mark.parametrize("kind,delivery", [("employee", "pending"), ("employee", "no_channel"), ("customer", "pending")])
def test_a_recorded_security_hand_off_says_what_to_do_meanwhile_and_links_support(kind, delivery):
    from bot.assistant import FRAMING
    from bot.escalation.render import acknowledgement

    slack = acknowledgement(record("security", kind, delivery), support_url="https://kimss.example/support",
                            response_time="within 2 business days")
    assert "<https://kimss.example/support|https://kimss.example/support>" in slack  # a link in Slack mrkdwn
    assert slack.count("Meanwhile,") == 1 and "password" in slack
    reply = (FRAMING["security"] + " " + slack).lower()
    assert not ("handed over" in reply and "report it now" in reply) and "report this" not in reply
    plain = acknowledgement(record("security", kind, delivery), support_url="https://kimss.example/support",
                            response_time="within 2 business days", mrkdwn=False)
    assert "https://kimss.example/support" in plain and "<https" not in plain
    other = acknowledgement(record("data_request", kind, delivery), support_url="/app/support", response_time="soon")
    assert "Meanwhile" not in other and "/app/support" in other and "<" not in other  # relative: no link


def test_support_url_in_an_answer_is_a_slack_link():
    from bot.slack.blocks import render_answer as slack_render

    text = "The privacy policy does not cover this question. Support can help: contact Kimss AI through https://kimss.example/support."
    message = slack_render(Answer("q", text, False, 0.1, "employee", [], Escalation("not_covered")), "a1")
    body = " ".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")
    assert "through <https://kimss.example/support|https://kimss.example/support>." in body


def test_the_example_env_has_no_unknown_keys(tmp_path, monkeypatch, capsys):
    from tests.conftest import ROOT

    dotenv = tmp_path / ".env"
    dotenv.write_text((ROOT / ".env.example").read_text())
    Settings.load(dotenv_path=dotenv)
    assert "warning" not in capsys.readouterr().err


def test_log_lines_follow_stderr_when_it_is_replaced_and_the_old_one_closed(restore_logging, monkeypatch):
    # A background thread (escalation outbox, Slack runtime) that logs after stderr was swapped and the
    # old stream closed must not fail with "I/O operation on closed file" and lose its line.
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    configure_logging("INFO", log_format="json")
    logging.getLogger("bot.test").info("before the swap")
    monkeypatch.setattr("sys.stderr", second)
    first.close()
    logging.getLogger("bot.test").info("after the swap")
    assert json.loads(second.getvalue())["message"] == "after the swap"
