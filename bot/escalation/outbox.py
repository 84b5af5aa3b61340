"""The outbox: a background worker that delivers what the escalation records say is owed.

Owed work, per record: the support-channel post (until its ts is stored), a chat.update when
the state changed after the post, the resolution notice to the asker, and (after a restart)
the acknowledgement an asker never received because the process died first.

Exactly-once posting to the support channel:
  1. `delivery = 'posting'` is committed *before* each post;
  2. the post carries the reference as message metadata;
  3. the returned ts is committed after it.
A crash or an ambiguous failure (5xx, timeout, dropped connection) between 1 and 3 leaves
'posting', and the next try first looks the reference up in the channel's recent history
(`Poster.find`), storing the found ts instead of posting again. A 429 or an explicit refusal
certainly posted nothing, so the state goes back to 'pending'. Notices to the asker are not
looked up: a crash in that window can repeat a notice (it cannot lose one).

Every record is worked on under a lease (a row-level lock with an expiry), so the service's
worker and a `privacy-bot escalations resolve` in another process never both deliver it.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import time
import uuid
from typing import Protocol

from bot.escalation.record import EscalationRecord
from bot.escalation.render import (Rendered, acknowledgement_message, extension_notice, resolution_notice,
                                   support_message)
from bot.escalation.store import EscalationStore
from bot.settings import Settings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A post or update failed. `maybe_posted`: the message may have arrived anyway."""

    def __init__(self, message: str, *, retry_after: float | None = None, maybe_posted: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_posted = maybe_posted


class Poster(Protocol):
    """The chat side of delivery; the Slack adapter (bot/slack/support.py) implements it."""

    def post(self, channel: str, message: Rendered, *, thread_ts: str | None = None,
             reference: str | None = None) -> str: ...  # returns the message ts

    def update(self, channel: str, ts: str, message: Rendered) -> None: ...

    def find(self, channel: str, reference: str, since: float) -> str | None: ...


def crash_if(settings: Settings, point: str) -> None:
    """Fault injection for the crash tests (ESCALATION_FAULT); never set in production."""
    if settings.escalation_fault == point:
        log.warning("ESCALATION_FAULT=%s: killing the process now (SIGKILL)", point)
        logging.shutdown()
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup at all, as an OOM kill or a power cut
        os._exit(17)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    def __init__(self, store: EscalationStore, poster: Poster, settings: Settings, *,
                 base_delay: float = 0.5, max_delay: float = 300.0, idle_poll: float = 5.0,
                 ack_orphans: bool = True, reminders=None):
        self.store = store
        self.reminders = reminders  # bot.escalation.reminders.Reminders: the daily digest and badges
        self.poster = poster
        self.settings = settings
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.idle_poll = idle_poll  # also picks up work left by other processes (the CLI)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = time.time()
        self.ack_orphans = ack_orphans
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- the worker ------------------------------------------------------------------------
    def start(self) -> None:
        self.started_at = time.time()
        self._release_dead_leases()
        self._thread = threading.Thread(target=self._loop, name="escalation-outbox", daemon=True)
        self._thread.start()

    def _release_dead_leases(self) -> None:
        """A process killed while holding a lease never releases it; on this host we can tell it died."""
        host = socket.gethostname()
        for reference, owner in self.store.lease_owners():
            owner_host, _, rest = owner.partition(":")
            pid = rest.partition(":")[0]
            if owner_host == host and pid.isdigit() and not _alive(int(pid)):
                self.store.release(reference, owner)
                log.info("escalation %s: released the lease of a dead process (%s)", reference, owner)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 20.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_once()
                wait = self.idle_poll
                next_at = self.store.next_wakeup()
                if next_at is not None:
                    wait = min(wait, max(0.0, next_at - time.time()))
            except Exception:
                log.exception("escalation outbox pass failed")
                wait = self.idle_poll
            self._wake.wait(wait)

    def run_once(self) -> int:
        """Work on every record that is due now; returns how many were worked on."""
        if self.reminders is not None:
            self.reminders.run_once()  # marks today's badge refreshes as owed before the records are worked
        orphans = self.started_at if self.ack_orphans else None
        references = self.store.due(time.time(), orphans_before=orphans)
        for reference in references:
            if self._stop.is_set():
                break
            self.process(reference)
        return len(references)

    # ---- one record ----------------------------------------------------------------------
    def process(self, reference: str) -> bool:
        """Deliver what `reference` is owed, under its lease; False if not all of it went out."""
        if not self.store.lease(reference, self.owner):
            return False  # another worker (or process) has it right now
        try:
            record = self.store.get(reference)
            if record is None:
                return False
            return self._deliver(record)
        finally:
            self.store.release(reference, self.owner)

    def _deliver(self, record: EscalationRecord) -> bool:
        ref = record.reference
        try:
            if record.delivery in ("pending", "posting"):
                self._post_support_message(record)
                record = self.store.get(ref)
            if record.delivery == "delivered" and record.support_stale > 0:
                stale = record.support_stale
                self.poster.update(record.support_channel, record.support_ts, self._render(record))
                self.store.set_updated(ref, stale)
                log.info("escalation %s support message updated (%s)", ref, record.status)
            if self._reply_here(record) and record.extension_notice == "pending":
                self.poster.post(record.reply_to.channel, extension_notice(record), thread_ts=record.reply_to.thread_ts)
                self.store.set_extension_notice_sent(ref)
                log.info("escalation %s asker told of the extension", ref)
            if self._reply_here(record) and record.resolution_notice == "pending":
                self.poster.post(record.reply_to.channel, resolution_notice(record), thread_ts=record.reply_to.thread_ts)
                self.store.set_notice_sent(ref)
                log.info("escalation %s asker notified of the resolution", ref)
            elif (self.ack_orphans and self._reply_here(record) and not record.asker_told
                  and record.status != "resolved" and record.created_at < self.started_at):
                # The process that recorded it died before telling the asker.
                message = acknowledgement_message(record, support_url=self.settings.support_url,
                                                  response_time=self.settings.support_response_time, standalone=True)
                self.poster.post(record.reply_to.channel, message, thread_ts=record.reply_to.thread_ts)
                self.store.mark_told(reference=ref)
                log.info("escalation %s asker told after a restart", ref)
            return True
        except DeliveryError as error:
            attempts = self.store.count_attempt(ref)
            delay = min(self.max_delay, self.base_delay * 2 ** (attempts - 1)) * random.uniform(0.9, 1.1)
            if error.retry_after is not None:
                delay = max(delay, float(error.retry_after))
            self.store.set_failed(ref, str(error), retry_at=time.time() + delay, maybe_posted=error.maybe_posted)
            log.warning("escalation %s delivery failed (attempt %d, retry in %.1fs): %s", ref, attempts, delay, error)
            return False

    def _render(self, record: EscalationRecord) -> Rendered:
        return support_message(record, today=self.store.clock.today(), reminder_days=self.settings.dsar_reminder_days)

    @staticmethod
    def _reply_here(record: EscalationRecord) -> bool:
        return record.reply_to is not None and record.reply_to.kind == "slack" and bool(record.reply_to.channel)

    def _post_support_message(self, record: EscalationRecord) -> None:
        ref = record.reference
        if record.delivery == "posting":
            # A try may have reached the channel (crash, 5xx, timeout): look before posting again.
            found = self.poster.find(record.support_channel, ref, since=record.created_at)
            if found:
                self.store.set_delivered(ref, found, rendered_stale=None)  # a later change is still updated
                log.info("escalation %s was already in the support channel (ts %s); not posting again", ref, found)
                return
        stale = record.support_stale
        self.store.set_posting(ref)
        ts = self.poster.post(record.support_channel, self._render(record), reference=ref)
        crash_if(self.settings, "crash_after_post")
        self.store.set_delivered(ref, ts, rendered_stale=stale)
        log.info("escalation %s posted to the support channel (ts %s)", ref, ts)
