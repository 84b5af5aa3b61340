"""What people see: mentions, DMs, /privacy and App Home, over real HTTP with signed requests."""

from __future__ import annotations

import json

from bot.slack.blocks import ACTION_HELPFUL, ACTION_NOT_HELPFUL, ACTION_SUPPORT
from tests.slack.harness import CHANNEL_ID, DM_CHANNEL_ID, SUPPORT_URL, direct_message, mention
from tests.slack.fakes import POLICY_URL, SECURITY_QUOTE
from tests.slack.slack_standin import BOT_USER_ID


def posted(standin, n: int = 1):
    calls = standin.wait_for(lambda calls: len([c for c in calls if c.method == "chat.postMessage"]) >= n)
    return [c for c in calls if c.method == "chat.postMessage"]


def buttons(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_mention_is_answered_in_its_thread_with_citations_and_buttons(service, standin, assistant):
    response = service.send_event(mention("how is my data protected?", ts="1700000000.000100"))
    assert response.status_code == 200

    [reply] = posted(standin)
    assert reply.args["channel"] == CHANNEL_ID
    assert reply.args["thread_ts"] == "1700000000.000100"
    assert assistant.questions == ["how is my data protected?"]  # the bot's own mention is not part of it
    blocks = reply.args["blocks"]
    assert SECURITY_QUOTE in all_text(blocks)
    citations = [b for b in blocks if b["type"] == "context" and "[1]" in b["elements"][0]["text"]]
    assert citations, "the citation is shown as a context block"
    assert (f"<{POLICY_URL}#security-measures|Security Measures — Privacy Policy, updated April 30, 2026>"
            in citations[0]["elements"][0]["text"])
    assert buttons(blocks) == [ACTION_HELPFUL, ACTION_NOT_HELPFUL, ACTION_SUPPORT]
    assert SECURITY_QUOTE in reply.args["text"]  # plain-text fallback for notifications


def test_eyes_reaction_shows_work_and_goes_away_when_the_answer_is_posted(service, standin):
    service.send_event(mention("what do you collect?", ts="1700000000.000111"))
    posted(standin)
    service.wait_idle()
    methods = [c.method for c in standin.calls if c.method in {"reactions.add", "chat.postMessage", "reactions.remove"}]
    assert methods == ["reactions.add", "chat.postMessage", "reactions.remove"]
    add = standin.of("reactions.add")[0].args
    assert (add["name"], add["channel"], add["timestamp"]) == ("eyes", CHANNEL_ID, "1700000000.000111")


def test_follow_up_mention_in_a_thread_is_answered_in_that_thread(service, standin):
    service.send_event(mention("and how long is it kept?", ts="1700000000.000300", thread_ts="1700000000.000100"))
    [reply] = posted(standin)
    assert reply.args["thread_ts"] == "1700000000.000100"


def test_direct_message_is_answered_in_the_dm_and_thread_replies_in_their_thread(service, standin, assistant):
    # Agent messaging (agent_view): each question in the Messages tab is a thread, answered inside it.
    service.send_event(direct_message("what do you collect?", ts="1700000000.000200"))
    [reply] = posted(standin)
    assert reply.args["channel"] == DM_CHANNEL_ID
    assert reply.args.get("thread_ts") == "1700000000.000200"

    service.send_event(direct_message("and why?", ts="1700000000.000250", thread_ts="1700000000.000200"))
    second = posted(standin, 2)[1]
    assert (second.args["channel"], second.args["thread_ts"]) == (DM_CHANNEL_ID, "1700000000.000200")
    assert assistant.questions == ["what do you collect?", "and why?"]


def test_own_messages_other_bots_subtypes_and_channel_chatter_are_ignored(service, standin, assistant):
    ignored = [
        direct_message("I am the bot", user=BOT_USER_ID),
        direct_message("beep", bot_id="B0OTHER"),
        direct_message("edited", subtype="message_changed"),
        direct_message("joined", subtype="channel_join"),
        {**direct_message("in a channel"), "channel_type": "channel", "channel": CHANNEL_ID},
        {**mention("from another bot"), "bot_id": "B0OTHER"},
    ]
    for event in ignored:
        assert service.send_event(event).status_code == 200
    service.wait_idle()
    assert assistant.questions == []
    assert standin.of("chat.postMessage") == []


def test_slash_command_answers_privately_to_the_caller(service, standin, assistant):
    response = service.send_command("how is my data protected?", standin.response_url("slash"))
    assert response.status_code == 200
    ack = response.json()
    assert ack["response_type"] == "ephemeral" and "Looking that up" in ack["text"]

    [reply] = standin.wait_for(lambda calls: any(c.method == "response_url" for c in calls))[-1:]
    assert reply.method == "response_url"
    assert reply.args["response_type"] == "ephemeral"
    assert SECURITY_QUOTE in all_text(reply.args["blocks"])
    assert "how is my data protected?" in all_text(reply.args["blocks"])  # the question is echoed back
    assert buttons(reply.args["blocks"]) == [ACTION_HELPFUL, ACTION_NOT_HELPFUL, ACTION_SUPPORT]
    service.wait_idle()
    assert standin.of("chat.postMessage") == []  # nothing public


def test_slash_command_alone_or_help_shows_usage_without_asking(service, standin, assistant):
    for text in ("", "help", "  HELP "):
        ack = service.send_command(text, standin.response_url("usage")).json()
        assert ack["response_type"] == "ephemeral"
        assert "/privacy <question>" in ack["text"]
    service.wait_idle()
    assert assistant.questions == []


def test_empty_mention_gets_usage(service, standin):
    service.send_event(mention(""))
    [reply] = posted(standin)
    assert "/privacy" in reply.args["text"]


def test_not_covered_answer_says_so_and_offers_support_first(service, standin, assistant):
    assistant.covered = False
    service.send_event(mention("what is the lunch menu policy?"))
    [reply] = posted(standin)
    assert "does not cover" in reply.args["text"]
    support = [e for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == ACTION_SUPPORT][0]
    assert support.get("style") == "primary"


def test_app_home_shows_what_it_does_examples_policy_date_and_index_status(service, standin):
    service.send_event({"type": "app_home_opened", "user": "U0USER", "channel": "D0DIRECT", "tab": "home",
                        "event_ts": "1700000000.000400"})
    [publish] = standin.wait_for(lambda calls: any(c.method == "views.publish" for c in calls))[-1:]
    assert publish.args["user_id"] == "U0USER"
    home = all_text(publish.args["view"]["blocks"])
    assert publish.args["view"]["type"] == "home"
    assert "privacy policy" in home and "What information does Kimss AI collect?" in home
    assert "April 30, 2026" in home
    assert "Index ready: 1 documents, 5 passages" in home
    assert SUPPORT_URL in home


def test_mentions_and_pings_typed_in_a_question_are_never_sent_unescaped(service, standin, assistant):
    assistant.echo = True  # the core may quote the question back; the adapter must still be safe
    question = "<!channel> <!here> <@U0BOSS> is 1 < 2 & 3 > 2?"
    # Slack escapes &, < and > typed by a person; its own tokens (<!channel>) arrive raw.
    service.send_event(mention("<!channel> <!here> <@U0BOSS> is 1 &lt; 2 &amp; 3 &gt; 2?"))
    service.send_command("<!channel> what do you collect?", standin.response_url("pings"))
    posted(standin)
    service.wait_idle()
    assert question in assistant.questions  # the mention and the command run concurrently
    sent = [c for c in standin.calls if c.method in {"chat.postMessage", "response_url"}]
    assert len(sent) == 2
    for call in sent:
        payload = call.dump()
        for token in ("<!channel>", "<!here>", "<@U0BOSS>"):
            assert token not in payload
        assert "&lt;!channel&gt;" in payload
