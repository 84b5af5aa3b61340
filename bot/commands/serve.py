"""`privacy-bot serve`: the service (what `make run` starts)."""

from __future__ import annotations

from bot.commands import assistant_with_index


def register(commands) -> None:
    serve = commands.add_parser("serve", help="run the service: Slack, /healthz and the API")
    serve.set_defaults(handler=run)


def run(args, settings) -> int:
    from bot.service import serve

    serve(settings, assistant_with_index(settings))
    return 0
