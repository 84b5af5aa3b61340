"""Modal (view_submission) listeners: the data-request modals (identity verified, Extend, Resolve).

Each is `views/<name>.py` with `register(app, services, team)`; the support team (who may
submit) is made once here, as the actions package makes its own for the buttons.
"""

from slack_bolt import App

from bot.slack.answering import SlackServices
from bot.slack.listeners.views import escalation_extend, escalation_resolve, escalation_verify
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices) -> None:
    if services.escalations is None:
        return
    team = SupportTeam(services.settings, app.client)
    escalation_verify.register(app, services, team)
    escalation_extend.register(app, services, team)
    escalation_resolve.register(app, services, team)
