"""The leak test: an internal document's canary never reaches a customer, whichever way they ask.

A temporary knowledge directory holds the public policy and an internal runbook in which every
sentence carries a unique canary phrase. Questions written to hit the runbook are asked, through
the real service over HTTP with the real model and index, as a Slack Connect user (mentions in a
shared channel), as a guest (DMs and /privacy) and through POST /v1/ask: the canary, the runbook's
title and its file name appear in no answer, no citation and no Slack call (every call the
stand-in saw is checked, the support channel's too). Asked as an employee, the same questions
find the canary.
"""

from __future__ import annotations

import json
import shutil
from urllib.parse import urlencode

import pytest

from tests.conftest import KNOWLEDGE, make_settings
from tests.customers.conftest import (API_TOKEN, GUEST, MEMBER, SUPPORT_CHANNEL, connect_mention, dm_from,
                                      standin_users)
from tests.escalation.conftest import records
from tests.slack.harness import CHANNEL_ID, TEAM_ID, RunningService, slack_settings

pytestmark = pytest.mark.slow

CANARY = "cobalt-heron-5521"
INTERNAL_TITLE = "Internal Incident Runbook"
INTERNAL_FILE = "incident-runbook.md"
INTERNAL_DOC = f"""---
title: {INTERNAL_TITLE}
audience: internal
updated: 2026-05-02
---

# {INTERNAL_TITLE}

## Breach Bridge

During a suspected breach the on-call engineer opens the breach bridge {CANARY} within 15 minutes.
The breach bridge {CANARY} is staffed by the incident commander and the on-call site reliability engineer.

## Engineer Access to Production Customer Data

Engineers may access production customer data only through the break-glass procedure {CANARY}.
Every break-glass session under {CANARY} is recorded and reviewed weekly by the security lead.

## Backup Retention

Internal database backups are kept for 35 days under backup rule {CANARY}.
Backups tagged {CANARY} are encrypted, and their encryption keys are rotated every quarter.

## Vendor Security Review

New subprocessors and vendors must pass the vendor security questionnaire {CANARY} before the contract is signed.

## Law Enforcement Requests

Subpoenas and police requests are routed to the legal team under playbook {CANARY} and logged in the legal register.

## Employee Laptops

Employee laptops are enrolled in device management profile {CANARY} with full-disk encryption and automatic screen lock.
"""

# Written to hit the runbook: its topics in other words, never the canary itself.
QUESTIONS = [
    "How quickly is the breach bridge opened after a suspected breach?",
    "Who staffs the breach bridge during an incident?",
    "Is the incident commander on the breach bridge?",
    "What is the break-glass procedure for engineers accessing production customer data?",
    "Are break-glass sessions recorded and reviewed?",
    "Which engineers can access production customer data?",
    "Does the security lead review break-glass sessions every week?",
    "How long are internal database backups kept?",
    "What is the backup rule for database backups?",
    "Are database backups encrypted?",
    "How often are backup encryption keys rotated?",
    "What questionnaire must new subprocessors pass?",
    "How are vendors reviewed before the contract is signed?",
    "What is the vendor security questionnaire?",
    "How are subpoenas handled?",
    "Where are police requests routed?",
    "Is there a playbook for law enforcement requests?",
    "Are employee laptops encrypted?",
    "What device management profile do employee laptops use?",
    "Do employee laptops lock their screens automatically?",
    "What does the on-call site reliability engineer do in a breach?",
    "Are police requests logged in the legal register?",
]
LEAKS = (CANARY.lower(), INTERNAL_TITLE.lower(), INTERNAL_FILE.lower(), "incident-runbook")


def leaked(text: str) -> list[str]:
    return [marker for marker in LEAKS if marker in text.lower()]


@pytest.fixture(scope="module")
def leak_index(tmp_path_factory, embeddings):
    """The public policy plus the internal runbook, indexed once for the module."""
    from indexer.build import build_index

    root = tmp_path_factory.mktemp("leak")
    knowledge = root / "knowledge"
    knowledge.mkdir()
    shutil.copy(KNOWLEDGE / "privacy-policy.md", knowledge / "privacy-policy.md")
    (knowledge / INTERNAL_FILE).write_text(INTERNAL_DOC, encoding="utf-8")
    settings = make_settings(root / "data", knowledge)
    report = build_index(settings, embeddings=embeddings)
    assert report.published
    return settings


