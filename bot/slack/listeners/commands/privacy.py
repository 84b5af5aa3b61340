"""/privacy <question> → a private (ephemeral) answer; /privacy or /privacy help → usage."""

from slack_bolt import Ack, App

from bot.slack import messages
from bot.slack.answering import HELP_WORDS, SlackServices, question_text, reply_ephemeral

COMMAND = "/privacy"


def register(app: App, services: SlackServices) -> None:
    @app.command(COMMAND)
    def privacy(ack: Ack, command: dict) -> None:
        question = question_text(command.get("text", ""), None)
        if not question or question.lower() in HELP_WORDS:
            ack(response_type="ephemeral", **messages.usage().as_kwargs())
            return
        # The ack itself is the working signal: the caller sees it at once, the answer follows.
        ack(response_type="ephemeral", **messages.working().as_kwargs())
        services.work.submit(reply_ephemeral, services, response_url=command["response_url"], question=question)
