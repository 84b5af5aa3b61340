"""Talk to support → the request is recorded and the person told how to reach the team.

The escalation flow (its own issue) replaces `hand_over` with a real hand-off; until then the
request is kept in `support_requests` so nobody who asked is lost.
"""

from slack_bolt import Ack, App, BoltContext

from bot.slack import messages
from bot.slack.answering import SlackServices
from bot.slack.blocks import ACTION_SUPPORT
from bot.slack.listeners.actions.reply import tell_clicker


def register(app: App, services: SlackServices) -> None:
    @app.action(ACTION_SUPPORT)
    def hand_over(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        container = body.get("container") or {}
        first_time = services.store.record_support_request(
            answer_id=action["value"][:64],
            user_id=body["user"]["id"],
            channel_id=container.get("channel_id"),
            message_ts=container.get("message_ts"),
        )
        reply = messages.support_recorded(services.settings, first_time=first_time)
        services.work.submit(tell_clicker, context.client, body, reply)
