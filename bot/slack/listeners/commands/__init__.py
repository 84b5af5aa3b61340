"""Slash command listeners."""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners.commands import privacy


def register(app: App, services: SlackServices) -> None:
    privacy.register(app, services)
