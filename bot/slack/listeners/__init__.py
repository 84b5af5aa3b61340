"""Slack listeners, one package per kind of request, each with `register(app, services)`."""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners import actions, commands, events, views


def register_all(app: App, services: SlackServices) -> None:
    for kind in (events, commands, actions, views):
        kind.register(app, services)
