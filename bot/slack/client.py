"""Slack Web API and response_url clients that retry the way Slack asks clients to.

429 waits for Retry-After; 5xx and dropped connections are retried with backoff. The base URL
is configurable (SLACK_API_URL) for GovSlack / Enterprise hosts and for the tests' stand-in.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from bot.settings import Settings
from bot.slack.blocks import SlackMessage

# A few retries are enough to ride out a blip without holding a worker for long.
MAX_RETRIES = 3
BACKOFF = BackoffRetryIntervalCalculator(backoff_factor=0.25)


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """The built-in handler retries only 500 and 503; 502 and 504 are just as transient."""

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:  # noqa: ANN001
        return response is not None and 500 <= response.status_code <= 599


def retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES, interval_calculator=BACKOFF),
        RateLimitErrorRetryHandler(max_retry_count=MAX_RETRIES),
        AnyServerErrorRetryHandler(max_retry_count=MAX_RETRIES, interval_calculator=BACKOFF),
    ]


def web_client(settings: Settings) -> WebClient:
    kwargs = {"base_url": api_base_url(settings)} if settings.slack_api_url else {}
    return WebClient(token=settings.slack_bot_token, timeout=15, retry_handlers=retry_handlers(), **kwargs)


def api_base_url(settings: Settings) -> str:
    """WebClient joins method names onto the base URL, so it must end with a slash."""
    url = settings.slack_api_url or WebClient.BASE_URL
    return url if url.endswith("/") else url + "/"


def respond(response_url: str, message: SlackMessage, *, ephemeral: bool = True) -> None:
    """Post to a slash command's or button's response_url (works in channels the bot is not in)."""
    client = WebhookClient(response_url, timeout=15, retry_handlers=retry_handlers())
    response = client.send(
        text=message.text,
        blocks=message.blocks,
        response_type="ephemeral" if ephemeral else "in_channel",
        replace_original=False,
    )
    if response.status_code != 200:
        raise ResponseUrlError(f"response_url answered {response.status_code}")


class ResponseUrlError(RuntimeError):
    pass
