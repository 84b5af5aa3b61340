"""Shared by Mark identity verified, Extend and a data request's Resolve: check, then open the modal.

Only the support team may open them (the submission is checked again); a closed request, or an
extension that is no longer possible, is told privately instead of opening a form.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.escalation import normalise_reference
from bot.slack.answering import SlackServices
from bot.slack.background import new_trace_id
from bot.slack.listeners.actions.reply import tell_clicker
from bot.slack.listeners.actions.support_actions import private
from bot.slack.support import SupportTeam

log = logging.getLogger(__name__)


def open_modal(services: SlackServices, team: SupportTeam, client, body: dict, value: str, build_view,
               refuse=None) -> None:
    """`build_view(record)` makes the modal; `refuse(record)` returns why not to open it, or None."""
    user = body["user"]["id"]
    try:
        allowed = team.allows(user)
    except SlackApiError as error:
        log.error("support team check failed trace_id=%s error=%s", new_trace_id(), error.response.get("error"))
        tell_clicker(client, body, private("Sorry, I couldn't check who is on the support team right now; "
                                           "please try again in a moment."))
        return
    if not allowed:
        log.info("escalation modal refused for a non-member")
        tell_clicker(client, body, private("Only the privacy support team can act on escalations."))
        return
    reference = normalise_reference(value)
    record = services.escalations.store.get(reference) if reference else None
    if record is None:
        tell_clicker(client, body, private("That button does not name an escalation I know."))
        return
    problem = "It is already resolved." if record.status == "resolved" else (refuse(record) if refuse else None)
    if problem:
        tell_clicker(client, body, private(f"{record.reference}: {problem}"))
        return
    client.views_open(trigger_id=body["trigger_id"], view=build_view(record))
