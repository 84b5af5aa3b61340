"""Mark identity verified (data requests) → a modal asking how; the submission records who, when and how."""

from slack_bolt import Ack, App, BoltContext

from bot.escalation.render import ACTION_VERIFY
from bot.slack.answering import SlackServices
from bot.slack.listeners.actions.request_modal import open_modal
from bot.slack.request_modals import verify_view
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.action(ACTION_VERIFY)
    def verify(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        services.work.submit(open_modal, services, team, context.client, body, action.get("value") or "", verify_view,
                             lambda r: "The identity was already verified." if r.verified_at else None)
