"""What the chat page shows for the parts of an answer beyond its quotes, in Chromium: "Answering: …"
for a rewritten follow-up, the offered hand-off ("Do you want the privacy team to act on this?"),
a not-covered answer, and SUPPORT_URL as a link wherever an answer or acknowledgement names it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answer import Answer, Escalation
from tests.customers.chromium import chromium  # noqa: F401  (fixture)
from tests.customers.conftest import SUPPORT_CHANNEL, AudienceRecordingAssistant
from tests.escalation.conftest import records
from tests.slack.harness import SUPPORT_URL


class ShapedAssistant(AudienceRecordingAssistant):
    """The fake core, with the answer's extra fields set per test."""

    def __init__(self, **fields) -> None:
        super().__init__()
        self.fields = fields

    def ask(self, question: str, audience: str = "employee") -> Answer:
        answer = super().ask(question, audience)
        return replace(answer, **self.fields)


@pytest.fixture
def open_chat(start_service, chromium):
    def open_with(assistant):
        service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
        page = chromium.new_page()
        page.goto(service.url + "/")
        return service, page

    return open_with


def ask(page, question: str):
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")
    return page.get_by_role("article", name="Answer").last


def test_a_rewritten_follow_up_says_what_it_answers(open_chat):
    from playwright.sync_api import expect

    _, page = open_chat(ShapedAssistant(answering="How long do you keep my data after I leave?"))
    answer = ask(page, "and after I leave?")
    expect(answer.locator(".answering")).to_have_text("Answering: How long do you keep my data after I leave?")


def test_an_offered_hand_off_is_made_only_when_accepted(open_chat):
    from playwright.sync_api import expect

    service, page = open_chat(ShapedAssistant(offer="data_request"))
    answer = ask(page, "Can you tell me what you have on me?")
    expect(answer).to_contain_text("Do you want the privacy team to act on this?")
    assert records(service.settings) == []  # offered, not made
    answer.get_by_role("button", name="Yes, contact the privacy team").click()
    panel = page.get_by_role("region", name="Contact support")
    expect(panel.get_by_label("Email (optional, so they can reach you)")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(panel.locator("[data-reference]")).to_contain_text("PRV-")
    [record] = records(service.settings)
    assert record.reason == "data_request" and record.question == "Can you tell me what you have on me?"
    # Opening the panel again for the same answer shows the reference instead of a second request.
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Contact support").click()
    expect(panel.locator("[data-reference]")).to_have_text(f"Reference: {record.reference}")
    expect(panel.get_by_role("button", name="Send to the privacy team")).to_be_hidden()
    assert len(records(service.settings)) == 1


def test_a_not_covered_answer_links_support_and_offers_the_privacy_team(open_chat):
    from playwright.sync_api import expect

    text = f"The privacy policy does not cover this question. Support can help: contact Kimss AI through {SUPPORT_URL}."
    service, page = open_chat(ShapedAssistant(answer=text, covered=False, citations=[],
                                              escalation=Escalation("not_covered")))
    answer = ask(page, "Do you sell my data?")
    expect(answer.get_by_role("link", name=SUPPORT_URL)).to_have_attribute("href", SUPPORT_URL)
    expect(answer).to_contain_text(text)  # the words around the link are all still there
    answer.get_by_role("button", name="Ask the privacy team").click()
    page.get_by_role("button", name="Send to the privacy team").click()
    expect(page.get_by_role("region", name="Contact support").locator("[data-reference]")).to_contain_text("PRV-")
    [record] = records(service.settings)
    assert record.reason == "not_covered"


def test_before_any_question_contact_support_points_to_support_directly(open_chat):
    from playwright.sync_api import expect

    service, page = open_chat(ShapedAssistant())
    page.get_by_role("button", name="Contact support").click()
    panel = page.get_by_role("region", name="Contact support")
    expect(panel).to_contain_text("Ask your question here first")
    expect(panel.get_by_role("button", name="Send to the privacy team")).to_be_hidden()
    expect(panel.get_by_role("link", name=SUPPORT_URL)).to_have_attribute("href", SUPPORT_URL)
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()
    expect(page.get_by_role("button", name="Contact support")).to_have_attribute("aria-expanded", "false")
    assert records(service.settings) == []
