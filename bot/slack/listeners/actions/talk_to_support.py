"""Talk to support → an escalation record (once per person and question) and its reference, privately.

The button carries the question, cited sections and reason (bot/slack/escalating.py), so the
hand-off is complete even for an answer posted before a restart. The record is committed
before Slack gets its response; the outbox posts it to the support channel.
"""

from dataclasses import replace

from slack_bolt import Ack, App, BoltContext

from bot.escalation import ReplyTo
from bot.slack.answering import SlackServices, decide_audience
from bot.slack.blocks import ACTION_SUPPORT, SlackMessage
from bot.slack.escalating import ask_from_click, dedupe_key, parse_support_value
from bot.slack.listeners.actions.reply import tell_clicker


def register(app: App, services: SlackServices) -> None:
    @app.action(ACTION_SUPPORT)
    def talk_to_support(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        hand_over(services, body, action, context)


def hand_over(services: SlackServices, body: dict, action: dict, context: BoltContext) -> None:
    """Record the hand-off a button asked for (Talk to support, or the offer: actions/offer.py)."""
    block_id = action.get("block_id") or ""
    request = parse_support_value(action.get("value") or "", after_not_helpful=block_id.endswith("_support"))
    ask = ask_from_click(body)
    # A Slack Connect user or guest is recorded (and answered) as a customer; cached after their question.
    decision = decide_audience(services, ask.user_id, body)
    ask = replace(ask, **decision.ask_fields())
    created = services.escalations.escalate(
        reason=request.reason, audience=decision.audience, asker=ask.asker(),
        reply_to=ReplyTo("slack", ask.reply_channel, ask.reply_thread_ts), question=request.question,
        sections=request.sections, answer_id=request.answer_id,
        dedupe_key=dedupe_key(ask.team_id, request.source_key, ask.user_id),
    )
    text = services.escalations.acknowledgement(created.record, repeat=not created.created)
    services.work.submit(_tell, services, context.client, body, SlackMessage(text=text, blocks=[context_block(text)]),
                         created.record.reference)


def context_block(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _tell(services: SlackServices, client, body: dict, message: SlackMessage, reference: str) -> None:
    tell_clicker(client, body, message)
    services.escalations.mark_told(reference=reference)
