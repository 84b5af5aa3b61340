"""Messages in another language: read through their English gloss when it is understood (answered in English,
with a person offered), a request still reaches a person, and a message the gloss barely understands goes to a
person (bot/language.py, bot/gloss.py, bot/assistant.py)."""

from __future__ import annotations

import pytest

from bot.language import detect, looks_foreign

# Written for this test (not taken from any training or held-out file).
FOREIGN = [
    "Por favor, borren todos mis datos de su sistema.",                       # Spanish
    "Quero saber quais dados pessoais vocês têm sobre mim.",                  # Portuguese
    "Bitte löschen Sie mein Konto und alle meine Daten.",                     # German
    "Je voudrais recevoir une copie de toutes mes données.",                  # French
    "Vorrei sapere per quanto tempo conservate i miei dati.",                 # Italian
    "Hola, no quiero que usen mis datos para publicidad",
]
ENGLISH = [
    "Do you sell my data?",
    "Please delete everything you hold on me, Señor Díaz from Los Angeles.",  # foreign names, English message
    "what does 'la donna e mobile' have to do with your cookie policy lol",
    "Can a real person look at this",
    "del my acct pls",
    "",
]


@pytest.mark.parametrize("text", FOREIGN)
def test_a_message_in_another_language_is_recognised(text):
    assert looks_foreign(text)


@pytest.mark.parametrize("text", ENGLISH)
def test_english_with_foreign_words_or_names_stays_english(text):
    assert not looks_foreign(text)


# Short questions with a single function word of their language (a question word) and no English one; before
# stop 26 only the later five languages were recognised that way and these were read as English.
@pytest.mark.parametrize("text, language", [
    ("Welche Daten erheben Sie?", "de"),
    ("Wofür nutzt ihr meine Daten?", "de"),
    ("¿Cuánto tiempo guardan mis datos?", "es"),
    ("Quais dados vocês coletam?", "pt"),
    ("Quelles informations collectez-vous ?", "fr"),
    ("Was steht in der Richtlinie über Cookies?", "de"),  # "was" and "in" are German too: they count for neither
    ("¿Tienen controles de acceso?", "es"),  # "de" is Spanish and Portuguese too, not only French and Dutch
    ("Vocês têm um contrato de tratamento de dados?", "pt"),
])
def test_a_short_question_with_one_word_of_its_language_is_recognised(text, language):
    assert detect(text) == language


@pytest.mark.parametrize("text", ["What was in the policy about cookies?", "como?? what do you mean",
                                  "I was in Madrid, does that matter for my data?"])
def test_english_with_was_in_or_one_foreign_word_stays_english(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", ["Olá, quero que apaguem todos os meus dados pessoais, por favor.",
                                  "Bitte schicken Sie mir eine Kopie meiner Daten.",
                                  "Bitte löschen Sie mein Konto und alle meine Daten."])
def test_through_ask_a_request_in_another_language_still_reaches_a_person(shipped_assistant, text):
    answer = shipped_assistant.ask(text, audience="customer")
    assert answer.escalates and answer.escalation.reason == "data_request"
    assert answer.question == text and answer.answering  # the original kept; what was understood, in English
    assert "I answer questions about Kimss AI" not in answer.answer  # never the off-topic brush-off


def test_through_ask_a_german_deletion_request_is_a_deletion(shipped_assistant):
    answer = shipped_assistant.ask("Löschen Sie bitte sofort alle meine Daten und mein Konto.", audience="customer")
    assert answer.escalates and (answer.escalation.reason, answer.escalation.kind) == ("data_request", "deletion")


@pytest.mark.parametrize("text, language, section", [
    ("¿Qué datos recopilan cuando uso los agentes?", "Spanish", "Data Collection"),
    ("Comment protégez-vous mes données ?", "French", "Security Measures"),
    ("Welke gegevens verzamelen jullie over mij?", "Dutch", "Data Collection"),
    ("Welche Daten erheben Sie?", "German", "Data Collection"),  # one function word: read as English before stop 26
])
def test_through_ask_a_question_in_another_language_is_answered_in_english_with_the_offer(
        shipped_assistant, text, language, section):
    answer = shipped_assistant.ask(text, audience="customer")
    assert not answer.escalates and answer.covered and answer.citations
    assert answer.citations[0].section == section
    assert answer.answer.startswith(f"I answer in English (your message is in {language}")
    assert answer.offer is not None  # a person can reply in the asker's language
    assert answer.question == text and answer.answering and answer.answering != text


def test_through_ask_a_message_the_gloss_barely_understands_goes_to_a_person(shipped_assistant):
    answer = shipped_assistant.ask("Oye tío, la peña flipa con los curros chungos del finde", audience="customer")
    assert answer.escalates and answer.escalation.reason in ("data_request", "user_request", "security")


def test_through_ask_an_english_question_is_still_answered_with_a_citation(shipped_assistant):
    answer = shipped_assistant.ask("What data do you collect when I use the agents?", audience="customer")
    assert answer.covered and answer.escalation is None and answer.citations
    assert not answer.answer.startswith("I answer in English") and answer.answering is None
