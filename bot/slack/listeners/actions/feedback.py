"""👍 Helpful / 👎 Not helpful → the vote is stored (one per person per answer) and thanked quietly;
after 👎 the thank-you offers Talk to support."""

from slack_bolt import Ack, App, BoltContext

from bot.slack import messages
from bot.slack.answering import SlackServices
from bot.slack.blocks import ACTION_HELPFUL, ACTION_NOT_HELPFUL
from bot.slack.escalating import offer_support, support_value_from_message
from bot.slack.listeners.actions.reply import tell_clicker

VOTES = {ACTION_HELPFUL: "helpful", ACTION_NOT_HELPFUL: "not_helpful"}


def register(app: App, services: SlackServices) -> None:
    @app.action(ACTION_HELPFUL)
    @app.action(ACTION_NOT_HELPFUL)
    def record_vote(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        vote = VOTES[action["action_id"]]
        # Stored before the HTTP response returns: a vote Slack saw accepted is on disk.
        services.store.record_vote(action["value"][:64], body["user"]["id"], vote)
        reply = messages.thanks(vote)
        if vote == "not_helpful":  # offer a person (bot/slack/escalating.py); the click escalates
            reply = offer_support(reply, support_value_from_message(body, action["value"][:64]))
        services.work.submit(tell_clicker, context.client, body, reply)
