"""Direct message → the answer in that message's thread (Slack's agent messaging experience: every
question is a thread in the Messages tab, titled after its first question); a reply in a DM thread is a
follow-up, answered with the thread's earlier turns.

With SLACK_THREAD_FOLLOW_UPS=true (off by default; needs the message.channels / message.groups events),
a reply without a mention in a channel thread where the bot has answered is answered too.
"""

import re

from slack_bolt import App, BoltContext

from bot.slack.answering import SlackServices, question_text, reply_in_conversation


def register(app: App, services: SlackServices) -> None:
    # One listener for every `message` event: only plain human messages are questions.
    # Subtypes (edits, joins, deletions, bot_message…) and other bots are ignored, so is the
    # bot itself (Bolt's self-event filter, plus the user check for safety).
    @app.event("message")
    def answer_direct_message(event: dict, context: BoltContext, body: dict) -> None:
        if event.get("subtype") or event.get("bot_id"):
            return
        if not event.get("user") or event.get("user") == context.bot_user_id:
            return
        if event.get("channel_type") == "im":
            answer, thread_ts, title_thread = reply_in_conversation, event.get("thread_ts") or event["ts"], \
                not event.get("thread_ts")
        elif _maybe_thread_follow_up(services, event, context):
            answer, thread_ts, title_thread = _reply_if_bot_answered, event["thread_ts"], False
        else:
            return
        services.work.submit(
            answer,
            services,
            context.client,
            channel=event["channel"],
            message_ts=event["ts"],
            thread_ts=thread_ts,
            question=question_text(event.get("text", ""), context.bot_user_id),
            user=event.get("user"),
            team=context.team_id or event.get("team"),
            payload=event,  # Slack Connect: the author's team (bot/slack/audience.py)
            shared=body.get("is_ext_shared_channel") if event.get("channel_type") != "im" else None,
            bot_user_id=context.bot_user_id,
            title_thread=title_thread,
        )


def _maybe_thread_follow_up(services: SlackServices, event: dict, context: BoltContext) -> bool:
    """A reply in a channel thread, without a mention (the mention has its own event), when enabled."""
    if not services.settings.slack_thread_follow_ups:
        return False
    if event.get("channel_type") not in ("channel", "group") or not event.get("thread_ts"):
        return False
    if event.get("thread_ts") == event.get("ts"):
        return False
    return not (context.bot_user_id and re.search(rf"<@{re.escape(context.bot_user_id)}\b", event.get("text", "")))


def _reply_if_bot_answered(services: SlackServices, client, **kwargs) -> None:
    """After the ack: only threads the bot has answered in (read once, then cached: bot/slack/threads.py)."""
    if services.threads.answered_in(client, kwargs["channel"], kwargs["thread_ts"], kwargs.get("bot_user_id")):
        reply_in_conversation(services, client, **kwargs)
