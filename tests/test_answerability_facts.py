"""The verifier's view of a question: which specific fact it asks for, and whether a text states it."""

import numpy as np
import pytest

from bot.gaps import name_gap
from bot.understanding.ranking.answerability import (VERIFIER_FEATURES, asked_facts, contained_facts, features,
                                                     text_facts)
from bot.understanding.ranking.features import RANKING_FEATURES


@pytest.mark.parametrize("question,kind", [
    ("What's the phone number of your privacy team?", "contact"),
    ("what is the privacy team's email address", "contact"),
    ("How often do you review access rights?", "frequency"),
    ("how long do you keep backups", "period"),
])
def test_the_kind_of_fact_asked_is_recognised(question, kind):
    assert asked_facts(question)[kind]


def test_a_general_question_asks_for_no_specific_fact():
    asked = asked_facts("What information do you collect?")
    assert not any(asked[k] for k in ("period", "place", "party", "contact", "frequency"))


def test_texts_that_state_the_fact_are_told_from_texts_that_do_not():
    assert contained_facts("Write to privacy@kimss.ai with any question.")["contact"]
    assert contained_facts("Call us on +1 (415) 555-0100.")["contact"]
    assert not contained_facts("Contact our support team through the app.")["contact"]
    assert contained_facts("Access rights are reviewed quarterly.")["frequency"]
    assert not contained_facts("Access rights are reviewed.")["frequency"]


class _Hit:
    def __init__(self):
        self.features = np.zeros(len(RANKING_FEATURES), dtype=np.float32)
        self.score = 1.0


def _row(question: str, section: str, document: str) -> dict:
    facts = text_facts(section)
    row = features(question, _Hit(), None, facts, set(facts.tokens), lambda t: 1.0, text_facts(document))
    return dict(zip(VERIFIER_FEATURES, row.tolist()))


def test_words_the_whole_document_never_uses_are_counted():
    document = "We collect your email address and usage data. We protect data with encryption."
    asked_elsewhere = _row("Do you collect my IP address and browser fingerprint?", document, document)
    asked_here = _row("Do you collect my email address?", document, document)
    assert asked_elsewhere["own_words_missing_in_document"] >= 2 and asked_here["own_words_missing_in_document"] == 0
    assert asked_elsewhere["own_words_missing_in_document_share"] > asked_here["own_words_missing_in_document_share"]


def test_asking_a_contact_detail_the_section_lacks_is_flagged():
    row = _row("What phone number can I call?", "Contact support through /app/support.", "Contact support.")
    assert row["asks_contact"] == 1 and row["contact_missing"] == 1
    assert _row("What phone number can I call?", "Call +1 415 555 0100.", "Call +1 415 555 0100.")[
        "contact_missing"] == 0
    assert name_gap("What phone number can I call?") == "that contact detail"


def test_ambiguous_everyday_words_are_not_counted_as_missing_from_the_document():
    """'store' names no topic on its own (bot/lexical.py marks it ambiguous): a document that says
    'collects' answers 'what do you store about me?', so its absence is no evidence."""
    document = "Kimss AI collects account identifiers and billing records."
    assert _row("what do you store about me?", document, document)["own_words_missing_in_document"] == 0
    assert _row("do you store my fingerprints?", document, document)["own_words_missing_in_document"] == 1
