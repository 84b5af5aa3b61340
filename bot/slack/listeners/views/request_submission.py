"""Shared by the data-request modals' submissions: who may submit, and turning refusals into form errors.

A submission is acknowledged only after the change was tried: a rule it breaks (a date past the
regime's maximum, a refusal without a reason) comes back as an error on the field, in the modal,
and nothing changes. Anyone outside the support team gets the error too (on the first field).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack
from slack_sdk.errors import SlackApiError

from bot.escalation import normalise_reference
from bot.escalation.dsar import RequestError
from bot.slack.support import SupportTeam

log = logging.getLogger(__name__)


def submit(ack: Ack, team: SupportTeam, body: dict, view: dict, first_block: str, change) -> None:
    """`change(reference, user)` applies the submission (raising RequestError with a field) or returns a problem."""
    user = body["user"]["id"]
    try:
        allowed = team.allows(user)
    except SlackApiError:
        ack(response_action="errors", errors={first_block: "Couldn't check the support team right now; try again."})
        return
    if not allowed:
        log.info("escalation modal submission refused for a non-member")
        ack(response_action="errors", errors={first_block: "Only the privacy support team can act on escalations."})
        return
    reference = normalise_reference(view.get("private_metadata") or "")
    if reference is None:
        ack(response_action="errors", errors={first_block: "This form does not name an escalation."})
        return
    try:
        transition = change(reference, user)
    except FieldError as error:
        ack(response_action="errors", errors={error.block: str(error)})
        return
    except RequestError as error:
        ack(response_action="errors", errors={first_block: str(error)})
        return
    if transition.record is None:
        ack(response_action="errors", errors={first_block: f"There is no escalation {reference}."})
        return
    if not transition.changed:
        ack(response_action="errors", errors={first_block: f"{reference} changed meanwhile "
                                                           f"(now {transition.record.status}); nothing was saved."})
        return
    ack()  # closes the modal; the outbox updates the support message and tells the asker


class FieldError(RequestError):
    def __init__(self, block: str, message: str):
        super().__init__(message)
        self.block = block
