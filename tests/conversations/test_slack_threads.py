"""Follow-ups in Slack threads and the agent messaging experience, over real HTTP with signed requests,
the Web API stand-in and the real core."""

from __future__ import annotations

import pytest

from bot.store.database import Database
from bot.subjects import Subject, erase, export
from tests.escalation.conftest import records
from tests.slack.harness import CHANNEL_ID, DM_CHANNEL_ID, USER_ID, direct_message, mention
from tests.slack.slack_standin import BOT_USER_ID

ROOT = "1700000000.000100"


def posted(standin, n: int = 1, channel: str | None = None):
    def mine(calls):
        return [c for c in calls if c.method == "chat.postMessage" and channel in (None, c.args.get("channel"))]

    return mine(standin.wait_for(lambda calls: len(mine(calls)) >= n))


def answering(call) -> str | None:
    """The "Answering: …" line the reply shows when a follow-up was rewritten."""
    for block in call.args["blocks"]:
        for element in block.get("elements", []):
            if block["type"] == "context" and element.get("text", "").startswith("*Answering:*"):
                return element["text"][len("*Answering:* "):]
    return None


@pytest.fixture
def slack(start_service, shipped_assistant):
    return start_service(shipped_assistant)


def test_a_follow_up_mention_in_the_thread_is_answered_in_context_and_a_topic_change_alone(
        slack, start_service, shipped_assistant, standin, tmp_path):
    slack.send_event(mention("What do you do with my chat logs?", ts=ROOT))
    [first] = posted(standin)
    assert first.args["thread_ts"] == ROOT and answering(first) is None
    assert first.args["metadata"]["event_type"] == "privacy_answer"  # the turn travels with the post

    # A replica with a database of its own (or one whose turns expired) reads the thread back from Slack.
    slack.stop()
    other = start_service(shipped_assistant, DATA_DIR=str(tmp_path / "own-database"))
    other.send_event(mention("and how long do you keep it?", ts="1700000000.000300", thread_ts=ROOT))
    second = posted(standin, 2)[1]
    assert second.args["thread_ts"] == ROOT
    assert answering(second) == "How long do you keep my chat logs?"
    assert "does not cover" in second.args["text"]
    [replies] = standin.of("conversations.replies")
    assert (replies.args["channel"], replies.args["ts"]) == (CHANNEL_ID, ROOT)
    assert first.args["metadata"]["event_payload"]["asker"] == USER_ID
    # The turn read back is stored naming who asked it: her data-subject request finds it on this replica too.
    other.wait_idle()
    mine = export(Database(other.settings.state_db), other.settings,
                  Subject(slack_users=frozenset({USER_ID})))["stores"]["conversation_turns"]
    assert [t["question"] for t in mine] == ["What do you do with my chat logs?", "How long do you keep my chat logs?"]

    other.send_event(mention("Is traffic to your service encrypted?", ts="1700000000.000400", thread_ts=ROOT))
    third = posted(standin, 3)[2]
    assert answering(third) is None and "Security Measures" in third.args["text"]
    assert len(standin.of("conversations.replies")) == 1  # the turns read back were stored and kept current


def test_replicas_sharing_the_database_answer_each_turn_in_the_whole_threads_context(
        start_service, shipped_assistant, standin):
    first, second = start_service(shipped_assistant), start_service(shipped_assistant)  # both running, one database
    first.send_event(mention("What do you do with my chat logs?", ts=ROOT))
    posted(standin)
    second.send_event(mention("what about billing records?", ts="1700000000.000300", thread_ts=ROOT))
    assert answering(posted(standin, 2)[1]) == "What do you do with my billing records?"
    second.wait_idle()  # its turn is stored right after the post
    # Back on the first replica: the turn the second one answered is the context, not the first question.
    first.send_event(mention("and how long do you keep them?", ts="1700000000.000400", thread_ts=ROOT))
    assert answering(posted(standin, 3)[2]) == "How long do you keep my billing records?"
    assert standin.of("conversations.replies") == []  # the shared database had every turn

    # The stored turns are the asker's personal data: a data-subject request finds and erases them.
    first.wait_idle()
    second.wait_idle()
    db = Database(first.settings.state_db)
    asker = Subject(slack_users=frozenset({USER_ID}))
    found = export(db, first.settings, asker)["stores"]["conversation_turns"]
    assert [t["question"] for t in found] == ["What do you do with my chat logs?",
                                              "What do you do with my billing records?",
                                              "How long do you keep my billing records?"]
    assert erase(db, first.settings, asker)["erased"]["conversation_turns"] == 3
    assert export(db, first.settings, Subject(slack_users=frozenset({"U0SOMEONE"})))["stores"]["conversation_turns"] == []
    db.close()


def test_what_about_x_in_a_thread_swaps_the_right_noun_and_an_off_topic_question_stands_alone(slack, standin):
    slack.send_event(mention("Do you share my data with advertisers?", ts=ROOT))
    posted(standin)
    slack.send_event(mention("what about partners?", ts="1700000000.000300", thread_ts=ROOT))
    # advertisers (a recipient) swapped for partners; "my data" kept
    assert answering(posted(standin, 2)[1]) == "Do you share my data with partners?"
    slack.wait_idle()
    slack.send_event(mention("What's the weather in Berlin tomorrow?", ts="1700000000.000400", thread_ts=ROOT))
    third = posted(standin, 3)[2]
    assert answering(third) is None  # a full question of its own: not glued to the privacy question
    assert "I answer questions about" in third.args["text"]


