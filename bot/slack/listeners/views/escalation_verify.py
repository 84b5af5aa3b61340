"""Identity verified modal submitted → who, when and how are recorded (and in the audit trail)."""

from slack_bolt import Ack, App

from bot.slack.answering import SlackServices
from bot.slack.listeners.views.request_submission import FieldError, submit
from bot.slack.request_modals import VERIFY_MODAL, submitted
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.view(VERIFY_MODAL)
    def verified(ack: Ack, body: dict, view: dict) -> None:
        def change(reference: str, user: str):
            how = submitted(view, "how")
            if not how:
                raise FieldError("how", "Say how the identity was verified.")
            return services.escalations.verify(reference, user, how)

        submit(ack, team, body, view, "how", change)
