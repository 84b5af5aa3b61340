"""A two-turn conversation on the web chat page in a real headless Chromium, with the real core."""

from __future__ import annotations

import pytest

from tests.customers.chromium import chromium  # noqa: F401  (fixture: Debian chromium under Playwright)


@pytest.fixture
def chat(start_service, shipped_assistant):
    return start_service(shipped_assistant)


def test_a_follow_up_in_the_web_chat_is_answered_in_context(chat, chromium):  # noqa: F811
    from playwright.sync_api import expect

    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(chat.url + "/")
    question = page.get_by_label("Your question")
    question.fill("How do you protect my data?")
    question.press("Enter")
    answers = page.get_by_role("article", name="Answer")
    expect(answers).to_have_count(1)
    expect(answers.nth(0)).to_contain_text("safeguards")
    expect(answers.nth(0).locator(".answering")).to_have_count(0)

    question.fill("is it encrypted?")
    question.press("Enter")
    expect(answers).to_have_count(2)
    second = answers.nth(1)
    expect(second).to_contain_text("Answering: Is my data encrypted?")
    expect(second.locator(".citation").first).to_contain_text("Security Measures")
    expect(second).to_contain_text("encrypted transport")

    # A new visitor (another session) has no conversation to follow.
    other = chromium.new_context().new_page()
    other.goto(chat.url + "/")
    box = other.get_by_label("Your question")
    box.fill("is it encrypted?")
    box.press("Enter")
    answer = other.get_by_role("article", name="Answer")
    expect(answer).to_have_count(1)
    expect(answer.locator(".answering")).to_have_count(0)
    assert errors == []
