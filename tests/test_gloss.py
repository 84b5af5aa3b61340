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
    assert gloss("J'exerce mon droit d'accès.", "fr").text_en == "I exercise my right of access."  # "exerce" ← exercer
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


def test_pronouns_written_onto_a_verb_are_read():
    # Spanish and Italian attach object pronouns to infinitives and imperatives; the verb must still be read.
    assert gloss("Bórrenlas ya", "es").text_en.startswith("delete them")
    assert gloss("Quiero que me los envíen: envíenmelos", "es").text_en.endswith("send me them")
    assert gloss("Potete cancellarle?", "it").text_en == "can you delete them?"
    assert gloss("Mandatemeli", "it").text_en.startswith("send me them")
    reading = gloss("Vorrei riceverla", "it")
    assert reading.known_share == 1.0 and "receive it" in reading.text_en


def test_portuguese_pronouns_after_a_hyphen_are_pronouns():
    # "nos" after a verb's hyphen is "us", not "in the"; an infinitive drops its -r before "-los".
    assert gloss("Avisem-nos", "pt").text_en == "notify us"
    assert gloss("Podem apagá-los?", "pt").text_en == "can you delete them?"


def test_verb_forms_reach_their_infinitive():
    # Past participles, gerunds, the preterite, persons, the future: each read as the verb the lexicon lists.
    assert gloss("revisados", "es").text_en == gloss("revisar", "es").text_en
    assert gloss("compartiendo", "es").text_en == gloss("compartir", "es").text_en
    assert gloss("Ayer publiqué mi correo", "es").known_share == 1.0
    assert gloss("borrarán", "es").text_en == "delete"
    assert gloss("Vocês compartilharam os dados?", "pt").known_share == 1.0
    assert gloss("condividendo", "it").text_en == gloss("condividere", "it").text_en
    assert gloss("Nous signalons une erreur", "fr").known_share == 1.0
    assert gloss("Ich beantrage die Löschung", "de").known_share == 1.0
    assert gloss("angefordert", "de").text_en == gloss("anfordern", "de").text_en
    assert gloss("gepostet", "de").text_en == gloss("posten", "de").text_en


def test_a_spelling_change_before_an_ending_is_undone():
    # "busquen" is buscar: the c is written qu before e.
    assert gloss("busquen", "es").text_en == gloss("buscar", "es").text_en
    # "muestren", "pidiendo": the stem vowel changes under the stress (mostrar, pedir).
    assert gloss("muestren", "es").text_en == gloss("mostrar", "es").text_en
    assert gloss("pidiendo", "es").text_en == gloss("pedir", "es").text_en


def test_an_italian_infinitive_is_not_a_spanish_future():
    # The future's short endings count only with their accent: "presentare" is no Spanish word.
    assert gloss("presentare", "es").known_share == 0.0
    assert detect("Vorrei presentare un reclamo formale") == "it"


def test_numbers_written_the_legal_way_are_numbers():
    # "art. 18º, inciso V": ordinal marks and item numerals are neither known nor unknown.
    reading = gloss("Com base no art. 18º, inciso V", "pt")
    assert reading.known_share == 1.0


def test_the_words_of_a_formal_request_are_known():
    for text, lang in (("Chiedo i miei dati in un formato leggibile, ai sensi degli obblighi legali", "it"),
                       ("Solicito el bloqueo de los datos incompletos o desactualizados", "es"),
                       ("Requeiro a eliminação dos dados desnecessários ou excessivos", "pt"),
                       ("Veuillez préciser la base légale et la durée de conservation", "fr"),
                       ("Nennen Sie die Rechtsgrundlage und die Sicherheitsmaßnahmen", "de")):
        assert gloss(text, lang).known_share >= 0.9, (text, gloss(text, lang))
