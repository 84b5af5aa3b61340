"""`privacy-bot escalations`: the privacy team's queue of hand-offs and data-subject requests.

    privacy-bot escalations [--status S] [--overdue | --due-within 7d] [--json]
    privacy-bot escalations show REF [--json]                  the record and its full history
    privacy-bot escalations export [--since 24m] [--csv | --json]   the §7101 record of data requests
    privacy-bot escalations resolve REF [--outcome O] [--reason TEXT] [--note TEXT] [--by NAME]
    privacy-bot escalations set REF [--kind K] [--regime R] [--by NAME]
    privacy-bot escalations verify REF --how TEXT [--by NAME]
    privacy-bot escalations extend REF --until YYYY-MM-DD --reason TEXT [--by NAME]

Changes go through the same service as the Slack buttons (and into the same audit trail); the
support message and the asker's notices are delivered now when Slack settings are present, and
otherwise stay owed in the record for the running service's outbox. Retention is applied
whenever this command opens the store.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from bot.commands import USAGE_EXIT
from bot.commands import escalation_actions as actions
from bot.escalation.record import OUTCOMES


def register(commands) -> None:
    escalations = commands.add_parser("escalations", help="the privacy team's queue: list, show, export, act")
    escalations.add_argument("--status", choices=["open", "claimed", "resolved"], help="only this status")
    due = escalations.add_mutually_exclusive_group()
    due.add_argument("--overdue", action="store_true", help="only open data requests past their due date")
    due.add_argument("--due-within", metavar="SPAN", help="only open data requests due within e.g. 7d or 2w "
                                                          "(overdue ones included)")
    escalations.add_argument("--json", action="store_true", help="one JSON object per escalation per line")
    escalations.set_defaults(handler=run, action=None)
    sub = escalations.add_subparsers(dest="action")
    show = sub.add_parser("show", help="one escalation with its full history")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true")
    export = sub.add_parser("export", help="the §7101 record of data requests (CSV by default)")
    export.add_argument("--since", default="24m", help="requests received within e.g. 24m (months), 90d, 1y")
    form = export.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="CSV with a header row (the default)")
    form.add_argument("--json", action="store_true", help="one JSON object per request per line")
    resolve = sub.add_parser("resolve", help="resolve an escalation and notify the asker")
    resolve.add_argument("reference", help="the reference, e.g. PRV-4821")
    resolve.add_argument("--outcome", choices=OUTCOMES, help="data requests: the outcome (default fulfilled)")
    resolve.add_argument("--reason", help="the reason (required with --outcome refused; the asker is told it)")
    resolve.add_argument("--note", help="a note for the asker and the support message")
    set_ = sub.add_parser("set", help="correct a record's kind or a data request's regime")
    set_.add_argument("reference")
    set_.add_argument("--kind", help="e.g. access, deletion, correction, portability")
    set_.add_argument("--regime", help="gdpr, ccpa or vcdpa: the due date is recomputed")
    verify = sub.add_parser("verify", help="record that the requester's identity was verified, and how")
    verify.add_argument("reference")
    verify.add_argument("--how", required=True)
    extend = sub.add_parser("extend", help="extend a data request's deadline (once, within the regime's maximum)")
    extend.add_argument("reference")
    extend.add_argument("--until", required=True, help="the new due date, YYYY-MM-DD")
    extend.add_argument("--reason", required=True, help="told to the requester, as the law requires")
    for parser in (resolve, set_, verify, extend):
        parser.add_argument("--by", help="who acted (default: cli:<your login>)")


def run(args, settings) -> int:
    from bot.clock import clock_from_settings
    from bot.escalation import EscalationStore
    from bot.escalation.dsar import DataRequests
    from bot.store.database import Database

    database = Database(settings.state_db)
    try:
        store = EscalationStore(database, clock_from_settings(settings))
        requests = DataRequests(store)
        requests.adopt_unclocked(settings.dsar_default_regime)
        requests.apply_retention(settings.dsar_record_retention_months)
        if args.action in actions.HANDLERS:
            return actions.HANDLERS[args.action](args, settings, store)
        if args.action == "show":
            return _show(args, settings, store)
        if args.action == "export":
            return _export(args, store)
        return _list(args, settings, store)
    finally:
        database.close()


def _list(args, settings, store) -> int:
    from bot.escalation.audit import history
    from bot.escalation.export import within_days

    records = store.list(args.status)
    today = store.clock.today()
    if args.overdue or args.due_within:
        try:
            horizon = -1 if args.overdue else within_days(args.due_within)
        except ValueError as error:
            print(f"privacy-bot: --due-within: {error}", file=sys.stderr)
            return USAGE_EXIT
        records = [r for r in records if r.is_dsar and r.status != "resolved"
                   and (date.fromisoformat(r.deadline) - today).days <= horizon]
    if args.json:
        for record in records:
            data = record.to_dict()
            data["history"] = [event.to_dict() for event in history(store.db, record.reference)]
            print(json.dumps(data, ensure_ascii=False))
        return 0
    if not records:
        print("No escalations" + (f" with status {args.status}." if args.status else "."))
        return 0
    print(f"{'REFERENCE':<12} {'STATUS':<9} {'RECEIVED':<11} {'REASON':<13} {'KIND':<12} {'DUE':<24} "
          f"{'ASKER':<22} QUESTION")
    for r in records:
        print(actions.list_line(r, today, settings.dsar_reminder_days))
    return 0


def _show(args, settings, store) -> int:
    from bot.escalation.audit import history

    record = actions.find(args.reference, store)
    if record is None:
        return 1 if args.reference and actions.normalise(args.reference) else USAGE_EXIT
    events = history(store.db, record.reference)
    if args.json:
        data = record.to_dict()
        data["history"] = [event.to_dict() for event in events]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(actions.describe(record, store.clock.today(), settings.dsar_reminder_days))
    print("\nHistory:")
    for event in events:
        e = event.to_dict()
        change = f"{e['from'] or ''} → {e['to'] or ''}" if (e["from"] or e["to"]) else ""
        detail = f"  “{e['detail']}”" if e["detail"] else ""
        print(f"  {e['at']}  {e['action']:<9} by {e['by']:<16} {change}{detail}")
    return 0


def _export(args, store) -> int:
    from bot.escalation.export import record_rows, rows_csv, span_back

    try:
        since = span_back(store.clock.today(), args.since)
    except ValueError as error:
        print(f"privacy-bot: --since: {error}", file=sys.stderr)
        return USAGE_EXIT
    rows = record_rows(store.list(), since)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        sys.stdout.write(rows_csv(rows))
    return 0
