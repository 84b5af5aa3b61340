"""Direct message → the answer in the DM; a reply in a DM thread is answered in that thread."""

from slack_bolt import App, BoltContext

from bot.slack.answering import SlackServices, question_text, reply_in_conversation


def register(app: App, services: SlackServices) -> None:
    # One listener for every `message` event: only plain human messages in a DM are questions.
    # Subtypes (edits, joins, deletions, bot_message…) and other bots are ignored, so is the
    # bot itself (Bolt's self-event filter, plus the user check for safety).
    @app.event("message")
    def answer_direct_message(event: dict, context: BoltContext) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if not event.get("user") or event.get("user") == context.bot_user_id:
            return
        services.work.submit(
            reply_in_conversation,
            services,
            context.client,
            channel=event["channel"],
            message_ts=event["ts"],
            thread_ts=event.get("thread_ts"),
            question=question_text(event.get("text", ""), context.bot_user_id),
            user=event.get("user"),
            team=context.team_id or event.get("team"),
            payload=event,  # Slack Connect: the author's team (bot/slack/audience.py)
        )
