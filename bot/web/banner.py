"""What `privacy-bot serve` prints when it starts: the URLs to open, and how Slack is connected.

Printed to stdout as plain lines (not log records): the log redaction would hide an IP address
in a URL, and a person starting the service wants something to click.
"""

from __future__ import annotations

import socket
import sys

from bot.errors import ConfigError
from bot.settings import Settings

_ALL_INTERFACES = {"0.0.0.0", "::", ""}


def base_url(settings: Settings) -> str:
    host = settings.host
    if host in _ALL_INTERFACES or host in {"127.0.0.1", "::1"}:
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def slack_line(settings: Settings, mode: str) -> str:
    """One line on Slack: which mode, and what to set to change it."""
    if mode == "off" or not settings.slack_enabled:
        return "Slack:    off (set SLACK_BOT_TOKEN and SLACK_APP_TOKEN or SLACK_SIGNING_SECRET; docs/slack.md)"
    parts = []
    if "socket" in mode:
        parts.append("Socket Mode (no public URL needed)")
    if "http" in mode:
        parts.append(f"HTTP mode: Slack's request URL is https://<public host>/slack/events "
                     f"(here {base_url(settings)}/slack/events)")
    return "Slack:    on, " + " and ".join(parts)


def banner(settings: Settings, slack_mode: str) -> list[str]:
    url = base_url(settings)
    lines = [f"Kimss Privacy Assistant is serving on {url}"
             + (" (all interfaces)" if settings.host in _ALL_INTERFACES else "")]
    if settings.web_chat_enabled:
        lines.append(f"Web chat: {url}/")
    lines.append(f"Health:   {url}/healthz")
    api = "open to API_TOKENS" if settings.api_tokens else "closed until API_TOKENS is set"
    lines.append(f"API:      POST {url}/v1/ask ({api}), schema at {url}/openapi.json")
    lines.append(slack_line(settings, slack_mode))
    return lines


def print_banner(settings: Settings, slack_mode: str, stream=None) -> None:
    print("\n".join(banner(settings, slack_mode)), file=stream or sys.stdout, flush=True)


def check_port_free(settings: Settings) -> None:
    """Fail before anything slow loads when another process already listens on HOST:PORT."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no conflict
        try:
            probe.bind((settings.host, settings.port))
        except OSError as error:
            raise ConfigError("PORT", f"cannot listen on {settings.host}:{settings.port} ({error.strerror}); "
                                      "another service (perhaps another privacy-bot serve) uses it: stop it "
                                      "or set PORT to a free port") from None
