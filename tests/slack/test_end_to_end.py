"""The real core behind the real service: the shipped policy, indexed into a temporary DATA_DIR."""

from __future__ import annotations

import json

import pytest

from bot.slack.blocks import ACTION_SUPPORT
from tests.slack.harness import mention

pytestmark = pytest.mark.slow


def test_a_mention_gets_the_policys_own_words_with_its_section_cited(start_service, standin, shipped_assistant):
    service = start_service(shipped_assistant)
    health = service.http.get("/healthz").json()
    assert health["ok"] is True and health["documents"] >= 1 and health["policy_date"] == "2026-04-30"

    service.send_event(mention("How does Kimss AI protect my information?", ts="1700000000.000700"))
    service.wait_idle()
    [reply] = standin.of("chat.postMessage")
    blocks = json.dumps(reply.args["blocks"], ensure_ascii=False)
    assert "safeguards" in blocks
    assert "Security Measures — Privacy Policy, updated April 30, 2026" in blocks
    assert reply.args["thread_ts"] == "1700000000.000700"


def test_a_data_request_is_handed_to_a_person(start_service, standin, shipped_assistant):
    service = start_service(shipped_assistant)
    service.send_event(mention("Please delete all my personal data"))
    service.wait_idle()
    [reply] = standin.of("chat.postMessage")
    support = [e for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == ACTION_SUPPORT][0]
    assert support.get("style") == "primary"
    assert "Contact Information" in json.dumps(reply.args["blocks"], ensure_ascii=False)
