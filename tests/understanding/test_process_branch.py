"""The assistant's process-question branch: the Contact section only when the router is sure.

Real index, retrieval, verifier and quoting over the shipped knowledge; the router's output is stated
(a `Route` with the probabilities the router could give) so the branch is tested on both sides of its
rule whatever the shipped artifact says about a particular wording. The shipped router's own path is
covered by tests/test_assistant.py (a process question cited from the Contact section).
"""

from __future__ import annotations

import pytest

from bot.understanding.corpus import LABELS
from bot.understanding.policy import CONTACT_ODDS, Route

QUESTION = "how do you stop unauthorized people altering my data"  # answered by "Security Measures"


class StatedRouter:
    def __init__(self, route: Route):
        self.routed = route

    def route(self, text, query_vector, glossed=False):
        return self.routed


def process_route(p_process: float, p_question: float) -> Route:
    probabilities = {label: 0.0 for label in LABELS}
    probabilities.update(process_question=p_process, question=p_question,
                         data_request=max(0.0, 1.0 - p_process - p_question))
    return Route("process_question", "offer", "security", None, probabilities)


@pytest.fixture()
def ask_routed(shipped_assistant):
    from bot.assistant import Assistant

    def ask(route: Route, question: str = QUESTION):
        assistant = Assistant(shipped_assistant.retriever, shipped_assistant.options, router=StatedRouter(route))
        return assistant.ask(question)

    return ask


def test_a_sure_process_question_is_answered_from_the_contact_section_with_the_offer(ask_routed):
    answer = ask_routed(process_route(0.95, 0.04))
    assert answer.citations[0].section == "Contact Information"
    assert answer.offer == "security" and answer.escalation is None


def test_a_question_the_router_only_half_reads_as_a_process_question_is_answered_from_its_section(ask_routed):
    # Most probable label process_question, but not CONTACT_ODDS times as probable as a plain question.
    route = process_route(0.55, 0.40)
    assert route.label == "process_question" and not route.sure_process_question
    answer = ask_routed(route)
    assert answer.covered and answer.citations[0].section == "Security Measures"
    assert answer.offer == "security" and answer.escalation is None  # still offered: the router half-thinks so


def test_the_odds_rule_is_the_stated_cost_ratio():
    assert process_route(0.75, 0.75 / CONTACT_ODDS).sure_process_question
    assert not process_route(0.74, 0.75 / CONTACT_ODDS).sure_process_question
    question = Route("question", "answer", None, None, {"question": 0.01, "process_question": 0.5})
    assert not question.sure_process_question  # only a process question's own route takes the branch


def test_an_unsure_process_question_the_policy_does_not_otherwise_cover_quotes_the_contact_section_as_related(
        ask_routed, shipped_assistant):
    from bot import coverage

    # Retrieval finds no section answering it: the answer quotes what the policy says about reaching a person
    # (the Contact section) with the offer, and says the policy does not answer the question itself —
    # `covered` stays the verifier's verdict rather than turning true because Contact was quoted.
    question = "which form do I use to object to processing"
    loaded = shipped_assistant.retriever.current()
    assert not coverage.judge(loaded, question, shipped_assistant.retriever.search(question, "employee"),
                              "employee").covered
    answer = ask_routed(process_route(0.55, 0.40), question)
    assert answer.citations and answer.citations[0].section == "Contact Information"
    assert not answer.covered and "does not" in answer.answer
    assert answer.offer == "security" and not answer.escalates


def test_a_sure_process_question_asking_what_the_contact_section_does_not_state_is_not_covered(ask_routed):
    # "Is there a fee?" is about making a request, but the policy states no fee: the Contact section is quoted
    # as what the policy does say, with the offer, and the answer is not presented as answering the question.
    answer = ask_routed(process_route(0.95, 0.04), "Is there a fee for a data request?")
    assert not answer.covered and answer.escalation.reason == "not_covered"
    assert answer.citations[0].section == "Contact Information" and "does not" in answer.answer
    assert answer.offer == "security"


def test_a_sure_process_question_asking_a_contact_detail_the_policy_lacks_says_it_does_not_say(ask_routed):
    # "Call us" is a process question, but the policy names no phone number: quoting the Contact section as
    # if it answered would read as a number being given; the answer says the policy does not state it.
    answer = ask_routed(process_route(0.95, 0.04), "What phone number can I call about my privacy?")
    assert not answer.covered and answer.escalation.reason == "not_covered"
    assert "does not say" in answer.answer
    assert answer.offer == "security"  # the hand-off is still one click away