def test_a_mention_in_a_thread_the_bot_never_answered_is_answered_alone(slack, standin):
    standin.thread_messages[(CHANNEL_ID, ROOT)] = [
        {"type": "message", "user": "U0OTHER", "ts": ROOT, "text": "Do we keep chat logs?"}]
    slack.send_event(mention("and how long do you keep it?", ts="1700000000.000500", thread_ts=ROOT))
    [reply] = posted(standin)
    assert answering(reply) is None
    # alone "it" names nothing: the policy's answer about chat logs is not given
    assert "does not cover this question" in reply.args["text"] and "chat log" not in reply.args["text"].lower()


def test_opening_the_messages_tab_suggests_prompts(slack, standin):
    slack.send_event({"type": "app_home_opened", "user": USER_ID, "channel": DM_CHANNEL_ID, "tab": "messages",
                      "event_ts": "1700000000.000050"})
    standin.wait_for(lambda calls: any(c.method == "assistant.threads.setSuggestedPrompts" for c in calls))
    [call] = standin.of("assistant.threads.setSuggestedPrompts")
    assert call.args["channel_id"] == DM_CHANNEL_ID and "thread_ts" not in call.args  # agent_view: no thread
    prompts = call.args["prompts"]
    assert 1 <= len(prompts) <= 4 and all(p["title"] and p["message"] for p in prompts)
    assert "How do I request a copy of my data?" in [p["message"] for p in prompts]
    slack.wait_idle()
    assert standin.of("views.publish") == []  # the Home tab is not published for the Messages tab


def test_a_dm_shows_a_status_then_answers_in_its_thread_and_follow_ups_there_have_context(slack, standin):
    slack.send_event(direct_message("How do you protect my data?", ts="1700000000.000200"))
    [reply] = posted(standin)
    methods = [c.method for c in standin.calls]
    assert methods.index("assistant.threads.setStatus") < methods.index("chat.postMessage")
    [status] = standin.of("assistant.threads.setStatus")
    assert (status.args["channel_id"], status.args["thread_ts"]) == (DM_CHANNEL_ID, "1700000000.000200")
    assert "reading the policy" in status.args["status"]
    [title] = standin.of("assistant.threads.setTitle")
    assert title.args["title"] == "How do you protect my data?" and title.args["thread_ts"] == "1700000000.000200"
    assert (reply.args["channel"], reply.args["thread_ts"]) == (DM_CHANNEL_ID, "1700000000.000200")

    slack.send_event(direct_message("is it encrypted?", ts="1700000000.000250", thread_ts="1700000000.000200"))
    second = posted(standin, 2)[1]
    assert second.args["thread_ts"] == "1700000000.000200"
    assert answering(second) == "Is my data encrypted?" and "Security Measures" in second.args["text"]
    assert len(standin.of("assistant.threads.setTitle")) == 1  # titled once, from the first question


def test_a_hand_off_in_a_thread_records_the_turns_before_it(start_service, shipped_assistant, standin):
    slack = start_service(shipped_assistant, SUPPORT_CHANNEL_ID="C0SUPPORT")
    slack.send_event(direct_message("Do you keep my chat logs?", ts="1700000000.000600"))
    posted(standin)
    slack.send_event(direct_message("Can you erase them?", ts="1700000000.000650", thread_ts="1700000000.000600"))
    reply = posted(standin, 2, channel=DM_CHANNEL_ID)[1]  # the support post goes elsewhere, maybe first
    assert answering(reply) == "Can you erase my chat logs?"
    [record] = records(slack.settings)
    assert record.reason == "data_request" and [t["question"] for t in record.turns] == ["Do you keep my chat logs?"]


@pytest.mark.parametrize("enabled", [True, False])
def test_follow_ups_without_a_mention_only_when_enabled_and_only_where_the_bot_answered(
        start_service, shipped_assistant, standin, enabled):
    slack = start_service(shipped_assistant, SLACK_THREAD_FOLLOW_UPS="true" if enabled else "false")
    slack.send_event(mention("What do you do with my chat logs?", ts=ROOT))
    posted(standin)
    reply_in_thread = {"type": "message", "channel_type": "channel", "channel": CHANNEL_ID, "user": USER_ID,
                       "text": "and how long do you keep it?", "ts": "1700000000.000700", "thread_ts": ROOT}
    elsewhere = {**reply_in_thread, "ts": "1700000000.000800", "thread_ts": "1700000000.000750"}
    with_mention = {**reply_in_thread, "ts": "1700000000.000900", "text": f"<@{BOT_USER_ID}> why?"}
    for event in (reply_in_thread, elsewhere, with_mention):
        assert slack.send_event(event).status_code == 200
    slack.wait_idle()
    replies = posted(standin)
    if enabled:
        assert len(replies) == 2 and answering(replies[1]) == "How long do you keep my chat logs?"
    else:
        assert len(replies) == 1


def test_a_thread_read_back_names_who_asked_each_turn_even_from_answers_posted_before_the_asker_was_kept():
    from bot.slack.threads import METADATA_EVENT_TYPE, asked_turns_from_replies

    def answer(question, asker=None):
        payload = {"question": question, "sections": ["Usage"], "escalation": ""}
        if asker:
            payload["asker"] = asker
        return {"bot_id": "B1", "user": BOT_USER_ID, "metadata": {"event_type": METADATA_EVENT_TYPE,
                                                                   "event_payload": payload}}

    messages = [{"user": "U0ANA", "text": "what do you use my data for?"}, answer("What do you use my data for?"),
                {"user": "U0BEN", "text": "and billing records?"}, answer("What do you use my billing records for?",
                                                                          asker="U0BEN")]
    asked = asked_turns_from_replies(messages, BOT_USER_ID)
    assert [(turn.question, who) for turn, who in asked] == [("What do you use my data for?", "U0ANA"),
                                                              ("What do you use my billing records for?", "U0BEN")]
