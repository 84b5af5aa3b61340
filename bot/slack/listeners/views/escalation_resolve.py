"""Resolve modal submitted → the outcome (a refusal with its reason) and note are recorded; the asker
is notified with them by the outbox."""

from slack_bolt import Ack, App

from bot.slack.answering import SlackServices
from bot.slack.listeners.views.request_submission import FieldError, submit
from bot.slack.request_modals import RESOLVE_MODAL, submitted
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.view(RESOLVE_MODAL)
    def resolved(ack: Ack, body: dict, view: dict) -> None:
        def change(reference: str, user: str):
            outcome = submitted(view, "outcome") or "fulfilled"
            reason = submitted(view, "reason")
            if outcome == "refused" and not reason:
                raise FieldError("reason", "A refusal needs its reason: the requester is told it.")
            return services.escalations.resolve(reference, user, submitted(view, "note"), outcome=outcome,
                                                outcome_reason=reason)

        submit(ack, team, body, view, "outcome", change)
