"""App Home tab → what the assistant does, example questions, policy date and index status.
Messages tab (agent messaging) → suggested prompts above the composer (bot/slack/agent.py)."""

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack import agent, messages, team
from bot.slack.answering import SlackServices, decide_audience
from bot.slack.background import new_trace_id

log = logging.getLogger(__name__)


def register(app: App, services: SlackServices) -> None:
    @app.event("app_home_opened")
    def show_home(event: dict, context: BoltContext) -> None:
        if event.get("tab") == "messages" and event.get("channel"):
            # Agent messaging: opening the DM replaced assistant_thread_started; no thread_ts is needed.
            services.work.submit(agent.suggest_prompts, context.client, event["channel"], new_trace_id())
            return
        if event.get("tab", "home") != "home":
            return
        services.work.submit(publish_home, services, context.client, event["user"])


def publish_home(services: SlackServices, client: WebClient, user_id: str) -> None:
    try:
        status = services.assistant.status()
    except Exception:
        # The home tab still renders and says the status is unavailable; the cause is logged.
        log.exception("assistant.status() failed trace_id=%s", new_trace_id())
        status = None
    audience = decide_audience(services, user_id, None).audience  # guests see no internal channel
    view = messages.home_view(status, services.settings, audience)
    if team.is_team(services.settings, user_id):  # the refresh button and the report, team only
        view["blocks"] += team.home_blocks(services, embed=lambda texts: services.refresher.embeddings().embed_documents(texts))
    client.views_publish(user_id=user_id, view=view)
