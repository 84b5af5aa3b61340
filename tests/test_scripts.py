"""Messages in a script nothing here can read (Chinese, Arabic, Hindi, Greek, …) go to a person, who can read
them, instead of being read as English noise and declined (bot/scripts.py, bot/gloss.py, bot/assistant.py)."""

from __future__ import annotations

import pytest

from bot.conversation import Turn
from bot.scripts import unreadable_script

# Written for this test (not taken from any training or held-out file).
UNREADABLE = [
    ("请删除我所有的个人数据", "cjk", "Chinese"),
    ("私のデータを削除してください", "japanese", "Japanese"),
    ("내 데이터를 삭제해 주세요", "hangul", "Korean"),
    ("أريد نسخة من جميع بياناتي الشخصية", "arabic", "Arabic"),
    ("मेरा सारा डेटा हटा दीजिए", "devanagari", "Hindi or another Devanagari-script language"),
    ("Κάποιος μπήκε στον λογαριασμό μου", "greek", "Greek"),
    ("אני רוצה למחוק את החשבון שלי", "hebrew", "Hebrew"),
    ("กรุณาลบข้อมูลของฉัน", "thai", "Thai"),
]
READABLE = [
    "What data do you collect?",
    "Please delete the account of 王伟 (wang.wei@example.com) and all his data",  # a name in another script
    "do you sell my data 😡😡",
    "Löschen Sie bitte alle meine Daten.",  # Latin script: the gloss's business
    "",
]


@pytest.mark.parametrize("text, code, name", UNREADABLE)
def test_a_message_in_another_script_is_recognised_and_named(text, code, name):
    script = unreadable_script(text)
    assert script is not None and (script.code, script.name) == (code, name)


@pytest.mark.parametrize("text", READABLE)
def test_latin_script_messages_with_a_foreign_name_or_emoji_are_not(text):
    assert unreadable_script(text) is None


@pytest.mark.parametrize("text", ["请删除我所有的个人数据", "أريد نسخة من جميع بياناتي الشخصية",
                                  "मेरा सारा डेटा हटा दीजिए", "Κάποιος μπήκε στον λογαριασμό μου"])
def test_through_ask_a_message_in_a_script_it_cannot_read_reaches_a_person(shipped_assistant, text):
    answer = shipped_assistant.ask(text, audience="customer")
    assert answer.escalates, "a request nobody can read must not be declined or answered as noise"
    assert "I answer questions about Kimss AI" not in answer.answer
    assert answer.question == text


def test_through_ask_it_is_not_rewritten_as_a_follow_up_of_the_previous_turn(shipped_assistant):
    first = shipped_assistant.ask("What data do you collect?", audience="customer")
    context = [Turn("What data do you collect?", tuple(c.section for c in first.citations))]
    answer = shipped_assistant.ask("这些数据你们保存多久？", audience="customer", context=context)
    assert answer.escalates and answer.answering is None  # read by a person as written, not guessed at


def test_through_ask_the_hand_off_tells_the_asker_a_person_will_read_their_language(shipped_assistant):
    answer = shipped_assistant.ask("Κάποιος μπήκε στον λογαριασμό μου και άλλαξε τον κωδικό", audience="customer")
    assert answer.escalates and answer.answer.startswith("Your message is written in Greek")
    spanish = shipped_assistant.ask("Oye tío, la peña flipa con los curros chungos del finde", audience="customer")
    assert spanish.escalates and spanish.answer.startswith("Your message is written in Spanish")
    english = shipped_assistant.ask("please delete all my data", audience="customer")
    assert english.escalates and not english.answer.startswith("Your message is written in")
