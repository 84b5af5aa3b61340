"""What a new writer notices, through `Assistant.ask` with the shipped router (real model and index).

Lines written for this test, none of them a corpus line: a deletion request after a paragraph of story
reaches a person as a deletion; requests typed in a hurry (lower case, typos) reach a person; plain
questions, with or without a paragraph of context before them, are answered with citations and not
handed over.
"""

from __future__ import annotations

import pytest

from bot.understanding.corpus import load_corpus

BURIED = [
    ("My daughter opened a Kimss account for a school project last year, with my email address because she did "
     "not have one of her own. The project is long finished, she has moved on to other apps, and I never used the "
     "account myself. It still sends me a newsletter every week. Please delete that account and everything in it.",
     "data_request", "deletion"),
    ("I run the books for a small bakery and we tried your assistant for invoices over the summer. We went back to "
     "paper in the end, nothing against you. Before I forget: send me a copy of all the data you have about me.",
     "data_request", "access"),
]
TYPED = [
    ("pls delte evrything u hav on me, dont use kimss anymor", "data_request", "deletion"),
    ("cn u snd me a copy of al my personl data", "data_request", "access"),
    ("sombody logged into my acount from another contry, it wasnt me", "security", "account_compromise"),
]
QUESTIONS = [
    "What do you collect about me when I use the agents?",
    "do u use my info to catch people abusing the product",
    ("We're a small accounting firm and started using Kimss for drafting client emails last month. Before we roll "
     "it out to everyone: how do you keep our information safe?"),
]


def test_these_lines_are_not_training_lines():
    lines = {e.text.strip().lower() for e in load_corpus()}
    written = [t for t, *_ in BURIED + TYPED] + QUESTIONS
    assert not any(text.lower() in lines for text in written)


@pytest.mark.parametrize("text, reason, kind", BURIED + TYPED, ids=[
    "deletion-after-a-story", "access-after-a-story", "typed-deletion", "typed-access", "typed-account-compromise"])
def test_a_request_after_a_story_or_full_of_typos_reaches_a_person(shipped_assistant, text, reason, kind):
    answer = shipped_assistant.ask(text)
    assert answer.escalates, f"answered instead of handed over: {text[:60]!r}"
    assert (answer.escalation.reason, answer.escalation.kind) == (reason, kind)


@pytest.mark.parametrize("question", QUESTIONS, ids=["plain", "lower-case", "after-context"])
def test_a_plain_question_is_answered_not_handed_over(shipped_assistant, question):
    answer = shipped_assistant.ask(question)
    assert not answer.escalates and answer.citations
