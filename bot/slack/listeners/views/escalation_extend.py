"""Extend modal submitted → the new date (within the regime's maximum) and reason are recorded; the
outbox updates the support message and tells the asker the new date and the reason."""

from slack_bolt import Ack, App

from bot.escalation.dsar import RequestError
from bot.slack.answering import SlackServices
from bot.slack.listeners.views.request_submission import FieldError, submit
from bot.slack.request_modals import EXTEND_MODAL, submitted, submitted_date
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.view(EXTEND_MODAL)
    def extended(ack: Ack, body: dict, view: dict) -> None:
        def change(reference: str, user: str):
            new_date = submitted_date(view, "new_date")
            if new_date is None:
                raise FieldError("new_date", "Pick the new due date.")
            reason = submitted(view, "reason")
            if not reason:
                raise FieldError("reason", "Give the reason: the requester is told it.")
            try:
                return services.escalations.extend(reference, user, new_date, reason)
            except RequestError as error:  # a date the regime does not allow: shown on the date
                raise FieldError("new_date", str(error)) from None

        submit(ack, team, body, view, "new_date", change)
