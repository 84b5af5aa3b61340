"""Questions about the documents that no pattern lists are recognised by the learned detector
(bot/policy_facts.py, bench/train_policy_facts.py), and ordinary policy questions are not."""

import json
import logging

import numpy as np
import pytest

from bot import policy_facts
from bot.policy_facts import MODEL_FILE, Detector, pattern_kind
from bot.understanding.policy import Route

INTRO = "How Kimss AI handles information"


@pytest.mark.parametrize("question", [
    "hey what revision date is printed on ur privacy doc",
    "on which day did the privacy notice get its latest edit?",
])
def test_a_date_question_no_pattern_lists_is_answered_from_the_metadata(shipped_assistant, question):
    assert pattern_kind(question) is None  # the learned half is what answers it
    answer = shipped_assistant.ask(question)
    assert answer.covered and answer.escalation is None
    assert "April 30, 2026" in answer.answer and answer.citations[0].section == INTRO


@pytest.mark.parametrize("request_mass, answered", [(0.3, True), (0.9, False)])
def test_a_policy_fact_the_router_only_just_escalates_is_answered_with_the_hand_off_offered(
        shipped_assistant, monkeypatch, request_mass, answered):
    escalating = Route("data_request", "escalate", "data_request", "correction",
                       {"question": 1 - request_mass, "data_request": request_mass})
    monkeypatch.setattr(shipped_assistant.router, "route", lambda *args, **kwargs: escalating)
    answer = shipped_assistant.ask("When was the privacy policy last updated?")
    if answered:  # more likely not a request: the date, with the button to hand it over anyway
        assert answer.covered and "April 30, 2026" in answer.answer
        assert answer.escalation is None and answer.offer == "data_request"
    else:  # a request that also names the policy stays a request
        assert answer.escalation is not None and answer.escalation.reason == "data_request"


def test_the_sections_of_the_policy_are_listed_in_order(shipped_assistant):
    answer = shipped_assistant.ask("how many sections are in the privacy policy, and what are they?")
    assert answer.covered
    assert ("The Privacy Policy has 5 sections: How Kimss AI handles information; Data Collection; Usage; "
            "Security Measures; Contact Information.") in answer.answer


@pytest.mark.parametrize("question, section", [
    ("what personal data does the privacy policy say you collect?", "Data Collection"),
    ("does the policy say who I contact about a privacy request?", "Contact Information"),
    ("is encryption mentioned anywhere in the privacy policy?", "Security Measures"),
])
def test_questions_about_what_the_policy_says_are_answered_from_its_sections(shipped_assistant, question, section):
    answer = shipped_assistant.ask(question)
    assert answer.citations and answer.citations[0].section == section
    assert "last updated on" not in answer.answer and "sections:" not in answer.answer


def test_a_request_that_names_the_policy_date_stays_a_request(shipped_assistant):
    question = "send me the privacy policy date and a copy of all the data you hold on me"
    assert pattern_kind(question) == "updated"  # the patterns alone would have answered the date
    answer = shipped_assistant.ask(question)
    assert answer.escalation is not None and answer.escalation.reason == "data_request"


def test_the_detector_is_refused_for_another_embedding_model(caplog):
    assert Detector.shipped("sentence-transformers/all-MiniLM-L6-v2") is not None
    with caplog.at_level(logging.WARNING, logger="bot.policy_facts"):
        assert Detector.shipped("some-other/model") is None
    assert "patterns only" in caplog.text and "bench/train_policy_facts.py" in caplog.text


def test_the_artifact_says_what_it_was_trained_on():
    made = json.loads(MODEL_FILE.read_text())["provenance"]
    assert made["model"] == "sentence-transformers/all-MiniLM-L6-v2" and made["code_version"] == policy_facts.CODE_VERSION
    assert len(made["data_sha256"]) == 16 and made["cv"]["patterns_and_model"] > made["cv"]["patterns_alone"]


def test_without_a_vector_only_the_patterns_decide():
    detector = Detector.shipped("sentence-transformers/all-MiniLM-L6-v2")
    assert policy_facts.kind_of("whats the revision date on ur privacy doc", None, detector) is None
    assert policy_facts.kind_of("When was the policy last updated?", None, detector) == "updated"
    assert detector.kind_of(np.zeros(384, dtype=np.float32)) is None  # nothing about documents in a zero vector
