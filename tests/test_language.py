"""Messages in another language go to a person: the router and retrieval read English only, and a
Portuguese or German data request must not be declined as noise (bot/language.py, bot/assistant.py)."""

from __future__ import annotations

import pytest

from bot.language import looks_foreign

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


@pytest.mark.parametrize("text", ["Olá, quero que apaguem todos os meus dados pessoais, por favor.",
                                  "Bitte schicken Sie mir eine Kopie meiner Daten.",
                                  "¿Qué datos recogen sobre mí cuando uso los agentes?"])
def test_through_ask_a_message_in_another_language_is_handed_to_a_person(shipped_assistant, text):
    answer = shipped_assistant.ask(text, audience="customer")
    assert answer.escalates and answer.escalation.reason in ("data_request", "user_request", "security")
    assert "I answer questions about Kimss AI" not in answer.answer  # never the off-topic brush-off


def test_through_ask_an_english_question_is_still_answered_with_a_citation(shipped_assistant):
    answer = shipped_assistant.ask("What data do you collect when I use the agents?", audience="customer")
    assert answer.covered and answer.escalation is None and answer.citations
