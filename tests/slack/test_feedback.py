"""The buttons under an answer: votes are stored, support requests recorded, people thanked quietly."""

from __future__ import annotations

from bot.slack.blocks import ACTION_HELPFUL, ACTION_NOT_HELPFUL, ACTION_SUPPORT
from bot.store import StateStore
from tests.slack.harness import CHANNEL_ID, USER_ID, mention


def answer_id_of_posted_answer(service, standin) -> str:
    service.send_event(mention("how is my data protected?", ts="1700000000.000100"))
    service.wait_idle()
    [reply] = standin.of("chat.postMessage")
    [actions] = [b for b in reply.args["blocks"] if b["type"] == "actions"]
    values = {e["value"] for e in actions["elements"] if e["action_id"] != ACTION_SUPPORT}
    assert len(values) == 1
    return values.pop()


def stored_votes(service):
    # A second connection, as a report would open it: the vote is on disk, not only in memory.
    store = StateStore.open(service.settings.state_db)
    try:
        return [(v.answer_id, v.user_id, v.vote) for v in store.votes()]
    finally:
        store.close()


def test_helpful_vote_is_stored_and_thanked_in_the_thread_only_to_the_voter(service, standin):
    answer_id = answer_id_of_posted_answer(service, standin)
    response = service.click(ACTION_HELPFUL, answer_id, response_url=standin.response_url("vote"),
                             thread_ts="1700000000.000100")
    assert response.status_code == 200
    assert stored_votes(service) == [(answer_id, USER_ID, "helpful")]
    service.wait_idle()
    [thanks] = standin.of("chat.postEphemeral")
    assert (thanks.args["channel"], thanks.args["user"], thanks.args["thread_ts"]) == (
        CHANNEL_ID, USER_ID, "1700000000.000100")
    assert "Thanks" in thanks.args["text"]
    assert len(standin.of("chat.postMessage")) == 1  # nothing public beyond the answer


def test_changing_your_mind_replaces_your_vote_and_others_vote_separately(service, standin):
    answer_id = answer_id_of_posted_answer(service, standin)
    service.click(ACTION_HELPFUL, answer_id, response_url=standin.response_url("vote"))
    service.click(ACTION_NOT_HELPFUL, answer_id, response_url=standin.response_url("vote"))
    service.click(ACTION_HELPFUL, answer_id, response_url=standin.response_url("vote"), user="U0OTHER")
    assert sorted(stored_votes(service)) == sorted([(answer_id, USER_ID, "not_helpful"),
                                                    (answer_id, "U0OTHER", "helpful")])


def test_vote_on_a_private_slash_answer_is_thanked_through_its_response_url(service, standin):
    service.click(ACTION_NOT_HELPFUL, "a1b2c3", response_url=standin.response_url("ephemeral-vote"), ephemeral=True)
    service.wait_idle()
    assert stored_votes(service) == [("a1b2c3", USER_ID, "not_helpful")]
    [thanks] = [c for c in standin.calls if c.method == "response_url"]
    assert thanks.path.endswith("/ephemeral-vote") and thanks.args["response_type"] == "ephemeral"
    assert standin.of("chat.postEphemeral") == []


def test_talk_to_support_records_the_request_once_and_tells_the_person_where_to_go(service, standin):
    # Without SUPPORT_CHANNEL_ID the request is still recorded (tests/escalation/ covers the channel).
    answer_id_of_posted_answer(service, standin)
    [reply] = standin.of("chat.postMessage")
    [value] = [e["value"] for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == ACTION_SUPPORT]
    service.click(ACTION_SUPPORT, value, response_url=standin.response_url("support"))
    service.click(ACTION_SUPPORT, value, response_url=standin.response_url("support"))
    service.wait_idle()
    [record] = service.slack.escalations.store.list()
    assert (record.asker.user_id, record.reply_to.channel, record.question) == (
        USER_ID, CHANNEL_ID, "how is my data protected?")
    # The two clicks are handled on Bolt's worker threads, so their confirmations may arrive in either order.
    texts = [m.args["text"] for m in standin.of("chat.postEphemeral")]
    [recorded] = [t for t in texts if "recorded your request" in t]
    [already] = [t for t in texts if "already has this request" in t]
    assert len(texts) == 2 and record.reference in recorded
    assert "https://kimss.example/app/support" in recorded
