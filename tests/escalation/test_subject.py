"""`privacy-bot subject export|erase`: one person's data planted through Slack, the API and the web chat
(the real service over HTTP), found by the export and gone after the erase — except the §7101 record."""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest

from bot.answer import Escalation
from bot.slack.blocks import ACTION_HELPFUL, ACTION_SUPPORT
from tests.escalation.conftest import SUPPORT_CHANNEL, SUPPORTER
from tests.escalation.test_slack_flow import wait_record
from tests.slack.harness import USER_ID, direct_message, mention
from tests.team.conftest import run_cli

API_TOKEN = "test-api-token-0123456789abcdef"
EMAIL = "dana@acme.example"
CUSTOMER = "cus_981"
# Everything that identifies Dana or that she wrote: none of it may remain after the erase.
TRACES = ("Dana", "dana@acme", USER_ID, CUSTOMER, "zendesk-48213", "D0DIRECT", "Acme Corp")


def all_text(db_path) -> str:
    """Every value of every table, as one string (what a person with the file could read)."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for table in tables for row in conn.execute(f"SELECT * FROM {table}"))
    finally:
        conn.close()


@pytest.fixture
def planted(start_service, standin, assistant):
    service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL, SUPPORT_TEAM_USER_IDS=SUPPORTER,
                            API_TOKENS=API_TOKEN)
    # Slack: a data request in a DM, a question in a channel with a 👍, and someone else's question.
    assistant.escalation = Escalation("data_request", kind="deletion")
    service.send_event(direct_message("I'm Dana, please delete all my data", ts="1700000000.000601"))
    service.wait_idle()
    assistant.escalation = None
    service.send_event(mention("Dana asks: how is my data protected?", ts="1700000000.000602"))
    service.send_event(mention("What do you share with partners?", ts="1700000000.000603", user="U0OTHER"))
    service.wait_idle()
    [reply] = [c for c in standin.of("chat.postMessage") if "thread_ts" in c.args and c.args.get("thread_ts")
               == "1700000000.000602"]
    answer_id = next(e["value"] for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]
                     if e["action_id"] != ACTION_SUPPORT)
    service.click(ACTION_HELPFUL, answer_id, response_url=standin.response_url("vote"))
    # The API: a data request and a plain question for customer cus_981.
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    customer = {"id": CUSTOMER, "email": EMAIL, "workspace": "Acme Corp"}
    assistant.escalation = Escalation("data_request", kind="access")
    assert service.http.post("/v1/ask", headers=auth, json={"question": "Send me a copy of my data, Dana here",
                                                            "conversation_id": "zendesk-48213",
                                                            "customer": customer}).status_code == 200
    assistant.escalation = None
    # With an Idempotency-Key: the response kept for its retries quotes her question.
    assert service.http.post("/v1/ask", headers={**auth, "Idempotency-Key": "zd-req-1"},
                             json={"question": "Do you sell data? (Dana)", "customer": customer}).status_code == 200
    # The web chat: a question, then Contact support with her email.
    with httpx.Client(base_url=service.url) as browser:
        browser.get("/")
        asked = browser.post("/chat/ask", json={"question": "How long do you keep chats? Dana"}).json()
        assert browser.post("/chat/feedback", json={"answer_id": asked["answer_id"], "vote": "not_helpful"},
                            headers={"Origin": service.url}).status_code == 200
        support = browser.post("/chat/support", json={"answer_id": asked["answer_id"], "email": EMAIL})
        assert support.status_code == 200, support.text
    service.wait_idle()
    wait_record(service, lambda r: r.delivery == "delivered" and r.reason == "data_request", standin)
    env = {"DATA_DIR": str(service.settings.data_dir), "KNOWLEDGE_DIR": str(service.settings.data_dir)}
    return service, env


@pytest.mark.slow
def test_export_finds_everything_and_erase_leaves_only_the_7101_record(planted, tmp_path, standin):
    service, env = planted
    who = ["--slack-user", USER_ID, "--email", EMAIL, "--customer-id", CUSTOMER]
    exported = run_cli(["subject", "export", *who], env, tmp_path)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    stores = data["stores"]
    assert sorted(r["reply_to"]["kind"] for r in stores["escalations"]) == ["api", "slack", "web"]
    assert all(r["history"] for r in stores["escalations"])
    assert sorted((f["table"], f["vote"]) for f in stores["feedback"]) == [("feedback", "helpful"),
                                                                           ("feedback", "not_helpful")]
    sources = sorted(e["source"] for e in stores["question_events"])
    assert sources == ["api", "api", "slack", "slack", "web"]  # the web chat's row found through her email
    assert not any("partners" in e["question"] for e in stores["question_events"])  # not someone else's
    # Conversation context (API conversation zendesk-48213, her web chat session), found through her hand-offs.
    turns = sorted(t["question"] for t in stores["conversation_turns"])
    # Her Slack questions are turns of their threads, found by who asked them (`asker`).
    assert turns == ["Dana asks: how is my data protected?", "How long do you keep chats? Dana",
                     "I'm Dana, please delete all my data", "Send me a copy of my data, Dana here"]
    assert "processed_events" in data["holds_nothing"]
    [kept] = stores["api_idempotency"]
    assert kept["response"]["question"] == "Do you sell data? (Dana)"

    # Requests still open: the erase refuses, naming them, and erases nothing.
    refused = run_cli(["subject", "erase", *who], env, tmp_path)
    assert refused.returncode == 1 and "still open" in refused.stderr and "PRV-" in refused.stderr
    assert "dana@acme.example" in all_text(service.settings.state_db)

    erased = run_cli(["subject", "erase", "--include-open", *who], env, tmp_path)
    assert erased.returncode == 0, erased.stderr
    report = json.loads(erased.stdout)
    assert report["erased"] == {"question_events": 5, "escalations": 3, "feedback": 2, "conversation_turns": 4,
                                "api_idempotency": 1}
    assert "11 CCR §7101" in " ".join(report["kept"]["escalations"])
    # The support messages are re-rendered without her question (the running service's outbox).
    standin.wait_for(lambda calls: len([c for c in calls if c.method == "chat.update"
                                        and "(erased)" in json.dumps(c.args.get("blocks"))]) >= 2)

    again = json.loads(run_cli(["subject", "export", *who], env, tmp_path).stdout)["stores"]
    assert again == {"escalations": [], "feedback": [], "question_events": [], "conversation_turns": [],
                     "api_idempotency": []}
    text = all_text(service.settings.state_db)
    for trace in TRACES:
        assert trace not in text, trace
    assert "partners" in text  # the other person's analytics row stays
    # What stays of her requests: the §7101 skeleton (dates, kind, channel, outcome), no question, no contact.
    listed = [json.loads(line) for line in run_cli(["escalations", "--json"], env, tmp_path).stdout.splitlines()]
    assert sorted(str(r["kind"]) for r in listed) == ["None", "access", "deletion"]
    assert all(r["question"] == "" and r["asker"] == {"kind": r["audience"]} and r["erased_at"] for r in listed)
