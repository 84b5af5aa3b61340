"""/privacy <question> → a private (ephemeral) answer; /privacy or /privacy help → usage.

/privacy reindex → the privacy team's index refresh (bot/slack/team.py); others are refused."""

from slack_bolt import Ack, App

from bot.slack import messages, team
from bot.slack.answering import HELP_WORDS, SlackServices, question_text, reply_ephemeral
from bot.slack.client import respond

COMMAND = "/privacy"


def register(app: App, services: SlackServices) -> None:
    @app.command(COMMAND)
    def privacy(ack: Ack, command: dict) -> None:
        question = question_text(command.get("text", ""), None)
        if not question or question.lower() in HELP_WORDS:
            ack(response_type="ephemeral", **messages.usage().as_kwargs())
            return
        if question.lower() in team.REINDEX_WORDS:
            reply, run = team.begin(services, command.get("user_id", ""))
            ack(response_type="ephemeral", **reply.as_kwargs())
            if run:
                services.work.submit(team.run_refresh, services,
                                     lambda message: respond(command["response_url"], message))
            return
        # The ack itself is the working signal: the caller sees it at once, the answer follows.
        ack(response_type="ephemeral", **messages.working().as_kwargs())
        services.work.submit(reply_ephemeral, services, response_url=command["response_url"], question=question,
                             user=command.get("user_id"), team=command.get("team_id"),
                             request_id=command.get("trigger_id"), payload=command)
