"""`privacy-bot subject export|erase`: what the assistant itself holds about one person.

    privacy-bot subject export --slack-user U… | --email … | --customer-id …   JSON of everything held
    privacy-bot subject erase  (same options) [--include-open]                 erase it, report what was kept

Identifiers may be repeated and combined; records found by one bring the person's other
identifiers (bot/subjects.py). Erasure refuses while one of the person's requests is still open
(its reply location is how they are answered) unless `--include-open` is given.
"""

from __future__ import annotations

import json
import re
import sys

from bot.commands import USAGE_EXIT


def register(commands) -> None:
    subject = commands.add_parser("subject", help="export or erase everything held about one person")
    subject.set_defaults(handler=run)
    actions = subject.add_subparsers(dest="subject_action", required=True)
    for name, text in (("export", "print everything held about the person as JSON"),
                       ("erase", "erase it, keeping only what the law requires, and say what was kept")):
        action = actions.add_parser(name, help=text)
        action.add_argument("--slack-user", action="append", default=[], metavar="U…", help="a Slack user id")
        action.add_argument("--email", action="append", default=[], help="an email address")
        action.add_argument("--customer-id", action="append", default=[],
                            help="a customer id from the support chat, or a web chat id (web-chat:…)")
        if name == "erase":
            action.add_argument("--include-open", action="store_true",
                                help="erase too the records of requests still open")


def run(args, settings) -> int:
    from bot.clock import clock_from_settings
    from bot.store.database import Database
    from bot.subjects import Subject, erase, export, open_requests

    for user in args.slack_user:
        if not re.fullmatch(r"[UW][A-Z0-9]{2,}", user):
            print(f"privacy-bot: --slack-user expects an id such as U0123456789, got {user!r}", file=sys.stderr)
            return USAGE_EXIT
    given = Subject(frozenset(args.slack_user), frozenset(e.strip() for e in args.email if e.strip()),
                    frozenset(c.strip() for c in args.customer_id if c.strip()))
    if given.empty:
        print("privacy-bot: name the person: --slack-user, --email or --customer-id", file=sys.stderr)
        return USAGE_EXIT
    database = Database(settings.state_db)
    clock = clock_from_settings(settings)
    try:
        if args.subject_action == "export":
            print(json.dumps(export(database, settings, given, clock), ensure_ascii=False, indent=2))
            return 0
        still_open = open_requests(database, given, clock)
        if still_open and not args.include_open:
            print(f"privacy-bot: {', '.join(still_open)} still open: resolve first (the requester is answered through "
                  "it), or pass --include-open", file=sys.stderr)
            return 1
        print(json.dumps(erase(database, settings, given, clock), ensure_ascii=False, indent=2))
        return 0
    finally:
        database.close()
