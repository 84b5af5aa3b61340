"""What the policy says, does not say, and says about itself: answers a careful reader can trust."""

import re

import pytest

from tests.conftest import KNOWLEDGE, make_settings

POLICY_TEXT = (KNOWLEDGE / "privacy-policy.md").read_text()
INTRO = "How Kimss AI handles information"


def flat(text: str) -> str:
    """The policy as running text: list bullets and line breaks gone, so quoted runs can be found in it."""
    return " ".join(re.sub(r"^\s*[-*]\s+", "", line) for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("question", [
    "When was the privacy policy last updated?",
    "what's the date of this policy",
    "Is the privacy policy up to date?",
])
def test_the_policy_date_is_answered_from_the_document_with_a_citation(shipped_assistant, question):
    answer = shipped_assistant.ask(question)
    assert answer.covered and answer.escalation is None
    assert "April 30, 2026" in answer.answer
    assert answer.citations[0].section == INTRO and answer.citations[0].updated == "2026-04-30"


def test_what_the_policy_covers_quotes_its_introduction(shipped_assistant):
    answer = shipped_assistant.ask("What does the privacy policy cover?")
    assert answer.covered and answer.citations[0].section == INTRO
    assert answer.citations[0].quote.startswith("This Privacy Policy explains the categories of information")


def test_which_documents_and_where_to_read_them(shipped_assistant):
    listed = shipped_assistant.ask("Which documents do you answer from?")
    assert listed.covered and "Privacy Policy (updated April 30, 2026)" in listed.answer
    where = shipped_assistant.ask("Where can I read the full privacy policy?")
    assert where.covered and where.citations
    assert "no published address" in where.answer and "/app/support" in where.answer


def test_where_to_read_the_policy_gives_its_published_address(tmp_path, knowledge_copy, embeddings):
    from bot.assistant import Assistant
    from indexer.build import build_index

    policy = knowledge_copy / "privacy-policy.md"
    policy.write_text(policy.read_text().replace('url: ""', 'url: "https://kimss.example/privacy"'))
    settings = make_settings(tmp_path / "data", knowledge_copy)
    build_index(settings, embeddings=embeddings)
    answer = Assistant.from_settings(settings, embeddings=embeddings).ask("Where can I read the full privacy policy?")
    assert "https://kimss.example/privacy" in answer.answer
    assert answer.citations[0].url == "https://kimss.example/privacy#how-kimss-ai-handles-information"


def test_the_policy_does_not_say_how_long_data_is_kept_and_quotes_what_it_does_say(shipped_assistant):
    answer = shipped_assistant.ask("How long do you retain my personal data after I leave?")
    assert not answer.covered and answer.escalation.reason == "not_covered"
    assert answer.answer.startswith("The Privacy Policy does not say how long information is kept.")
    assert answer.citations, "the related section is quoted"
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
        for run in citation.quote.split(" … "):
            assert run in flat(POLICY_TEXT)
    assert "/app/support" in answer.answer and answer.confidence < 0.5


@pytest.mark.parametrize("question,gap", [
    ("Do you sell my data to advertisers?", "whether information is sold or used for advertising"),
    ("Which countries is my data stored in?", "where information is stored or transferred"),
    ("do you use cookies", "whether cookies or tracking technologies are used"),
])
def test_questions_the_policy_does_not_answer_name_the_gap(shipped_assistant, question, gap):
    answer = shipped_assistant.ask(question)
    assert not answer.covered and answer.escalation.reason == "not_covered"
    assert gap in answer.answer


@pytest.mark.parametrize("question", [
    "How do you keep my information safe?",
    "For what purposes is my information used?",
    "What data do you collect about me?",
])
def test_every_quote_is_contiguous_policy_text_or_marked_as_cut(shipped_assistant, question):
    answer = shipped_assistant.ask(question)
    seen: set[str] = set()
    for citation in answer.citations:
        for run in citation.quote.split(" … "):
            assert run in flat(POLICY_TEXT), run
        sentences = re.split(r"(?<=[.:])\s+", citation.quote.replace(" … ", " "))
        assert not seen & set(sentences), "a sentence quoted twice in one answer"
        seen |= set(sentences)


@pytest.mark.parametrize("question,gap", [
    ("What phone number can I call about my privacy?", "that contact detail"),
    ("How frequently are your security measures audited?", "how often this is done"),
])
def test_a_specific_fact_the_best_section_lacks_is_not_covered_and_named(shipped_assistant, question, gap):
    """The policy names audit logging and reviewing its practices "over time", and a support channel, but
    no phone number and no audit schedule: asked for the specific fact, the answer says it is not stated."""
    answer = shipped_assistant.ask(question)
    assert not answer.covered and answer.escalation.reason == "not_covered"
    assert gap in answer.answer or "does not answer this question directly" in answer.answer


def test_the_same_topic_asked_generally_is_still_answered(shipped_assistant):
    answer = shipped_assistant.ask("How do you protect my information?")
    assert answer.covered and answer.citations[0].section == "Security Measures"


def test_how_long_prompts_are_kept_is_not_covered_and_quotes_what_the_policy_says_of_prompts(shipped_assistant):
    """The policy says prompts are processed, never for how long: the answer names that gap and quotes the
    collection section as related — it does not answer "covered" from a sentence that mentions prompts."""
    answer = shipped_assistant.ask("How long do you keep my prompts?")
    assert not answer.covered and answer.confidence < 0.5
    assert answer.answer.startswith("The Privacy Policy does not say how long information is kept.")
    assert [c.section for c in answer.citations] == ["Data Collection"]
    assert "prompts" in answer.citations[0].quote


@pytest.mark.parametrize("question,gap", [
    ("Do your engineers look at the chats I have with agents?", "who can see or read the content"),
    ("Is everything erased once we cancel the subscription?", "when information is deleted"),
    ("Which cloud provider hosts Kimss?", None),
    ("Do you collect my browsing history?", None),
])
def test_specific_questions_the_policy_does_not_answer_are_not_covered(shipped_assistant, question, gap):
    """A named practice the policy never speaks of (staff reading content, deletion), the name of a company
    it never names, a kind of data it never lists: said not to be covered, with the support offer."""
    answer = shipped_assistant.ask(question)
    assert not answer.covered and answer.escalation.reason == "not_covered", answer.answer
    if gap:
        assert gap in answer.answer


@pytest.mark.parametrize("question,section", [
    ("Are product usage events tracked?", "Data Collection"),
    ("For our vendor assessment: which categories of data does Kimss process?", "Data Collection"),
    ("Where should I send a request to have my data deleted?", "Contact Information"),
])
def test_answerable_questions_with_words_of_other_practices_stay_answered(shipped_assistant, question, section):
    """'tracked', 'vendor' and 'deleted' name practices the policy does not cover, but these questions ask
    what is collected and where to send a request, which it does say."""
    answer = shipped_assistant.ask(question)
    assert answer.covered and answer.citations[0].section == section, answer.answer


@pytest.mark.parametrize("question", [
    "Under Article 13 GDPR, please list the categories of personal data Kimss collects.",
    "For our DPIA: what kinds of data does Kimss process when we use the agents?",
])
def test_a_law_named_as_the_askers_frame_does_not_turn_the_question_away(shipped_assistant, question):
    """The policy never names GDPR or a DPIA, but the question asks what data is collected, which it says:
    the law is the frame, not the practice asked about (bot/coverage.ruled_out)."""
    answer = shipped_assistant.ask(question)
    assert answer.covered and answer.citations[0].section == "Data Collection", answer.answer
