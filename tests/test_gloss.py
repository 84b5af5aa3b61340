"""The word-by-word English gloss of a message in another language (bot/gloss.py) and the language it is in
(bot/language.py). Sentences written for these tests, not taken from any training or held-out file."""

from __future__ import annotations

import pytest

from bot.gloss import GLOSS_MIN_SHARE, english_reading, gloss, lexicon, routed_text, understood
from bot.language import detect, looks_foreign


@pytest.mark.parametrize("text, lang", [
    ("¿Pueden ustedes decirme para qué usan mis datos?", "es"),
    ("Vocês vendem os meus dados para anunciantes?", "pt"),
    ("Pourriez-vous me dire où sont stockées mes données ?", "fr"),
    ("Wie lange speichern Sie meine Daten?", "de"),
    ("Con chi condividete i miei dati personali?", "it"),
    ("Hoe lang bewaren jullie mijn gegevens?", "nl"),
    ("Ik wil graag weten welke gegevens u over mij heeft.", "nl"),
])
def test_the_language_is_named(text, lang):
    assert detect(text) == lang
    assert looks_foreign(text)


@pytest.mark.parametrize("text", ["How long do you keep my data?", "Please delete my account, gracias",
                                  "Can you send me a copy of what you hold on me? Merci beaucoup", ""])
def test_english_is_not_read_as_another_language(text):
    assert detect(text) is None and english_reading(text) is None and routed_text(text) == text


def test_longest_expression_first():
    # "droit d'accès" is one expression, not "right" + "of" + "access" by chance of the word order.
    assert gloss("J'exerce mon droit d'accès.", "fr").text_en == "I exerce my right of access."
    assert "personal data" in gloss("Quiero borrar mis datos personales", "es").text_en


def test_accents_are_optional():
    with_accents = gloss("¿Por qué guardan mi información?", "es")
    without = gloss("por que guardan mi informacion?", "es")
    assert with_accents.text_en == without.text_en == "why store my information?"
    assert gloss("Bitte loeschen Sie mein Konto", "de").text_en == "please delete you my account"


def test_inflections_and_compounds_are_understood():
    assert gloss("anunciantes", "es").text_en == "advertisers"
    assert gloss("borrados", "es").text_en == "deleted"
    assert gloss("Kundendaten", "de").text_en == "customers data"
    assert gloss("klantgegevens", "nl").text_en.endswith("data")


def test_elisions_and_hyphens_split_words():
    assert gloss("Qu'est-ce que vous faites de l'historique ?", "fr").text_en == "what you do of the history?"


def test_names_and_english_words_pass_through_and_count_against_the_share():
    reading = gloss("Hola, el chatbot de Zorblax no funciona", "es")
    assert "Zorblax" in reading.text_en and 0 < reading.known_share < 1


def test_a_message_the_lexicon_barely_knows_is_not_understood():
    reading = english_reading("Oye tío, la peña flipa con los curros chungos del finde")  # slang
    assert reading is not None and reading.lang == "es"
    assert reading.known_share < GLOSS_MIN_SHARE and not understood(reading)
    assert routed_text("Oye tío, la peña flipa con los curros chungos del finde").startswith("Oye")


def test_a_request_in_each_language_is_understood():
    for text in ("Por favor, borren todos mis datos.", "Apaguem todos os meus dados, por favor.",
                 "Supprimez toutes mes données, s'il vous plaît.", "Bitte löschen Sie alle meine Daten.",
                 "Cancellate tutti i miei dati, per favore.", "Verwijder alstublieft al mijn gegevens."):
        reading = english_reading(text)
        assert understood(reading), text
        assert "delete" in reading.text_en and "data" in reading.text_en, reading


def test_yaml_words_stay_words():
    # "no", "si", "on" are YAML booleans in other loaders; the lexicon keeps them as the words they are.
    assert lexicon("es").entries[("no",)] == "not"
    assert lexicon("es").entries[("si",)] == "if"


def test_an_unknown_language_code_is_refused():
    with pytest.raises(ValueError, match="no gloss lexicon"):
        gloss("hej", "sv")
