"""`privacy-bot`: the entry point. Each subcommand lives in bot/commands/<name>.py."""

from __future__ import annotations

import argparse
import sys

from bot.commands import USAGE_EXIT, ask, index, serve
from bot.commands import eval as eval_command
from bot.commands import report
from bot.commands import doctor, escalations, subject
from bot.commands import train_router
from bot.errors import InputRejected, PrivacyBotError

# Add a command: a module in bot/commands/ with register(subparsers), then list it here.
COMMANDS = [index, ask, serve, eval_command, report, escalations, subject, doctor, train_router]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="privacy-bot", description="Kimss Privacy Assistant")
    subparsers = parser.add_subparsers(dest="command")
    for command in COMMANDS:
        command.register(subparsers)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return USAGE_EXIT
    try:
        from bot.settings import Settings

        from bot.logging_setup import configure_logging

        settings = Settings.load()
        configure_logging(settings.log_level, log_format=settings.log_format)  # JSON unless a terminal
        return args.handler(args, settings)
    except PrivacyBotError as error:
        print(f"privacy-bot: {error}", file=sys.stderr)
        return USAGE_EXIT if isinstance(error, InputRejected) else 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
