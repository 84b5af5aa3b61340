"""Button listeners: feedback votes, Talk to support and the hand-off offer on answers; Claim/Resolve on support messages."""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners.actions import (escalation_claim, escalation_resolve, feedback, offer, refresh_index,
                                        talk_to_support)
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices) -> None:
    feedback.register(app, services)
    talk_to_support.register(app, services)
    offer.register(app, services)
    # One membership cache per app, shared by Claim and Resolve (who may act on support messages).
    team = SupportTeam(services.settings, app.client)
    escalation_claim.register(app, services, team)
    escalation_resolve.register(app, services, team)
    refresh_index.register(app, services)
