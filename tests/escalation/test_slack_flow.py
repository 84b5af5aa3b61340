"""Escalation through the real service over HTTP, against the Slack Web API stand-in."""

from __future__ import annotations

import json

from bot.answer import Escalation
from bot.escalation import ACTION_CLAIM, ACTION_RESOLVE, Asker, ReplyTo
from bot.escalation.render import ACTION_EXTEND, ACTION_SET_KIND, ACTION_SET_REGIME, ACTION_VERIFY
from bot.slack.blocks import ACTION_NOT_HELPFUL, ACTION_SUPPORT
from tests.escalation.conftest import (
    OUTSIDER, SUPPORT_CHANNEL, SUPPORTER, buttons, click_support_message, records, support_posts,
    wait_ephemerals, wait_support_posts,
)
from tests.slack.harness import CHANNEL_ID, DM_CHANNEL_ID, SUPPORT_URL, USER_ID, direct_message, mention


def dm_replies(standin):
    return [c for c in standin.of("chat.postMessage") if c.args.get("channel") == DM_CHANNEL_ID]


def wait_record(service, predicate, standin, timeout: float = 30.0):
    """Poll the database (with a deadline) until a record satisfies `predicate`."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in records(service.settings) if predicate(r)]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no record reached the expected state: {records(service.settings)}"
        time.sleep(0.05)


def test_a_data_request_in_a_dm_reaches_the_support_channel_once_and_the_user_gets_the_reference(
        escalating, standin, assistant):
    assistant.escalation = Escalation("data_request")
    escalating.send_event(direct_message("Please delete all my data", ts="1700000000.000201"))
    escalating.wait_idle()
    [post] = wait_support_posts(standin)

    [record] = records(escalating.settings)
    assert record.reference.startswith("PRV-") and record.reason == "data_request"
    assert (record.asker.user_id, record.reply_to.channel, record.question) == (
        USER_ID, DM_CHANNEL_ID, "Please delete all my data")
    assert record.sections == ["Security Measures — Privacy Policy, updated April 30, 2026"]

    # The support message: reason, a mention of the asker, the question, cited sections, the statutory
    # due date (GDPR by default), Claim, Mark identity verified, Extend and Resolve.
    text = json.dumps(post.args["blocks"], ensure_ascii=False)
    assert record.reference in text and "Data request" in text and f"<@{USER_ID}>" in text
    assert "Please delete all my data" in text and "Security Measures" in text
    assert record.regime == "gdpr" and f"*Due:* {record.due_at}" in text and "on time" in text
    assert set(buttons(post)) == {ACTION_CLAIM, ACTION_VERIFY, ACTION_EXTEND, ACTION_RESOLVE, ACTION_SET_KIND,
                                  ACTION_SET_REGIME}
    assert post.args["metadata"]["event_payload"]["reference"] == record.reference

    # The asker: the answer in the DM carries the reference, what happens next and by when.
    [reply] = dm_replies(standin)
    reply_text = json.dumps(reply.args["blocks"], ensure_ascii=False)
    assert record.reference in reply_text and "within 2 business days" in reply_text

    delivered = wait_record(escalating, lambda r: r.delivery == "delivered", standin)
    assert delivered.support_ts and delivered.asker_told and delivered.status == "open"


def test_failed_support_posts_are_retried_until_exactly_one_arrives(escalating, standin, assistant):
    assistant.escalation = Escalation("security")
    standin.fail("chat.postMessage", status=500, times=2, channel=SUPPORT_CHANNEL)
    standin.fail("chat.postMessage", status=429, times=2, retry_after=1, channel=SUPPORT_CHANNEL)
    escalating.send_event(direct_message("Someone logged into my account", ts="1700000000.000202"))
    [post] = wait_support_posts(standin)
    record = wait_record(escalating, lambda r: r.delivery == "delivered", standin)

    tries = [c for c in standin.attempts if c.method == "chat.postMessage" and c.args.get("channel") == SUPPORT_CHANNEL]
    assert len(tries) == 5  # 500, 500, 429, 429, then the post that got through
    assert record.support_ts == standin.posted[-1]["ts"] or record.support_ts in {p["ts"] for p in standin.posted}
    assert len(support_posts(standin)) == 1 and record.attempts == 4
    # The two 5xx may have reached Slack, so it looked before posting again: nothing was there.
    assert standin.of("conversations.history")
    escalating.wait_idle()
    assert record.reference in json.dumps(dm_replies(standin)[0].args["blocks"])


def test_the_same_escalation_event_delivered_twice_gives_one_record_and_one_post(escalating, standin, assistant):
    assistant.escalation = Escalation("data_request")
    event = direct_message("Please delete all my data", ts="1700000000.000203")
    escalating.send_event(event, event_id="Ev0TWICE")
    escalating.send_event(event, event_id="Ev0TWICE", headers={"X-Slack-Retry-Num": "1",
                                                               "X-Slack-Retry-Reason": "http_timeout"})
    # The same message under another event id (as after a lost dedupe row): still one hand-off.
    escalating.send_event(event, event_id="Ev0OTHERID")
    escalating.wait_idle()
    wait_support_posts(standin)
    wait_record(escalating, lambda r: r.delivery == "delivered", standin)
    assert len(records(escalating.settings)) == 1
    assert len(support_posts(standin)) == 1


def test_claim_then_resolve_updates_the_message_in_place_and_notifies_the_asker_in_the_thread(
        escalating, standin, assistant):
    assistant.escalation = Escalation("user_request")
    escalating.send_event(mention("I want to talk to a human", ts="1700000000.000301"))
    [post] = wait_support_posts(standin)
    record = wait_record(escalating, lambda r: r.delivery == "delivered", standin)

    # Someone outside the support team: refused privately, nothing changes.
    click_support_message(escalating, ACTION_RESOLVE, record.reference, user=OUTSIDER, message_ts=record.support_ts)
    escalating.wait_idle()
    [refusal] = standin.of("chat.postEphemeral")
    assert refusal.args["user"] == OUTSIDER and "Only the privacy support team" in refusal.args["text"]
    assert records(escalating.settings)[0].status == "open"

    # Claim, twice: one change, one update, and the second click is told who has it.
    for _ in range(2):
        assert click_support_message(escalating, ACTION_CLAIM, record.reference, user=SUPPORTER,
                                     message_ts=record.support_ts).status_code == 200
    escalating.wait_idle()
    claimed = wait_record(escalating, lambda r: r.status == "claimed" and r.support_stale == 0, standin)
    [update] = standin.of("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (SUPPORT_CHANNEL, record.support_ts)
    assert f"Claimed* by <@{SUPPORTER}>" in json.dumps(update.args["blocks"]) and "<!date^" in json.dumps(update.args["blocks"])
    assert set(buttons(update)) == {ACTION_RESOLVE}
    assert claimed.claimed_by == SUPPORTER
    assert "already claimed" in standin.of("chat.postEphemeral")[-1].args["text"]

    click_support_message(escalating, ACTION_RESOLVE, record.reference, user=SUPPORTER, message_ts=record.support_ts)
    resolved = wait_record(escalating, lambda r: r.resolution_notice == "sent" and r.support_stale == 0, standin)
    assert (resolved.status, resolved.resolved_by) == ("resolved", SUPPORTER)
    updates = standin.of("chat.update")
    assert len(updates) == 2 and "Resolved* by" in json.dumps(updates[-1].args["blocks"])
    assert buttons(updates[-1]) == {}
    [notice] = [c for c in standin.of("chat.postMessage") if "has resolved your request" in (c.args.get("text") or "")]
    assert (notice.args["channel"], notice.args["thread_ts"]) == (CHANNEL_ID, "1700000000.000301")
    assert record.reference in notice.args["text"]

    # Resolving again changes nothing and notifies nobody again.
    click_support_message(escalating, ACTION_RESOLVE, record.reference, user=SUPPORTER, message_ts=record.support_ts)
    escalating.wait_idle()
    assert "already resolved" in standin.of("chat.postEphemeral")[-1].args["text"]
    assert len(standin.of("chat.update")) == 2


def test_without_a_team_list_members_of_the_support_channel_may_act(start_service, standin, assistant):
    standin.members[SUPPORT_CHANNEL] = ["U0MEMBER", "UBOT"]
    service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    assistant.escalation = Escalation("data_request")
    service.send_event(direct_message("Please delete all my data", ts="1700000000.000204"))
    record = wait_record(service, lambda r: r.delivery == "delivered", standin)

    click_support_message(service, ACTION_CLAIM, record.reference, user=OUTSIDER, message_ts=record.support_ts)
    service.wait_idle()
    assert "Only the privacy support team" in standin.of("chat.postEphemeral")[-1].args["text"]
    click_support_message(service, ACTION_CLAIM, record.reference, user="U0MEMBER", message_ts=record.support_ts)
    claimed = wait_record(service, lambda r: r.status == "claimed" and r.support_stale == 0, standin)
    assert claimed.claimed_by == "U0MEMBER"
    assert standin.of("conversations.members")[0].args["channel"] == SUPPORT_CHANNEL


def test_talk_to_support_on_any_answer_escalates_once_per_person(escalating, standin, assistant):
    escalating.send_event(mention("how is my data protected?", ts="1700000000.000401"))
    escalating.wait_idle()
    [answer] = standin.of("chat.postMessage")
    value = buttons(answer)[ACTION_SUPPORT]["value"]
    for _ in range(2):
        escalating.click(ACTION_SUPPORT, value, response_url=standin.response_url("support"),
                         thread_ts="1700000000.000401")
    escalating.wait_idle()
    [post] = wait_support_posts(standin)
    [record] = records(escalating.settings)
    assert (record.reason, record.question) == ("user_request", "how is my data protected?")
    assert record.reply_to.thread_ts == "1700000000.000401"
    [first], [second] = wait_ephemerals(standin, 2)
    assert record.reference in first.args["text"] and "within 2 business days" in first.args["text"]
    assert record.reference in second.args["text"]


def test_not_covered_answers_offer_support_without_escalating_and_a_click_hands_over(escalating, standin, assistant):
    assistant.covered = False
    escalating.send_event(mention("what about cookies on the moon?", ts="1700000000.000501"))
    escalating.wait_idle()
    [answer] = standin.of("chat.postMessage")
    support = buttons(answer)[ACTION_SUPPORT]
    assert support.get("style") == "primary"
    assert records(escalating.settings) == []  # offered, not forced

    escalating.click(ACTION_SUPPORT, support["value"], response_url=standin.response_url("s"),
                     thread_ts="1700000000.000501")
    wait_support_posts(standin)
    assert records(escalating.settings)[0].reason == "not_covered"


def test_after_thumbs_down_the_user_is_offered_support_and_can_take_it(escalating, standin, assistant):
    escalating.send_event(mention("how is my data protected?", ts="1700000000.000601"))
    escalating.wait_idle()
    [answer] = standin.of("chat.postMessage")
    answer_id = buttons(answer)[ACTION_NOT_HELPFUL]["value"]
    # Slack sends the clicked message along; the offer copies its Talk to support button.
    import json as _json
    from urllib.parse import urlencode

    payload = {"type": "block_actions", "user": {"id": USER_ID, "team_id": "T0001"}, "team": {"id": "T0001"},
               "api_app_id": "A0APP", "channel": {"id": CHANNEL_ID}, "response_url": standin.response_url("v"),
               "container": {"type": "message", "message_ts": answer.args.get("ts", "1700000000.000900"),
                             "channel_id": CHANNEL_ID, "is_ephemeral": False, "thread_ts": "1700000000.000601"},
               "message": {"type": "message", "ts": "1700000000.000900", "thread_ts": "1700000000.000601",
                           "blocks": answer.args["blocks"]},
               "trigger_id": "1.2.3",
               "actions": [{"type": "button", "action_id": ACTION_NOT_HELPFUL, "block_id": "answer_feedback",
                            "value": answer_id, "action_ts": "1700000001.000000"}]}
    escalating.post_signed(urlencode({"payload": _json.dumps(payload)}), "application/x-www-form-urlencoded")
    escalating.wait_idle()
    [thanks] = standin.of("chat.postEphemeral")
    offer = buttons(thanks)[ACTION_SUPPORT]
    assert "Talk to support" in offer["text"]["text"]

    payload["actions"] = [{"type": "button", "action_id": ACTION_SUPPORT, "block_id": "answer_feedback_support",
                           "value": offer["value"], "action_ts": "1700000003.000000"}]
    escalating.post_signed(urlencode({"payload": _json.dumps(payload)}), "application/x-www-form-urlencoded")
    wait_support_posts(standin)
    [record] = records(escalating.settings)
    assert (record.reason, record.question) == ("not_helpful", "how is my data protected?")


def test_typed_text_cannot_ping_anyone_in_the_support_channel(escalating, standin, assistant):
    assistant.escalation = Escalation("data_request")
    escalating.send_event(direct_message("<!channel> delete my data & <@U0BOSS> <b>now</b>", ts="1700000000.000701"))
    [post] = wait_support_posts(standin)
    dumped = post.dump()
    for token in ("<!channel>", "<@U0BOSS>", "<b>"):
        assert token not in dumped
    assert "&lt;!channel&gt; delete my data &amp; &lt;@U0BOSS&gt;" in dumped


def test_without_a_support_channel_the_request_is_recorded_and_the_user_sent_to_the_support_url(
        start_service, standin, assistant):
    service = start_service(assistant)
    assistant.escalation = Escalation("data_request")
    service.send_event(direct_message("Please delete all my data", ts="1700000000.000801"))
    service.wait_idle()
    [record] = records(service.settings)
    assert record.delivery == "no_channel"
    [reply] = standin.of("chat.postMessage")  # the answer only: nothing posted anywhere else
    text = json.dumps(reply.args["blocks"])
    assert record.reference in text and SUPPORT_URL in text


def test_a_customer_escalation_names_the_customer_and_points_them_to_the_support_url(escalating, standin):
    escalations = escalating.slack.escalations
    created = escalations.escalate(
        reason="data_request", audience="customer",
        asker=Asker.customer(customer_id="cus_42", email="ana@example.com", workspace="acme <corp>"),
        reply_to=ReplyTo("support_chat", "conv-9"), question="Export everything you hold on me",
        sections=["Contact Information — Privacy Policy"], dedupe_key="support_chat:conv-9:1")
    [post] = wait_support_posts(standin)
    fields = json.dumps(post.args["blocks"], ensure_ascii=False)
    assert "customer (id cus_42, email ana@example.com, workspace acme &lt;corp&gt;)" in fields
    told = escalations.acknowledgement(created.record, mrkdwn=False)
    assert created.record.reference in told and SUPPORT_URL in told
    assert "account or workspace" in told
