"""Button listeners: feedback votes and Talk to support on answers; Claim/Resolve on support messages."""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners.actions import escalation_claim, escalation_resolve, feedback, refresh_index, talk_to_support


def register(app: App, services: SlackServices) -> None:
    feedback.register(app, services)
    talk_to_support.register(app, services)
    escalation_claim.register(app, services)
    escalation_resolve.register(app, services)
    refresh_index.register(app, services)
