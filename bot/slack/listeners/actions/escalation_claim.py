"""Claim on a support message → the record is claimed once; the outbox updates the message in place.

Only the support team may claim (SUPPORT_TEAM_USER_IDS, or members of the support channel);
anyone else gets a private refusal. A second click (or a click after someone else claimed)
changes nothing and says who has it.
"""

from slack_bolt import Ack, App, BoltContext

from bot.escalation import ACTION_CLAIM
from bot.slack.answering import SlackServices
from bot.slack.listeners.actions import support_actions
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.action(ACTION_CLAIM)
    def claim(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        services.work.submit(support_actions.act, services, team, context.client, body, action.get("value") or "",
                             "claim")
