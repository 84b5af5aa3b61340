"""Shared by Mark identity verified, Extend and a data request's Resolve: check, then open the modal.

Only the support team may open them (the submission is checked again); a closed request, or an
extension that is no longer possible, is told privately instead of opening a form.
"""

from __future__ import annotations

from bot.escalation import normalise_reference
from bot.slack.answering import SlackServices
from bot.slack.listeners.actions.reply import tell_clicker
from bot.slack.listeners.actions.support_actions import private, support_member
from bot.slack.support import SupportTeam


def open_modal(services: SlackServices, team: SupportTeam, client, body: dict, value: str, build_view,
               refuse=None) -> None:
    """`build_view(record)` makes the modal; `refuse(record)` returns why not to open it, or None."""
    if not support_member(team, client, body, "Only the privacy support team can act on escalations.",
                          "escalation modal"):
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
