"""Shared by Claim and Resolve: the authorisation check and the private replies to the clicker."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.escalation import normalise_reference
from bot.escalation.render import who
from bot.slack.answering import SlackServices
from bot.slack.background import new_trace_id
from bot.slack.blocks import SlackMessage, escape
from bot.slack.listeners.actions.reply import tell_clicker
from bot.slack.support import SupportTeam

log = logging.getLogger(__name__)


def private(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def support_member(team: SupportTeam, client, body: dict, refusal: str, what: str) -> bool:
    """True when the clicker is on the support team; otherwise they are told why not (privately)."""
    try:
        allowed = team.allows(body["user"]["id"])
    except SlackApiError as error:
        log.error("support team check failed trace_id=%s error=%s", new_trace_id(), error.response.get("error"))
        tell_clicker(client, body, private("Sorry, I couldn't check who is on the support team right now; "
                                           "please try again in a moment."))
        return False
    if not allowed:
        log.info("%s refused for a non-member", what)
        tell_clicker(client, body, private(refusal))
    return allowed


def act(services: SlackServices, team: SupportTeam, client, body: dict, value: str, verb: str) -> None:
    user = body["user"]["id"]
    reference = normalise_reference(value)
    if not support_member(team, client, body, "Only the privacy support team can claim or resolve escalations.",
                          f"escalation {reference} {verb}"):
        return
    if reference is None:
        tell_clicker(client, body, private("That button does not name an escalation."))
        return
    transition = (services.escalations.claim(reference, user) if verb == "claim"
                  else services.escalations.resolve(reference, user))
    if transition.changed:
        return  # the outbox updates the message in place; the change speaks for itself
    record = transition.record
    if record is None:
        text = f"There is no escalation {escape(reference)}."
    elif record.status == "resolved":
        text = f"{record.reference} was already resolved by {who(record.resolved_by)}."
    else:
        text = f"{record.reference} is already claimed by {who(record.claimed_by)}."
    tell_clicker(client, body, private(text))
