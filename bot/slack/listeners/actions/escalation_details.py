"""Kind and Regime menus on a data request's support message → the record is corrected (support only).

Changing the regime recomputes the due date from the day the request was received; both go into
the audit trail and the outbox re-renders the message. A change the rules refuse (a regime after
an extension) is told privately to the person who chose it.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from bot.escalation import normalise_reference
from bot.escalation.dsar import RequestError
from bot.escalation.render import ACTION_SET_KIND, ACTION_SET_REGIME
from bot.slack.answering import SlackServices
from bot.slack.blocks import escape
from bot.slack.listeners.actions.reply import tell_clicker
from bot.slack.listeners.actions.support_actions import private
from bot.slack.support import SupportTeam

log = logging.getLogger(__name__)


def register(app: App, services: SlackServices, team: SupportTeam) -> None:

    @app.action(ACTION_SET_KIND)
    @app.action(ACTION_SET_REGIME)
    def choose(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        value = (action.get("selected_option") or {}).get("value") or ""
        services.work.submit(apply_choice, services, team, context.client, body, action["action_id"], value)


def apply_choice(services: SlackServices, team: SupportTeam, client, body: dict, action_id: str, value: str) -> None:
    user = body["user"]["id"]
    try:
        allowed = team.allows(user)
    except SlackApiError:
        tell_clicker(client, body, private("Sorry, I couldn't check who is on the support team right now."))
        return
    if not allowed:
        log.info("escalation detail change refused for a non-member")
        tell_clicker(client, body, private("Only the privacy support team can change escalations."))
        return
    raw_reference, _, choice = value.partition("|")
    reference = normalise_reference(raw_reference)
    if reference is None or not choice:
        tell_clicker(client, body, private("That menu does not name an escalation."))
        return
    try:
        if action_id == ACTION_SET_KIND:
            services.escalations.set_kind(reference, choice, user)
        else:
            services.escalations.set_regime(reference, choice, user)
    except (RequestError, ValueError) as error:
        tell_clicker(client, body, private(f"{reference}: {escape(str(error))}"))
