"""Resolve on a support message → resolved once; the message is updated and the asker notified
in their original thread or DM (by the outbox, which retries until it is delivered)."""

from slack_bolt import Ack, App, BoltContext

from bot.escalation import ACTION_RESOLVE
from bot.slack.answering import SlackServices
from bot.slack.listeners.actions import support_actions
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.action(ACTION_RESOLVE)
    def resolve(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        services.work.submit(support_actions.act, services, team, context.client, body, action.get("value") or "",
                             "resolve")
