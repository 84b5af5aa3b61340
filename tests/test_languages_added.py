"""Turkish, Russian, Polish, Indonesian and romanised Hindi (Hinglish): recognised (bot/language.py), read
through their English gloss (bot/gloss.py), answered or handed to a person with the request's kind
(bot/assistant.py). Sentences written for these tests, not taken from any training or held-out file."""

from __future__ import annotations

import pytest

from bot.gloss import LANGUAGE_NAMES, english_reading, gloss, understood
from bot.language import detect

QUESTIONS = [  # (text, language, the section that answers it)
    ("Hangi kişisel verilerimi topluyorsunuz?", "tr", "Data Collection"),
    ("Как вы защищаете мои данные?", "ru", "Security Measures"),
    ("W jaki sposób chronicie moje dane?", "pl", "Security Measures"),
    ("Data pribadi apa saja yang kalian kumpulkan?", "id", "Data Collection"),
    ("Aap mera data kaise surakshit rakhte ho?", "hi", "Security Measures"),
]
DELETIONS = [
    ("Lütfen hesabımı ve tüm verilerimi silin.", "tr"),
    ("Пожалуйста, удалите мой аккаунт и все мои данные.", "ru"),
    ("Proszę usunąć moje konto i wszystkie moje dane.", "pl"),
    ("Tolong hapus akun saya dan semua data saya.", "id"),
    ("Mera account aur saara data delete kar do please", "hi"),
]


@pytest.mark.parametrize("text, lang", [
    *[(t, lang) for t, lang, _ in QUESTIONS], *DELETIONS,
    ("Verilerimi ne kadar süre saklıyorsunuz?", "tr"),
    ("Verilerimi nasıl koruyorsunuz?", "tr"),              # one function word; the verb ending says it
    ("Удалить?", "ru"),                                    # one word, but the script says it
    ("Jakie dane osobowe zbieracie?", "pl"),
    ("Berapa lama kalian menyimpan data saya?", "id"),
    ("Kya aap mera data kisi third party ko bechte ho?", "hi"),
])
def test_the_language_is_named(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("text", [
    "My colleague Mehmet Yılmaz asked whether you sell our data",      # a Turkish name
    "Please delete my account, this is Rahul Kumar from Pune",         # a Hindi name
    "Can I talk to someone? Thanks, Aditya",
    "I've read the policy but I still have questions about cookies",   # "'ve" is Turkish "and" as a word
    "Wojciech Łukasiewicz here: do you train models on my prompts?",   # a Polish name with its letters
    "Is Dan or Ada from the privacy team available?",                  # Indonesian "dan", "ada" are names here
])
def test_english_with_names_from_these_languages_stays_english(text):
    assert detect(text) is None and english_reading(text) is None


@pytest.mark.parametrize("text, lang, expected", [
    ("Verilerimi ne kadar süre saklıyorsunuz?", "tr", "data how long do you keep?"),
    ("Пожалуйста, удалите мой аккаунт.", "ru", "please, delete my account."),
    ("Czy sprzedajecie moje dane?", "pl", "whether do you sell my data?"),
    ("Tolong hapus datanya.", "id", "please delete data."),
    ("Mujhe kisi insaan se baat karni hai", "hi", "me with a person want to talk"),
])
def test_glosses(text, lang, expected):
    reading = gloss(text, lang)
    assert reading.text_en == expected and reading.known_share == 1.0


def test_stacked_turkish_suffixes_and_case_endings_are_undone():
    assert gloss("verilerimizi", "tr").text_en == "data"            # veri + ler + imiz + i
    assert gloss("hesaplarınızdan", "tr").text_en == "account"      # hesap + lar + ınız + dan
    assert gloss("koruyorsunuz", "tr").text_en == "protect"         # koru + yorsunuz
    assert gloss("данных", "ru").text_en == "data"                  # genitive of "данные"
    assert gloss("аккаунта", "ru").text_en == "account"
    assert gloss("konta", "pl").text_en == "account"                # genitive of "konto"
    assert gloss("hasła", "pl").text_en == "password"
    assert gloss("akunnya", "id").text_en == "account"


def test_letters_without_their_marks_are_the_same_words():
    assert gloss("Lutfen hesabimi silin", "tr").text_en == gloss("Lütfen hesabımı silin", "tr").text_en
    assert gloss("Prosze usunac moje haslo", "pl").text_en == gloss("Proszę usunąć moje hasło", "pl").text_en
    assert gloss("удалите её", "ru").known_share == 1.0


def test_the_languages_are_named_in_the_reply():
    assert [LANGUAGE_NAMES[lang] for lang in ("tr", "ru", "pl", "id", "hi")] == [
        "Turkish", "Russian", "Polish", "Indonesian", "Hindi"]


@pytest.mark.parametrize("text, lang, section", QUESTIONS)
def test_through_ask_a_question_is_answered_in_english_with_citations(shipped_assistant, text, lang, section):
    assert understood(english_reading(text))
    answer = shipped_assistant.ask(text, audience="customer")
    assert not answer.escalates and answer.covered and answer.citations
    assert answer.citations[0].section == section
    assert answer.answer.startswith(f"I answer in English (your message is in {LANGUAGE_NAMES[lang]}")
    assert answer.offer is not None  # a person can reply in the asker's language
    assert answer.question == text and answer.answering and answer.answering != text


@pytest.mark.parametrize("text, lang", DELETIONS)
def test_through_ask_a_deletion_request_reaches_a_person_as_a_deletion(shipped_assistant, text, lang):
    answer = shipped_assistant.ask(text, audience="customer")
    assert answer.escalates
    assert (answer.escalation.reason, answer.escalation.kind) == ("data_request", "deletion")
    assert answer.question == text
