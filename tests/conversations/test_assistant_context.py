"""The real core (bundled model, embedded Chroma) answering within a conversation."""

from __future__ import annotations

import pytest

from bot.assistant import OFF_TOPIC_TEXT
from bot.conversation import Turn, turn_of
from tests.conftest import KNOWLEDGE
from tests.golden import failure, load_golden

GOLDEN = load_golden(KNOWLEDGE / "golden.yaml")


def test_a_follow_up_is_answered_about_the_previous_topic(shipped_assistant):
    first = shipped_assistant.ask("What do you do with my chat logs?", "customer")
    alone = shipped_assistant.ask("and how long do you keep it?", "customer")
    # Alone it names nothing to answer about (a new user saw the off-topic reply before issue 12; a
    # question the router reads as one now gets "not covered"): no section is quoted, no rewrite shown.
    assert not alone.covered and not alone.citations and alone.answering is None

    follow = shipped_assistant.ask("and how long do you keep it?", "customer", context=[turn_of(first)])
    assert follow.question == "and how long do you keep it?"
    assert follow.answering == "How long do you keep my chat logs?"
    # The policy says nothing about retention: said so, and support offered, rather than off-topic.
    assert not follow.covered and follow.escalation and follow.escalation.reason == "not_covered"
    assert follow.to_dict()["answering"] == "How long do you keep my chat logs?"


def test_a_follow_up_pointing_at_a_covered_topic_cites_it(shipped_assistant):
    first = shipped_assistant.ask("How do you protect my data?", "customer")
    follow = shipped_assistant.ask("is it encrypted?", "customer", context=[turn_of(first)])
    assert follow.covered and follow.citations[0].section == "Security Measures"
    assert follow.answering == "Is my data encrypted?"


def test_a_request_after_a_question_goes_to_a_person(shipped_assistant):
    first = shipped_assistant.ask("Do you keep my chat logs?", "customer")
    follow = shipped_assistant.ask("Can you erase them?", "customer", context=[turn_of(first)])
    assert follow.escalation and follow.escalation.reason == "data_request"


@pytest.mark.parametrize("item", GOLDEN, ids=[g["question"][:60] for g in GOLDEN])
def test_golden_questions_are_unaffected_inside_a_conversation(shipped_assistant, item):
    context = [Turn("What do you do with my chat logs?", ("Data Collection",))]
    answer = shipped_assistant.ask(item["question"], context=context)
    assert answer.answering is None
    assert failure(item, answer) is None, failure(item, answer)


def test_a_request_after_questions_is_rewritten_to_its_object_and_escalated(shipped_assistant):
    first = shipped_assistant.ask("What personal data do you hold about me?", "customer")
    second = shipped_assistant.ask("How do you protect it?", "customer", context=[turn_of(first)])
    request = shipped_assistant.ask("ok delete it then", "customer", context=[turn_of(first), turn_of(second)])
    assert request.escalation and request.escalation.reason == "data_request"
    assert request.answering and "delete my personal data" in request.answering.lower()


def test_elliptical_follow_ups_carry_the_previous_topic(shipped_assistant):
    first = shipped_assistant.ask("Do you store my billing records?", "customer")
    why = shipped_assistant.ask("what for?", "customer", context=[turn_of(first)])
    assert why.answering == "What do you use my billing records for?"
    assert why.covered and why.citations[0].section == "Usage"
    other = shipped_assistant.ask("what about files?", "customer", context=[turn_of(first)])
    assert other.answering == "Do you store my files?"


def test_an_off_topic_full_question_after_a_privacy_question_is_answered_alone(shipped_assistant):
    first = shipped_assistant.ask("What do you collect?", "customer")
    for message in ("What's the weather in Berlin tomorrow?", "can you recommend a good pizza place"):
        answer = shipped_assistant.ask(message, "customer", context=[turn_of(first)])
        assert answer.answering is None, answer.answering  # not glued to "What do you collect?"
        assert answer.answer == OFF_TOPIC_TEXT and not answer.citations


def test_what_about_x_asks_the_previous_question_about_x(shipped_assistant):
    first = shipped_assistant.ask("Do you share my data with advertisers?", "customer")
    partners = shipped_assistant.ask("what about partners?", "customer", context=[turn_of(first)])
    assert partners.answering == "Do you share my data with partners?"  # advertisers swapped, my data kept
    first = shipped_assistant.ask("What data do you gather from connected tools?", "customer")
    telemetry = shipped_assistant.ask("what about operational telemetry?", "customer", context=[turn_of(first)])
    assert telemetry.answering == "Do you gather operational telemetry from connected tools?"
    assert telemetry.covered and telemetry.citations[0].section == "Data Collection"
