"""`privacy-bot escalations resolve|set|verify|extend`: the support buttons, from a terminal.

Each goes through `Escalations` (the same rules, the same audit trail as Slack) and then lets
an outbox deliver what the change made owed (support message update, the asker's notices) when
Slack settings are present; otherwise the running service delivers it.
"""

from __future__ import annotations

import getpass
import sys
from datetime import date

from bot.commands import USAGE_EXIT
from bot.escalation.export import channel_of, iso, state_of
from bot.escalation.record import normalise_reference
from bot.escalation.render import kind_label


def normalise(text: str) -> str | None:
    return normalise_reference(text)


def find(text: str, store):
    reference = normalise_reference(text)
    if reference is None:
        print(f"privacy-bot: {text!r} is not a reference such as PRV-4821", file=sys.stderr)
        return None
    record = store.get(reference)
    if record is None:
        print(f"privacy-bot: there is no escalation {reference}", file=sys.stderr)
    return record


def asker_text(r) -> str:
    if r.erased_at is not None and not (r.asker.user_id or r.asker.email or r.asker.customer_id):
        return "(erased)"
    if r.asker.kind == "employee":
        return r.asker.user_id or "-"
    return "customer " + (r.asker.email or r.asker.customer_id or r.asker.workspace or "")


def due_text(r, today: date, reminder_days: int) -> str:
    if not r.is_dsar:
        return "-"
    return f"{r.deadline} {state_of(r, today, reminder_days).replace('_', ' ')}"


def list_line(r, today: date, reminder_days: int) -> str:
    question = " ".join(r.question.split()) or "(erased)"
    question = question if len(question) <= 50 else question[:49] + "…"
    received = iso(r.created_at)[:10]
    return (f"{r.reference:<12} {r.status:<9} {received:<11} {r.reason:<13} {(r.kind or '-')[:12]:<12} "
            f"{due_text(r, today, reminder_days)[:24]:<24} {asker_text(r)[:22]:<22} {question}")


def describe(r, today: date, reminder_days: int) -> str:
    lines = [f"{r.reference}  {r.reason}  {r.status}", f"  asked by:   {asker_text(r)} via {channel_of(r)}",
             f"  received:   {iso(r.created_at)}", f"  question:   {' '.join(r.question.split()) or '(erased)'}"]
    if r.is_dsar:
        lines += [f"  kind:       {kind_label(r.kind)}", f"  regime:     {r.regime}",
                  f"  due:        {r.due_at}" + (f", extended until {r.extended_until}: {r.extension_reason or ''}"
                                                 if r.extended_until else ""),
                  f"  state:      {state_of(r, today, reminder_days).replace('_', ' ')}",
                  "  identity:   " + (f"verified by {r.verified_by} {iso(r.verified_at)}: {r.verified_how or ''}"
                                      if r.verified_at else "not verified")]
    if r.claimed_by:
        lines.append(f"  claimed:    by {r.claimed_by} {iso(r.claimed_at)}")
    if r.status == "resolved":
        lines.append(f"  closed:     by {r.resolved_by} {iso(r.resolved_at)}"
                     + (f", {r.outcome}" if r.outcome else "") + (f" ({r.outcome_reason})" if r.outcome_reason else ""))
    if r.erased_at:
        lines.append(f"  erased:     {iso(r.erased_at)} (question and contact details)")
    return "\n".join(lines)


def _by(args) -> str:
    return args.by or f"cli:{getpass.getuser()}"


def _apply(args, settings, store, change) -> int:
    from bot.escalation import Escalations
    from bot.escalation.dsar import RequestError

    record = find(args.reference, store)
    if record is None:
        return USAGE_EXIT if normalise_reference(args.reference) is None else 1
    try:
        transition = change(Escalations(store, settings), record)
    except RequestError as error:
        print(f"privacy-bot: {error}", file=sys.stderr)
        return USAGE_EXIT
    if not transition.changed:
        now = transition.record
        if now.status == "resolved":
            print(f"{now.reference} was already resolved by {now.resolved_by}; nothing changed.")
        else:
            print(f"{now.reference}: nothing changed (it is {now.status}; the change was already made).")
        return 0
    print(f"{record.reference}: {args.action} done.")
    return _deliver(settings, store, record.reference)


def _deliver(settings, store, reference: str) -> int:
    if not settings.slack_enabled:
        print("Slack is not configured here: the running service's outbox updates the support message and "
              "notifies the asker.")
        return 0
    from bot.escalation import Outbox
    from bot.slack.support import SlackPoster, outbox_client

    delivered = Outbox(store, SlackPoster(outbox_client(settings)), settings, ack_orphans=False).process(reference)
    record = store.get(reference)
    if delivered:
        told = [what for what, state in (("resolution", record.resolution_notice),
                                         ("extension", record.extension_notice)) if state == "sent"]
        print("Support message updated" + (f"; the asker was notified ({', '.join(told)})." if told else "."))
    else:
        print(f"Delivering did not work yet ({record.last_error or 'busy'}); the running service will retry.")
    return 0


def resolve(args, settings, store) -> int:
    return _apply(args, settings, store, lambda esc, r: esc.resolve(r.reference, _by(args), args.note,
                                                                     outcome=args.outcome, outcome_reason=args.reason))


def set_fields(args, settings, store) -> int:
    if not (args.kind or args.regime):
        print("privacy-bot: give --kind and/or --regime", file=sys.stderr)
        return USAGE_EXIT

    def change(esc, record):
        transition = None
        if args.kind:
            transition = esc.set_kind(record.reference, args.kind, _by(args))
        if args.regime:
            transition = esc.set_regime(record.reference, args.regime.lower(), _by(args))
        return transition

    return _apply(args, settings, store, change)


def verify(args, settings, store) -> int:
    return _apply(args, settings, store, lambda esc, r: esc.verify(r.reference, _by(args), args.how))


def extend(args, settings, store) -> int:
    try:
        until = date.fromisoformat(args.until)
    except ValueError:
        print(f"privacy-bot: --until expects a date such as 2026-03-31, got {args.until!r}", file=sys.stderr)
        return USAGE_EXIT
    return _apply(args, settings, store, lambda esc, r: esc.extend(r.reference, _by(args), until, args.reason))


HANDLERS = {"resolve": resolve, "set": set_fields, "verify": verify, "extend": extend}