@pytest.fixture
def leak_service(leak_index, embeddings, standin, tmp_path):
    from bot.assistant import Assistant

    standin.users.update(standin_users())
    settings = slack_settings(tmp_path, standin, DATA_DIR=str(leak_index.data_dir),
                              KNOWLEDGE_DIR=str(leak_index.knowledge_dir), API_TOKENS=API_TOKEN,
                              SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    service = RunningService(settings, Assistant.from_settings(settings, embeddings=embeddings))
    yield service
    service.stop()


def test_the_runbook_is_in_the_index_for_employees(leak_index, embeddings):
    """The control: asked as an employee, every question finds the canary (so the others could have leaked)."""
    from bot.assistant import Assistant

    assistant = Assistant.from_settings(leak_index, embeddings=embeddings)
    missed = [q for q in QUESTIONS if CANARY not in json.dumps(assistant.ask(q, "employee").to_dict())]
    assert missed == []
    for question in QUESTIONS:
        answer = assistant.ask(question, "customer").to_dict()
        assert leaked(json.dumps(answer, ensure_ascii=False)) == [], question
        assert {c["document"] for c in answer["citations"]} <= {"privacy-policy.md"}


def test_no_customer_sees_the_canary_in_slack_or_the_api_but_employees_do(leak_service, standin):
    assert len(QUESTIONS) >= 20
    # Slack Connect: mentions from another organisation in a shared channel, and staff asking there
    # (everyone in the channel reads the answer).
    standin.shared_channels.add("C0SHARED")
    for i, question in enumerate(QUESTIONS):
        leak_service.send_event(connect_mention(question, ts=f"1700000100.{i:06d}"))
        leak_service.send_event(connect_mention(question, ts=f"1700000150.{i:06d}", user=MEMBER, team=TEAM_ID))
    # Guests: half by DM, half by /privacy (answered through response_url).
    for i, question in enumerate(QUESTIONS):
        if i % 2:
            leak_service.send_event(dm_from(GUEST, question, ts=f"1700000200.{i:06d}"))
        else:
            form = {"token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL_ID, "user_id": GUEST,
                    "command": "/privacy", "text": question, "response_url": standin.response_url(f"guest{i}"),
                    "trigger_id": f"2.{i}"}
            assert leak_service.post_signed(urlencode(form), "application/x-www-form-urlencoded").status_code == 200
    leak_service.wait_idle()

    # The API.
    api_answers = []
    for i, question in enumerate(QUESTIONS):
        response = leak_service.http.post("/v1/ask", headers={"Authorization": f"Bearer {API_TOKEN}"},
                                          json={"question": question, "conversation_id": f"leak-{i}",
                                                "customer": {"workspace": "acme"}})
        assert response.status_code == 200, response.text
        api_answers.append(response.json())

    # Every reply arrived: one per Slack Connect question, one per guest question.
    shared = [c for c in standin.of("chat.postMessage") if c.args.get("channel") == "C0SHARED"]
    guest_dms = [c for c in standin.of("chat.postMessage") if c.args.get("channel") == "D0GUEST"]
    guest_commands = [c for c in standin.of("response_url") if "/respond/guest" in c.path
                      and "Looking that up" not in c.dump()]
    assert len(shared) == 2 * len(QUESTIONS)
    assert len(guest_dms) + len(guest_commands) == len(QUESTIONS)
    assert {a["audience"] for a in api_answers} == {"customer"}

    # Hand-offs a customer's question caused are customers' too, and went to the support channel clean.
    assert all(r.audience == "customer" for r in records(leak_service.settings))

    # Nothing, anywhere: every Slack call (including failed attempts and support-channel posts), every API answer.
    for call in standin.attempts:
        assert leaked(call.dump()) == [], (call.method, call.dump()[:500])
    for answer in api_answers:
        assert leaked(json.dumps(answer, ensure_ascii=False)) == [], answer["question"]
        assert {c["document"] for c in answer["citations"]} <= {"privacy-policy.md"}
    # Customers were still answered from the public policy (not just silenced).
    assert any(a["citations"] for a in api_answers)

    # Employees: the same questions from a member of Kimss AI's workspace find the canary.
    for i, question in enumerate(QUESTIONS):
        leak_service.send_event(dm_from(MEMBER, question, ts=f"1700000300.{i:06d}", channel="D0MEMBER"))
    leak_service.wait_idle()
    member_replies = [c for c in standin.of("chat.postMessage") if c.args.get("channel") == "D0MEMBER"]
    assert len(member_replies) == len(QUESTIONS)
    assert all(CANARY in c.dump() for c in member_replies)
