"""@mention in a channel → the answer in the mention's thread; a mention inside a thread where the bot
answered is a follow-up, answered with the thread's earlier turns (bot/slack/threads.py)."""

from slack_bolt import App, BoltContext

from bot.slack.answering import SlackServices, question_text, reply_in_conversation


def register(app: App, services: SlackServices) -> None:
    @app.event("app_mention")
    def answer_mention(event: dict, context: BoltContext, body: dict) -> None:
        # Bolt already drops the bot's own events; other bots and edits are not questions.
        if event.get("bot_id") or event.get("subtype"):
            return
        services.work.submit(
            reply_in_conversation,
            services,
            context.client,
            channel=event["channel"],
            message_ts=event["ts"],
            thread_ts=event.get("thread_ts") or event["ts"],
            question=question_text(event.get("text", ""), context.bot_user_id),
            user=event.get("user"),
            team=context.team_id or event.get("team"),
            payload=event,  # Slack Connect: the author's team (bot/slack/audience.py)
            shared=body.get("is_ext_shared_channel"),  # a shared channel is read by customers
            bot_user_id=context.bot_user_id,
        )
