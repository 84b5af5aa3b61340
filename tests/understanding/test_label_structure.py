"""Asking *about* one's data is a question; asking to *have something done* with it is a request.

The shipped router through `Assistant.ask` (real model and index) on pairs written for this test
(none is a corpus line): the same subject, once as a question about what Kimss does, once as a
request. A question must be answered (an offer beside it is fine), never handed over; a request
must reach a person with its kind.
"""

from __future__ import annotations

import pytest

from bot.understanding.corpus import load_corpus

PAIRS = [
    ("what do you store about me?", "send me what you store about me", "access"),
    ("What personal data do you hold on me?", "Please send me a copy of the personal data you hold on me.", "access"),
    ("do you delete my data when I leave?", "delete everything you have on me", "deletion"),
]


def test_the_pairs_are_not_training_lines():
    lines = {e.text.strip().lower() for e in load_corpus()}
    assert not any(text.lower() in lines for pair in PAIRS for text in pair[:2])


@pytest.mark.parametrize("question, act, kind", PAIRS)
def test_a_question_about_my_data_is_answered_and_the_request_goes_to_a_person(shipped_assistant, question, act,
                                                                             kind):
    answered = shipped_assistant.ask(question)
    assert not answered.escalates and answered.citations
    handed = shipped_assistant.ask(act)
    assert handed.escalates and (handed.escalation.reason, handed.escalation.kind) == ("data_request", kind)
