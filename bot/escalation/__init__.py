"""Escalation to the privacy team: a durable record, an outbox to the support channel, claim/resolve.

    record.py   EscalationRecord, Asker (employee or customer), ReplyTo, references (PRV-4821)
    store.py    the `escalations` table (migration 4): create once per key, guarded transitions
    outbox.py   background delivery with backoff, exactly-once posting, the `Poster` interface
    render.py   the support message (escaped) and what the asker is told
    service.py  `Escalations`: escalate / claim / resolve (+ data-request changes), the entry point for every adapter

Data-subject requests (a `data_request` with a statutory clock):
    deadlines.py  regimes' periods and extensions in calendar terms, badges
    dsar.py       kind, regime, identity verified, extension, daily badge refresh, retention and erasure
    audit.py      `escalation_events`: the append-only trail (who, when, what, from/to)
    reminders.py  the daily digest and badge refresh, run by the outbox worker; retention
    export.py     the §7101 record (CSV/JSON), queue filters

No Slack types here: the Slack adapter supplies a `Poster` (bot/slack/support.py).
"""

from bot.escalation.outbox import DeliveryError, Outbox, Poster
from bot.escalation.record import Asker, EscalationRecord, ReplyTo, normalise_reference
from bot.escalation.render import ACTION_CLAIM, ACTION_RESOLVE, Rendered
from bot.escalation.service import Escalations
from bot.escalation.store import EscalationStore

__all__ = ["ACTION_CLAIM", "ACTION_RESOLVE", "Asker", "DeliveryError", "EscalationRecord", "EscalationStore",
           "Escalations", "Outbox", "Poster", "Rendered", "ReplyTo", "normalise_reference"]
