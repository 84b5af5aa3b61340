"""👍/👎 on web chat answers: POST /chat/feedback stores the vote like Slack's (table feedback), once per
visitor per answer, only for answers of the visitor's own session, rate-limited; and in Chromium."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import httpx
import pytest

from bot.store import StateStore
from tests.customers.chromium import chromium  # noqa: F401  (fixture)
from tests.customers.conftest import SUPPORT_CHANNEL
from tests.escalation.conftest import records


@pytest.fixture
def chat(start_service, recording_assistant):
    return start_service(recording_assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)


@contextmanager
def visitor(service) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service.url) as client:
        client.get("/")  # the page hands out the session cookie
        yield client


def votes(settings) -> list[tuple[str, str, str]]:
    store = StateStore.open(settings.state_db)
    try:
        return [(v.answer_id, v.user_id, v.vote) for v in store.votes()]
    finally:
        store.close()


def test_a_vote_is_stored_once_per_answer_and_can_be_changed(chat):
    with visitor(chat) as client:
        answer_id = client.post("/chat/ask", json={"question": "How is my data protected?"}).json()["answer_id"]
        for _ in range(3):  # a double click, a retry: still one vote
            response = client.post("/chat/feedback", json={"answer_id": answer_id, "vote": "helpful"})
            assert response.status_code == 200 and response.json() == {"answer_id": answer_id, "vote": "helpful"}
        [(voted_on, user, vote)] = votes(chat.settings)
        assert (voted_on, vote) == (answer_id, "helpful") and user.startswith("web-chat:")
        assert client.post("/chat/feedback", json={"answer_id": answer_id, "vote": "not_helpful"}).status_code == 200
        assert [(a, v) for a, _, v in votes(chat.settings)] == [(answer_id, "not_helpful")]


def test_the_vote_joins_the_questions_analytics_event(chat):
    """The report counts 👍/👎 per section through the answer id: the web chat's must match."""
    with visitor(chat) as client:
        answer_id = client.post("/chat/ask", json={"question": "How is my data protected?"}).json()["answer_id"]
        client.post("/chat/feedback", json={"answer_id": answer_id, "vote": "not_helpful"})
    store = StateStore.open(chat.settings.state_db)
    try:
        rows = store.db.query("SELECT source, top_section, helpful, not_helpful FROM question_events_feedback"
                              " WHERE answer_id = ?", (answer_id,))
    finally:
        store.close()
    assert [tuple(r) for r in rows] == [("web", "Security Measures", 0, 1)]


def test_only_answers_of_this_session_take_a_vote(chat):
    with visitor(chat) as mine, visitor(chat) as other:
        answer_id = mine.post("/chat/ask", json={"question": "How is my data protected?"}).json()["answer_id"]
        stranger = other.post("/chat/feedback", json={"answer_id": answer_id, "vote": "not_helpful"})
        assert stranger.status_code == 422 and stranger.json()["field"] == "answer_id"
        made_up = mine.post("/chat/feedback", json={"answer_id": "0" * 16, "vote": "helpful"})
        assert made_up.status_code == 422 and made_up.json()["field"] == "answer_id"
        for bad in ("yes", 1, None, "HELPFUL"):
            wrong = mine.post("/chat/feedback", json={"answer_id": answer_id, "vote": bad})
            assert wrong.status_code == 422 and wrong.json()["field"] == "vote"
        other_site = mine.post("/chat/feedback", json={"answer_id": answer_id, "vote": "helpful"},
                               headers={"Origin": "https://evil.example"})
        assert other_site.status_code == 403
    with httpx.Client(base_url=chat.url) as no_cookie:
        assert no_cookie.post("/chat/feedback", json={"answer_id": answer_id, "vote": "helpful"}).status_code == 401
    assert votes(chat.settings) == []


def test_votes_are_rate_limited_per_session_apart_from_questions(start_service, recording_assistant):
    service = start_service(recording_assistant, API_RATE_PER_MINUTE="2")
    with visitor(service) as client:
        answer_id = client.post("/chat/ask", json={"question": "One?"}).json()["answer_id"]
        for vote in ("helpful", "not_helpful"):
            assert client.post("/chat/feedback", json={"answer_id": answer_id, "vote": vote}).status_code == 200
        limited = client.post("/chat/feedback", json={"answer_id": answer_id, "vote": "helpful"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        # Voting used its own bucket: the visitor can still ask.
        assert client.post("/chat/ask", json={"question": "Two?"}).status_code == 200
    assert [v for _, _, v in votes(service.settings)] == ["not_helpful"]


def test_thumbs_down_in_chromium_is_stored_and_offers_the_privacy_team(chat, chromium):
    from playwright.sync_api import expect

    page = chromium.new_page()
    page.goto(chat.url + "/")
    page.get_by_label("Your question").fill("How is my data protected?")
    page.get_by_label("Your question").press("Enter")
    answer = page.get_by_role("article", name="Answer")
    down = answer.get_by_role("button", name="Not helpful", exact=True)
    down.focus()
    page.keyboard.press("Enter")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_role("button", name="Helpful", exact=True)).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("status")).to_have_text("Thanks for your feedback.")
    assert [v for _, _, v in votes(chat.settings)] == ["not_helpful"]

    # 👎 offers a person through the one Contact support panel; nothing is recorded until it is sent.
    answer.get_by_role("button", name="Ask the privacy team").click()
    panel = page.get_by_role("region", name="Contact support")
    expect(panel).to_be_visible()
    expect(panel.get_by_label("Email (optional, so they can reach you)")).to_be_focused()
    assert records(chat.settings) == []
    panel.get_by_role("button", name="Send to the privacy team").click()
    expect(panel.locator("[data-reference]")).to_contain_text("PRV-")
    [record] = records(chat.settings)
    assert record.question == "How is my data protected?" and record.reply_to.kind == "web"
