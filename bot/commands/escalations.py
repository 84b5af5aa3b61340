"""`privacy-bot escalations`: list hand-offs to the privacy team, or resolve one.

    privacy-bot escalations [--status open|claimed|resolved] [--json]
    privacy-bot escalations resolve REF [--note TEXT] [--by NAME]

Resolving updates the support message and notifies the asker like the Resolve button, through
the Slack Web API when Slack settings are present; whatever cannot be delivered now stays owed
in the record, and the running service's outbox delivers it.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import datetime

from bot.commands import USAGE_EXIT


def register(commands) -> None:
    escalations = commands.add_parser("escalations", help="list escalations to the privacy team, or resolve one")
    escalations.add_argument("--status", choices=["open", "claimed", "resolved"], help="only this status")
    escalations.add_argument("--json", action="store_true", help="one JSON object per escalation per line")
    escalations.set_defaults(handler=run, action=None)
    actions = escalations.add_subparsers(dest="action")
    resolve = actions.add_parser("resolve", help="resolve an escalation and notify the asker")
    resolve.add_argument("reference", help="the reference, e.g. PRV-4821")
    resolve.add_argument("--note", help="a note for the asker and the support message")
    resolve.add_argument("--by", help="who resolved it (default: cli:<your login>)")


def run(args, settings) -> int:
    from bot.escalation import EscalationStore
    from bot.store.database import Database

    database = Database(settings.state_db)
    try:
        store = EscalationStore(database)
        if args.action == "resolve":
            return _resolve(args, settings, store)
        return _list(args, store)
    finally:
        database.close()


def _list(args, store) -> int:
    records = store.list(args.status)
    if args.json:
        for record in records:
            print(json.dumps(record.to_dict(), ensure_ascii=False))
        return 0
    if not records:
        print("No escalations" + (f" with status {args.status}." if args.status else "."))
        return 0
    print(f"{'REFERENCE':<12} {'STATUS':<9} {'CREATED':<16} {'REASON':<13} {'ASKER':<22} {'DELIVERY':<10} QUESTION")
    for r in records:
        asker = r.asker.user_id if r.asker.kind == "employee" else "customer " + (r.asker.email or r.asker.customer_id
                                                                                   or r.asker.workspace or "")
        question = " ".join(r.question.split())
        question = question if len(question) <= 60 else question[:59] + "…"
        created = datetime.fromtimestamp(r.created_at).strftime("%Y-%m-%d %H:%M")
        print(f"{r.reference:<12} {r.status:<9} {created:<16} {r.reason:<13} {(asker or '-')[:22]:<22} "
              f"{r.delivery:<10} {question}")
    return 0


def _resolve(args, settings, store) -> int:
    from bot.escalation import Escalations, normalise_reference

    reference = normalise_reference(args.reference)
    if reference is None:
        print(f"privacy-bot: {args.reference!r} is not a reference such as PRV-4821", file=sys.stderr)
        return USAGE_EXIT
    by = args.by or f"cli:{getpass.getuser()}"
    transition = Escalations(store, settings).resolve(reference, by, args.note)
    if transition.record is None:
        print(f"privacy-bot: there is no escalation {reference}", file=sys.stderr)
        return 1
    if not transition.changed:
        print(f"{reference} was already resolved by {transition.record.resolved_by}; nothing changed.")
        return 0
    if not settings.slack_enabled:
        print(f"{reference} resolved. Slack is not configured here, so the asker will be notified by the "
              "service's outbox when it runs with Slack.")
        return 0
    from bot.escalation import Outbox
    from bot.slack.support import SlackPoster, outbox_client

    delivered = Outbox(store, SlackPoster(outbox_client(settings)), settings, ack_orphans=False).process(reference)
    record = store.get(reference)
    if delivered and record.resolution_notice == "sent":
        print(f"{reference} resolved; the asker was notified in Slack.")
    elif record.resolution_notice == "none" or record.reply_to is None or record.reply_to.kind != "slack":
        print(f"{reference} resolved.")
    else:
        print(f"{reference} resolved; notifying the asker did not work yet ({record.last_error or 'busy'}); "
              "the running service will retry.")
    return 0
