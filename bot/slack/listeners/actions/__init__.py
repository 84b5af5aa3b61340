"""Button listeners: feedback votes, Talk to support and the hand-off offer on answers; Claim, Resolve, Mark
identity verified, Extend and the Kind/Regime menus on support messages."""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners.actions import (escalation_claim, escalation_details, escalation_extend, escalation_resolve,
                                        escalation_verify, feedback, offer, refresh_index, talk_to_support)
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices) -> None:
    feedback.register(app, services)
    talk_to_support.register(app, services)
    offer.register(app, services)
    # One membership cache per app, shared by Claim and Resolve (who may act on support messages).
    team = SupportTeam(services.settings, app.client)
    escalation_claim.register(app, services, team)
    escalation_resolve.register(app, services, team)
    escalation_verify.register(app, services, team)  # data requests: identity, extension (modals)
    escalation_extend.register(app, services, team)
    escalation_details.register(app, services, team)  # Kind and Regime menus
    refresh_index.register(app, services)
