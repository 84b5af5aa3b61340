"""Resolve on a support message → resolved once; the message is updated and the asker notified
in their original thread or DM (by the outbox, which retries until it is delivered).

A data request's Resolve opens a modal first (outcome: fulfilled / refused with its reason /
withdrawn / duplicate, and a note): bot/slack/listeners/views/escalation_resolve.py."""

from slack_bolt import Ack, App, BoltContext

from bot.escalation import ACTION_RESOLVE, normalise_reference
from bot.slack.answering import SlackServices
from bot.slack.listeners.actions import support_actions
from bot.slack.listeners.actions.request_modal import open_modal
from bot.slack.request_modals import resolve_view
from bot.slack.support import SupportTeam


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.action(ACTION_RESOLVE)
    def resolve(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        value = action.get("value") or ""
        reference = normalise_reference(value)
        record = services.escalations.store.get(reference) if reference and services.escalations else None
        if record is not None and record.is_dsar and record.status != "resolved":
            services.work.submit(open_modal, services, team, context.client, body, value, resolve_view)
            return
        services.work.submit(support_actions.act, services, team, context.client, body, value, "resolve")
