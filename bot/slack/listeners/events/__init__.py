"""Events API listeners: mentions, direct messages, App Home."""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners.events import app_home_opened, app_mention, direct_message


def register(app: App, services: SlackServices) -> None:
    app_mention.register(app, services)
    direct_message.register(app, services)
    app_home_opened.register(app, services)
