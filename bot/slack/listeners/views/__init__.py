"""Modal (view_submission) listeners.

None yet: the answers need no modal. The escalation flow adds its "describe your request"
modal here, as `views/<name>.py` with its own `register(app, services)`, listed below.
"""

from slack_bolt import App

from bot.slack.answering import SlackServices


def register(app: App, services: SlackServices) -> None:
    return None
