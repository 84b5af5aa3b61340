"""Button listeners on answers: feedback votes and Talk to support."""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners.actions import feedback, refresh_index, talk_to_support


def register(app: App, services: SlackServices) -> None:
    feedback.register(app, services)
    talk_to_support.register(app, services)
    refresh_index.register(app, services)
