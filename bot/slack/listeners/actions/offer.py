""""Yes, hand it to the privacy team" under an answer with an offer → the Talk to support flow.

The button carries the same value as the answer's Talk to support button (reason = the offered
request, the question, the sections, the question message's key), so the hand-off is recorded
through `Escalations.escalate` exactly as a Talk to support click: once per person and question,
whichever of the two buttons they press and however often.
"""

from slack_bolt import Ack, App, BoltContext

from bot.slack.answering import SlackServices
from bot.slack.blocks import ACTION_OFFER
from bot.slack.listeners.actions.talk_to_support import hand_over


def register(app: App, services: SlackServices) -> None:
    @app.action(ACTION_OFFER)
    def accept_offer(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        hand_over(services, body, action, context)
