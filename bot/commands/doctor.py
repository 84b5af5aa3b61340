"""`privacy-bot doctor`: check settings, knowledge, index, model and Slack; say how to fix what is wrong."""

from __future__ import annotations


def register(commands) -> None:
    doctor = commands.add_parser("doctor", help="check the set-up (index, model, Slack tokens, scopes, support channel)")
    doctor.set_defaults(handler=run)


def run(args, settings) -> int:
    from bot.doctor import render, run_checks
    from bot.progress import spinner

    with spinner("Checking…"):
        checks = run_checks(settings)
    print(render(checks))
    return 1 if any(c.status == "fail" for c in checks) else 0
