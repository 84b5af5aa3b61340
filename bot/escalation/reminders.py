"""The daily reminder pass of data-subject requests, run by the outbox worker.

Once the business clock passes DSAR_DIGEST_TIME (UTC) on a day:
  1. every open request's support message is marked for re-rendering (due date, badge), once per
     day per request (a guarded UPDATE: bot/escalation/dsar.py `refresh_badges`);
  2. one digest of the requests due within DSAR_REMINDER_DAYS and the overdue ones is posted to
     the support channel — once per day, across restarts and processes sharing the store;
  3. records closed more than DSAR_RECORD_RETENTION_MONTHS ago are erased (counts kept).

Exactly-once digest, as the outbox posts records: the process that inserts the day's row in
`dsar_digests` (state 'posting', committed before the post) posts it, with `DIGEST-<day>` in the
message metadata. A row left 'posting' by a crash or a failed try is taken over after
TAKEOVER_S by one process (a guarded UPDATE), which looks the digest up in the channel before
posting again (at once when the owner's process on this host is gone). A day with nothing due gets an 'empty' row and no message.
"""

from __future__ import annotations

import logging
import socket
import time
from datetime import date

from bot.escalation import deadlines
from bot.escalation.dsar import DataRequests
from bot.escalation.outbox import DeliveryError, Poster, _alive, crash_if
from bot.escalation.record import EscalationRecord
from bot.escalation.render import Rendered, escape, kind_label, who
from bot.escalation.store import EscalationStore
from bot.settings import Settings

log = logging.getLogger(__name__)

TAKEOVER_S = 120.0  # a 'posting' row older than this (real seconds) was left by a crash or a failure


def owner_alive(owner: str) -> bool:
    """False only when the owner ran on this host and its process is gone (as for the outbox's leases)."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return not (host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)))


def digest_reference(day: date) -> str:
    return f"DIGEST-{day.isoformat()}"


class Reminders:
    def __init__(self, store: EscalationStore, poster: Poster | None, settings: Settings, owner: str):
        self.store = store
        self.requests = DataRequests(store)
        self.poster = poster
        self.settings = settings
        self.owner = owner
        self._retention_day: str | None = None
        self._adopted = False

    def due_now(self) -> date | None:
        """Today (UTC, business clock) once the digest time has passed, else None."""
        now = self.store.clock.now()
        today = deadlines.utc_date(now)
        hour, minute = (int(x) for x in self.settings.dsar_digest_time.split(":"))
        seconds_into_day = now % 86400
        return today if seconds_into_day >= hour * 3600 + minute * 60 else None

    def run_once(self) -> None:
        if not self._adopted:  # once per process: records from before deadlines were kept get one
            self.requests.adopt_unclocked(self.settings.dsar_default_regime)
            self._adopted = True
        today = self.due_now()
        if today is None:
            return
        if self._retention_day != today.isoformat():
            retained = self.requests.apply_retention(self.settings.dsar_record_retention_months)
            if retained.erased:
                log.info("escalation retention: %d records closed over %d months ago erased",
                         len(retained.erased), self.settings.dsar_record_retention_months)
            self._retention_day = today.isoformat()
        refreshed = self.requests.refresh_badges(today)
        if refreshed:
            log.info("data requests: %d support messages to refresh for %s", refreshed, today.isoformat())
        if self.poster is not None and self.settings.support_channel_id:
            self.post_digest(today)

    # ---- the digest ------------------------------------------------------------------------------
    def due_items(self, today: date) -> list[tuple[EscalationRecord, str]]:
        items = []
        for record in self.requests.open_requests():
            state = deadlines.badge(date.fromisoformat(record.deadline), today, self.settings.dsar_reminder_days)
            if state != "on_time":
                items.append((record, state))
        return items

    def post_digest(self, today: date) -> bool:
        """True when today's digest is (now or already) settled: posted, empty, or someone else's."""
        day = today.isoformat()
        rows = self.store.db.query("SELECT state, owner, started_at FROM dsar_digests WHERE day = ?", (day,))
        if rows and rows[0][0] in ("posted", "empty"):
            return True
        items = self.due_items(today)
        with self.store.db.transaction() as conn:
            if not rows:
                state = "posting" if items else "empty"
                taken = conn.execute("INSERT OR IGNORE INTO dsar_digests (day, state, owner, started_at, items)"
                                     " VALUES (?, ?, ?, ?, ?)", (day, state, self.owner, time.time(), len(items))).rowcount
                look_first = False
            else:  # left 'posting': taken over (by one process) once stale or when its owner died on this host
                state, (_, owner, started_at) = "posting", rows[0]
                if owner != self.owner and started_at >= time.time() - TAKEOVER_S and owner_alive(owner):
                    return False
                taken = conn.execute("UPDATE dsar_digests SET owner = ?, started_at = ? WHERE day = ?"
                                     " AND state = 'posting' AND owner = ? AND started_at = ?",
                                     (self.owner, time.time(), day, owner, started_at)).rowcount
                look_first = True
        if not taken or state == "empty":
            return not taken or state == "empty"
        channel = self.settings.support_channel_id
        reference = digest_reference(today)
        try:
            found = self.poster.find(channel, reference, since=self.store.clock.now() - 86400) if look_first else None
            ts = found or self.poster.post(channel, digest_message(items, today, self.settings), reference=reference)
        except DeliveryError as error:
            with self.store.db.transaction() as conn:  # stale at once: the next pass looks, then posts
                conn.execute("UPDATE dsar_digests SET started_at = 0 WHERE day = ? AND owner = ?", (day, self.owner))
            log.warning("data request digest for %s failed: %s", day, error)
            return False
        crash_if(self.settings, "crash_after_post")
        with self.store.db.transaction() as conn:
            conn.execute("UPDATE dsar_digests SET state = 'posted', ts = ? WHERE day = ? AND owner = ?",
                         (ts, day, self.owner))
        log.info("data request digest for %s posted (%d requests)", day, len(items))
        return True


def digest_message(items: list[tuple[EscalationRecord, str]], today: date, settings: Settings) -> Rendered:
    overdue = [(r, s) for r, s in items if s == "overdue"]
    soon = [(r, s) for r, s in items if s == "due_soon"]
    title = (f"Data requests on {today.isoformat()}: {len(overdue)} overdue, "
             f"{len(soon)} due within {settings.dsar_reminder_days} days")
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    for heading, group in (("Overdue", overdue), (f"Due within {settings.dsar_reminder_days} days", soon)):
        if not group:
            continue
        lines = [f"*{heading}*"]
        for record, state in group[:40]:
            days = (date.fromisoformat(record.deadline) - today).days
            timing = f"{-days} days late" if days < 0 else ("due today" if days == 0 else f"{days} days left")
            owner = f"claimed by {who(record.claimed_by)}" if record.claimed_by else "unclaimed"
            lines.append(f"{deadlines.BADGES[state].split()[0]} *{record.reference}* · {escape(kind_label(record.kind))}"
                         f" · due {record.deadline} ({timing}) · {owner}")
        if len(group) > 40:
            lines.append(f"… and {len(group) - 40} more: `privacy-bot escalations --overdue`")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}})
    return Rendered(text=title, blocks=blocks)
