"""The verifier's view of a question: which specific fact it asks for, and whether a text states it."""

import numpy as np
import pytest

from bot.coverage import ruled_out
from bot.gaps import name_gap
from bot.understanding.ranking.answerability import (VERIFIER_FEATURES, asked_facts, contained_facts, features,
                                                     proper_names, question_facts, text_facts)
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


@pytest.mark.parametrize("question", [
    "What cloud provider does Kimss use?",
    "Which law governs this privacy policy?",
    "what is the legal entity behind the product",
    "Can you list the subprocessors?",
])
def test_asking_for_the_name_of_a_thing_is_recognised(question):
    assert asked_facts(question)["name"]


@pytest.mark.parametrize("question", [
    "What information do you collect?",
    "What can my company do to tighten access to our workspace?",
    "Please list the types of data collected.",
])
def test_general_what_questions_do_not_ask_for_a_name(question):
    assert not asked_facts(question)["name"]


def test_proper_names_leave_out_sentence_openers_and_the_documents_own_name():
    section = "We share payment data with Stripe. Hosting is provided by AWS.\n- Google receives usage events."
    assert proper_names(section) == {"Stripe", "AWS"}
    document = ("This Privacy Policy explains the categories of information Kimss AI may process, how that "
                "information is used, and the safeguards applied to protect it.\n" + section)
    generic = "Kimss AI uses service providers for hosting and payments."
    assert _row("Which hosting provider do you use?", section, document)["name_missing"] == 0
    assert _row("Which hosting provider do you use?", generic, document + generic)["name_missing"] == 1


def test_a_section_naming_only_generic_parties_does_not_state_which_ones():
    generic = "Kimss AI may process prompts with supported identity providers."
    document = "Kimss AI explains how Kimss AI handles information. " + generic
    row = _row("Which identity providers are supported?", generic, document)
    assert row["asks_name"] == 1 and row["name_missing"] == 1


def test_the_object_of_a_collection_question_is_looked_up_in_section_and_document():
    section = "Kimss AI collects account identifiers, billing records and technical logs."
    document = section + " For privacy questions, contact Kimss AI through /app/support."
    absent = _row("Do you collect my browsing history?", section, document)
    present = _row("Do you collect my billing records?", section, document)
    assert absent["object_missing_in_section"] == 1 and absent["object_missing_in_document"] == 1
    assert present["object_missing_in_section"] == 0 and present["object_missing_in_document"] == 0


@pytest.mark.parametrize("question,practice", [
    ("Can Kimss engineers read my prompts?", "staff"),
    ("Is my data erased after I close my account?", "delet"),
    ("Who do you share my data with?", "third"),
    ("Do you support two-factor authentication?", "factor"),
])
def test_practices_a_question_names_are_recognised(question, practice):
    assert question_facts(question).practices, question
    document = "Kimss AI applies safeguards such as encrypted transport and access controls."
    assert _row(question, document, document)["practices_missing_in_document"] >= 1


@pytest.mark.parametrize("question", [
    "Do you track product usage events?",
    "For our vendor review: what categories of data do you collect?",
])
def test_everyday_words_do_not_name_a_practice(question):
    """'track usage' asks what is collected; a 'vendor review' is the asker reviewing the company."""
    assert not question_facts(question).practices


def test_a_question_asking_where_to_go_is_answered_by_a_section_saying_where():
    contact = "For privacy questions or data requests, contact Kimss AI through the product support channel at /app/support."
    rows = np.vstack([features(q, _Hit(), None, text_facts(contact), set(text_facts(contact).tokens), lambda t: 1.0,
                               text_facts(contact))
                      for q in ("Where do I send a deletion request?", "Are deleted files kept in a trash?")])
    routed, not_routed = ruled_out(rows)
    assert not routed, "where to send the request is what the section says"
    assert not_routed, "the document never speaks of deleting"


def test_only_a_yes_no_question_about_an_absent_practice_is_ruled_out_whatever_the_verifier_says():
    """'Are you GDPR certified?' asks about a practice the document never names: not covered. 'Under
    Article 13 GDPR, what categories of data do you collect?' names the law as its frame and asks what is
    collected: the verifier decides, the rule does not turn it away."""
    section = "Kimss AI collects account identifiers, prompts, files and technical logs."
    facts = text_facts(section)
    rows = np.vstack([features(q, _Hit(), None, facts, set(facts.tokens), lambda t: 1.0, facts)
                      for q in ("Is Kimss GDPR certified?",
                                "Under Article 13 GDPR, what categories of personal data do you collect?")])
    assert (rows[:, VERIFIER_FEATURES.index("practices_missing_in_document")] >= 1).all()
    asked_yes_no, framed = ruled_out(rows)
    assert asked_yes_no, "a yes/no about a practice the document never speaks of"
    assert not framed, "the law is the asker's frame; what is collected is what the section says"
