"""Extend (data requests) → a modal: a new date within the regime's maximum and the reason."""

from datetime import date

from slack_bolt import Ack, App, BoltContext

from bot.escalation.render import ACTION_EXTEND
from bot.slack.answering import SlackServices
from bot.slack.listeners.actions.request_modal import open_modal
from bot.slack.request_modals import extend_view
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:
    def refuse(record):
        # The latest date is always a candidate; if even it is refused, no date could be.
        from bot.escalation import deadlines

        latest = deadlines.latest_extension(deadlines.utc_date(record.created_at), record.regime)
        return services.escalations.requests.check_extension(record, latest if latest > date.fromisoformat(record.due_at) else
                                        date.fromisoformat(record.due_at))

    @app.action(ACTION_EXTEND)
    def extend(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        services.work.submit(open_modal, services, team, context.client, body, action.get("value") or "", extend_view,
                             refuse)
