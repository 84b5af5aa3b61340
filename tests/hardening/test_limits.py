"""Limits that cannot be side-stepped (issue 13: 4, 7, 8): per client address, hand-off caps, a sliding
window, and in-memory state with real bounds."""

from __future__ import annotations

import sqlite3
import time

import httpx

from bot.web.chat import ANSWERS_PER_SESSION, Sessions
from bot.web.requests import RateLimiter
from tests.escalation.conftest import records, support_posts, wait_support_posts
from tests.hardening.conftest import SUPPORT_CHANNEL
from tests.slack.fakes import FakeAssistant


def visitor(service, address: str) -> httpx.Client:
    """A browser at `address`, seen through the trusted proxy on loopback (X-Forwarded-For)."""
    return httpx.Client(base_url=service.url, headers={"X-Forwarded-For": address, "Origin": service.url})


def test_fresh_sessions_buy_no_extra_allowance_per_address(start_service, recording_assistant):
    service = start_service(recording_assistant, WEB_RATE_PER_ADDRESS_PER_MINUTE="3", API_RATE_PER_MINUTE="60")
    pages = []
    for _ in range(4):  # every GET / without a cookie would be a new session
        with visitor(service, "203.0.113.7") as client:
            pages.append(client.get("/").status_code)
    assert pages == [200, 200, 200, 429]
    with visitor(service, "198.51.100.2") as elsewhere:
        assert elsewhere.get("/").status_code == 200

    # Questions count per address across that address's sessions too.
    clients = [visitor(service, "192.0.2.9") for _ in range(2)]
    try:
        statuses = []
        for i in range(4):
            client = clients[i % 2]
            if "kimss_chat" not in client.cookies:
                client.get("/")
            statuses.append(client.post("/chat/ask", json={"question": f"Question {i}?"}).status_code)
        assert statuses == [200, 200, 200, 429]
    finally:
        for client in clients:
            client.close()


def test_hand_offs_are_capped_per_address_and_the_visitor_is_told_where_else_to_go(start_service, standin):
    assistant = FakeAssistant()
    service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL, HANDOFFS_PER_HOUR="2")
    outcomes = []
    for i in range(3):  # three anonymous sessions from one address, each contacting support
        with visitor(service, "203.0.113.50") as client:
            client.get("/")
            answer = client.post("/chat/ask", json={"question": f"Can someone call me back about {i}?"}).json()
            support = client.post("/chat/support", json={"answer_id": answer["answer_id"]})
            outcomes.append((support.status_code, support.json()))
            if i == 0:  # asking again about the same answer is the same hand-off, not a new one
                again = client.post("/chat/support", json={"answer_id": answer["answer_id"]})
                assert again.json()["reference"] == support.json()["reference"]
    assert [status for status, _ in outcomes] == [200, 200, 429]
    refused = outcomes[2][1]
    assert refused["error"] == "handoff_limit" and refused["support_url"] in refused["message"]
    assert len(records(service.settings)) == 2
    wait_support_posts(standin, 2)
    service.wait_idle()
    assert len(support_posts(standin)) == 2
    with visitor(service, "198.51.100.77") as other:  # another address still reaches support
        other.get("/")
        answer = other.post("/chat/ask", json={"question": "Please pass me to a person"}).json()
        assert other.post("/chat/support", json={"answer_id": answer["answer_id"]}).status_code == 200


def test_automatic_hand_offs_count_against_the_cap_too(start_service, standin):
    from bot.answer import Escalation

    assistant = FakeAssistant()
    assistant.escalation = Escalation("data_request", kind="deletion")
    service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL, HANDOFFS_PER_HOUR="1")
    with visitor(service, "203.0.113.60") as client:
        client.get("/")
        first = client.post("/chat/ask", json={"question": "Delete my account"}).json()
        second = client.post("/chat/ask", json={"question": "Delete my other account"}).json()
    assert first["escalation"]["reference"].startswith("PRV-")
    assert "reference" not in second["escalation"] and "/app/support" in second["escalation"]["message"]
    assert len(records(service.settings)) == 1


def test_the_limit_is_a_sliding_window_of_60_seconds():
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    passed = []
    for step in range(240):  # one request every half second for two minutes
        now[0] = step * 0.5
        if limiter.take("token") is None:
            passed.append(now[0])
    # In any 60 s, at most 60 (the token bucket let 119 through in the first minute).
    assert max(sum(1 for t in passed if start <= t < start + 60) for start in passed) == 60
    assert len([t for t in passed if t < 60]) == 60


def test_limiter_keys_are_forgotten_when_idle_and_bounded_in_number():
    now = [0.0]
    limiter = RateLimiter(5, clock=lambda: now[0], max_keys=1000)
    for i in range(5000):
        limiter.take(f"address:{i}")
    assert len(limiter) == 1000
    now[0] = 61.0
    limiter.take("address:new")
    assert len(limiter) == 1  # idle keys went without waiting for a refusal


def test_chat_sessions_are_bounded_by_idle_time_and_stored_answers():
    from tests.slack.fakes import FakeAssistant

    now = [0.0]
    sessions = Sessions("s" * 32, clock=lambda: now[0], max_answers=100)
    answer = FakeAssistant().ask("How is my data protected?")
    for i in range(30):
        session = sessions.get(sessions.sign(f"sid{i}"))
        for j in range(ANSWERS_PER_SESSION + 5):
            sessions.remember(session, f"{i}-{j}", answer)
            now[0] += 1
    assert len(session.answers) == ANSWERS_PER_SESSION
    assert sessions.stored_answers() <= 100 and len(sessions) <= 5
    now[0] += 13 * 3600  # past the 12-hour idle time: the next visitor's request purges the rest
    sessions.get(sessions.sign("late"))
    assert len(sessions) == 1 and sessions.stored_answers() == 0


def test_processed_events_are_purged_while_the_service_runs(tmp_path, monkeypatch):
    from bot.store import StateStore
    from bot.store import state

    store = StateStore.open(tmp_path / "state.sqlite3")
    try:
        store.claim_event("Ev-fresh")
        with sqlite3.connect(tmp_path / "state.sqlite3") as conn:
            conn.execute("INSERT INTO processed_events (event_id, received_at) VALUES ('Ev-old', ?)",
                         (time.time() - 2 * 86400,))
        later = time.monotonic() + 2 * 3600
        monkeypatch.setattr(state.time, "monotonic", lambda: later)  # two hours on, no restart
        assert store.claim_event("Ev-new")
        ids = {row[0] for row in store.db.query("SELECT event_id FROM processed_events")}
        assert ids == {"Ev-fresh", "Ev-new"}
    finally:
        store.close()
