"""A quiet reply only the person who clicked can see, next to the message they clicked on."""

from slack_sdk import WebClient

from bot.slack.blocks import SlackMessage
from bot.slack.client import respond


def tell_clicker(client: WebClient, body: dict, message: SlackMessage) -> None:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if container.get("is_ephemeral") or not channel:
        # An ephemeral answer (from /privacy) may sit in a channel the bot is not in, where
        # chat.postEphemeral fails; its response_url works anywhere.
        respond(body["response_url"], message)
        return
    thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    client.chat_postEphemeral(channel=channel, user=body["user"]["id"], thread_ts=thread_ts, **message.as_kwargs())
