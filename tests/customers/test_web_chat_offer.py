"""The web chat's offer: an answer the router was unsure about shows "Yes, hand it to the privacy team"."""

from __future__ import annotations

from tests.customers.test_web_chat import browser, chat  # noqa: F401  (shared fixtures)
from tests.escalation.conftest import records, wait_support_posts


def test_an_offered_hand_off_is_shown_and_one_click_hands_it_to_the_team(chat, standin, recording_assistant, browser):
    from playwright.sync_api import expect

    recording_assistant.offer = "data_request"
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(chat.url + "/")
    page.get_by_label("Your question").fill("how do I get my data deleted?")
    page.get_by_label("Your question").press("Enter")
    answer = page.get_by_role("article", name="Answer")
    expect(answer).to_contain_text("Do you want the privacy team to act on this?")
    assert records(chat.settings) == []  # offered, not made

    answer.get_by_role("button", name="Yes, hand it to the privacy team").click()
    reference = answer.locator("[data-reference]")
    expect(reference).to_contain_text("Reference: PRV-")
    [record] = records(chat.settings)
    assert record.reason == "data_request" and record.reference == reference.get_attribute("data-reference")
    assert record.question == "how do I get my data deleted?"
    [post] = wait_support_posts(standin)
    assert record.reference in post.dump()
    expect(answer.get_by_role("button", name="Yes, hand it to the privacy team")).to_have_count(0)
    assert errors == []
