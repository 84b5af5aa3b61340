"""App Home → Refresh index (privacy team only): runs the gated refresh; the result goes to the clicker's DM."""

from slack_bolt import Ack, App, BoltContext

from bot.slack import team
from bot.slack.answering import SlackServices
from bot.slack.listeners.events.app_home_opened import publish_home


def register(app: App, services: SlackServices) -> None:
    @app.action(team.ACTION_REFRESH)
    def refresh_index(ack: Ack, body: dict, context: BoltContext) -> None:
        ack()
        user_id = body["user"]["id"]
        message, run = team.begin(services, user_id)
        client = context.client
        services.work.submit(team.publish_result_dm, client, user_id, message)
        if run:
            def deliver(result) -> None:
                team.publish_result_dm(client, user_id, result)
                publish_home(services, client, user_id)  # the new index status and report

            services.work.submit(team.run_refresh, services, deliver)
