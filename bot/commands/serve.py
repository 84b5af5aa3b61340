"""`privacy-bot serve`: the service (what `make run` starts)."""

from __future__ import annotations

from bot.commands import assistant_with_index


def register(commands) -> None:
    serve = commands.add_parser("serve", help="run the service: web chat, API, Slack and /healthz")
    serve.set_defaults(handler=run)


def run(args, settings) -> int:
    from bot.web.banner import check_port_free

    check_port_free(settings)  # before the index and the model load: a busy port is reported at once
    from bot.service import serve

    serve(settings, assistant_with_index(settings), print_urls=True)
    return 0
