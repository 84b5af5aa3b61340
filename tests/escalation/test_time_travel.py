"""A data request's life on a test clock: created → reminder → extended → overdue → closed → erased.

Real SQLite file, the real outbox and reminder pass; the chat side is a recording `Poster`. The
clock is the test-only DSAR_TEST_CLOCK_FILE (honoured with PRIVACY_BOT_TESTING=1).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.analytics.report import build_report
from bot.clock import FileClock, parse_instant
from bot.escalation import Asker, Escalations, EscalationStore, Outbox, ReplyTo
from bot.escalation.audit import history
from bot.escalation.dsar import RequestError
from bot.escalation.reminders import Reminders
from bot.settings import Settings
from bot.store.database import Database

SUPPORT = "C0SUPPORT"


class RecordingPoster:
    def __init__(self):
        self.posts: list[tuple[str, str, str | None, str | None]] = []  # channel, text, thread, reference
        self.updates: list[tuple[str, str, str]] = []  # channel, ts, text of all blocks

    def post(self, channel, message, *, thread_ts=None, reference=None):
        self.posts.append((channel, json.dumps(message.blocks) + message.text, thread_ts, reference))
        return f"1700000000.{len(self.posts):06d}"

    def update(self, channel, ts, message):
        self.updates.append((channel, ts, json.dumps(message.blocks)))

    def find(self, channel, reference, since):
        return None

    def digests(self):
        return [p for p in self.posts if (p[3] or "").startswith("DIGEST-")]


@pytest.fixture
def world(tmp_path):
    clock_file = tmp_path / "clock"
    clock = FileClock(clock_file)
    clock.set("2026-01-31T10:00:00Z")
    settings = Settings.from_mapping({"DATA_DIR": str(tmp_path / "data"), "SUPPORT_CHANNEL_ID": SUPPORT,
                                      "DSAR_TEST_CLOCK_FILE": str(clock_file), "PRIVACY_BOT_TESTING": "1",
                                      "DSAR_DIGEST_TIME": "09:00", "DSAR_REMINDER_DAYS": "7"})
    db = Database(settings.state_db)
    store = EscalationStore(db, clock)
    poster = RecordingPoster()
    outbox = Outbox(store, poster, settings, ack_orphans=False)
    outbox.reminders = Reminders(store, poster, settings, owner=outbox.owner)
    yield settings, clock, store, poster, outbox, Escalations(store, settings, outbox)
    db.close()


def test_created_reminded_extended_overdue_closed_and_erased_on_the_test_clock(world):
    settings, clock, store, poster, outbox, escalations = world
    record = escalations.escalate(reason="data_request", kind="deletion", asker=Asker.employee("U0DANA", "T1"),
                                  reply_to=ReplyTo("slack", "D0DANA"), question="Delete everything about me",
                                  dedupe_key="k1").record
    assert (record.kind, record.regime, record.due_at) == ("deletion", "gdpr", "2026-02-28")  # 31 Jan + 1 month
    outbox.run_once()
    [(channel, text, _, ref)] = poster.posts
    assert channel == SUPPORT and ref == record.reference and "*Due:* 2026-02-28" in text and "on time" in text
    assert poster.digests() == []  # nothing due soon: no digest

    # 21 Feb, after the digest time: a week before the deadline → "due soon", in the digest and the message.
    clock.set("2026-02-21T09:30:00Z")
    for _ in range(3):  # more passes the same day change nothing more
        outbox.run_once()
    [digest] = poster.digests()
    assert digest[3] == "DIGEST-2026-02-21" and record.reference in digest[1] and "1 due within 7 days" in digest[1]
    assert len(poster.updates) == 1 and "due soon" in poster.updates[0][2] and "7 days left" in poster.updates[0][2]

    # Before 09:00 the next day nothing runs yet.
    clock.set("2026-02-22T08:59:00Z")
    outbox.run_once()
    assert len(poster.digests()) == 1 and len(poster.updates) == 1

    # Extend: beyond GDPR's maximum (31 Jan + 3 months = 30 Apr) refused, then to 30 Apr with a reason.
    with pytest.raises(RequestError, match="at most 2026-04-30"):
        escalations.extend(record.reference, "U0SUPPORT", date(2026, 5, 1), "Large archive")
    with pytest.raises(RequestError, match="reason"):
        escalations.extend(record.reference, "U0SUPPORT", date(2026, 4, 30), "  ")
    escalations.extend(record.reference, "U0SUPPORT", date(2026, 4, 30), "Backups across three systems")
    outbox.run_once()
    notices = [p for p in poster.posts if p[0] == "D0DANA"]
    assert len(notices) == 1 and "respond by 2026-04-30" in notices[0][1] and "three systems" in notices[0][1]
    assert "Extended* from 2026-02-28" in poster.updates[-1][2]
    with pytest.raises(RequestError, match="already extended once"):
        escalations.extend(record.reference, "U0SUPPORT", date(2026, 4, 29), "again")

    # 1 March: the original date passed, but the extension holds: on time, no digest that day.
    clock.set("2026-03-01T10:00:00Z")
    outbox.run_once()
    assert len(poster.digests()) == 1 and "on time" in poster.updates[-1][2]

    # 1 May: overdue → digest and badge.
    clock.set("2026-05-01T09:01:00Z")
    outbox.run_once()
    assert poster.digests()[-1][3] == "DIGEST-2026-05-01" and "1 overdue" in poster.digests()[-1][1]
    assert "overdue" in poster.updates[-1][2] and "1 days late" in poster.updates[-1][2]

    # Closed on 2 May as refused (a refusal needs its reason): the asker is told the reason; closed late.
    clock.set("2026-05-02T12:00:00Z")
    with pytest.raises(RequestError, match="reason"):
        escalations.resolve(record.reference, "U0SUPPORT", outcome="refused")
    escalations.resolve(record.reference, "U0SUPPORT", "Sorry for the delay", outcome="refused",
                        outcome_reason="Records under legal hold")
    outbox.run_once()
    closed = store.get(record.reference)
    assert closed.closed_at == parse_instant("2026-05-02T12:00:00Z") and closed.outcome == "refused"
    assert "closed late" in poster.updates[-1][2]
    notice = [p for p in poster.posts if p[0] == "D0DANA"][-1][1]
    assert "could not fulfil" in notice and "Records under legal hold" in notice

    report = build_report(store.db, since=0, until=clock.now())["data_requests"]
    assert report == {"total": 1, "by_kind": {"deletion": 1}, "closed": 1, "median_days_to_close": 91.1,
                      "p90_days_to_close": 91.1, "closed_on_time_share": 0.0, "overdue_now": 0}

    # The audit trail: every change, who, from/to.
    actions = [(e.action, e.actor, e.from_value, e.to_value) for e in history(store.db, record.reference)]
    assert actions == [("received", "assistant", None, "open"),
                       ("extended", "U0SUPPORT", "2026-02-28", "2026-04-30"),
                       ("resolved", "U0SUPPORT", "open", "resolved")]

    # Retention: kept 24 months after closing; the day after, the question and contact details go.
    clock.set("2028-05-02T09:30:00Z")
    outbox.run_once()
    assert store.get(record.reference).question == "Delete everything about me"
    clock.set("2028-05-03T09:30:00Z")
    outbox.run_once()
    erased = store.get(record.reference)
    assert erased.question == "" and erased.asker.user_id is None and erased.reply_to.channel is None
    assert erased.outcome_reason is None and erased.extension_reason is None and erased.erased_at is not None
    assert (erased.kind, erased.due_at, erased.extended_until, erased.outcome) == ("deletion", "2026-02-28",
                                                                                   "2026-04-30", "refused")
    assert all(e.detail is None for e in history(store.db, record.reference)[:-1])
    assert build_report(store.db, since=0, until=clock.now())["data_requests"]["total"] == 1  # counts kept


def test_regime_and_kind_set_by_support_move_the_due_date_and_are_audited(world):
    settings, clock, store, poster, outbox, escalations = world
    record = escalations.escalate(reason="data_request", asker=Asker.customer("cus_1", "a@b.example"),
                                  question="What do you hold on me?").record
    assert record.kind is None and record.due_at == "2026-02-28"
    escalations.set_kind(record.reference, "access", "U0SUPPORT")
    escalations.set_regime(record.reference, "ccpa", "U0SUPPORT")
    changed = store.get(record.reference)
    assert (changed.kind, changed.regime, changed.due_at) == ("access", "ccpa", "2026-03-17")  # 31 Jan + 45 days
    with pytest.raises(RequestError, match="not a kind of data_request"):
        escalations.set_kind(record.reference, "phishing", "U0SUPPORT")
    with pytest.raises(ValueError, match="unknown regime"):
        escalations.set_regime(record.reference, "lgpd", "U0SUPPORT")
    assert [(e.action, e.from_value, e.to_value) for e in history(store.db, record.reference)][1:] == [
        ("kind", None, "access"), ("regime", "gdpr due 2026-02-28", "ccpa due 2026-03-17")]
    other = escalations.escalate(reason="security", kind="deletion", asker=Asker.employee("U0X"), question="hacked").record
    assert other.kind is None and other.due_at is None and not other.is_dsar  # a kind must belong to its reason


def test_the_audit_trail_is_append_only(world):
    import sqlite3

    _, _, store, _, _, escalations = world
    record = escalations.escalate(reason="data_request", asker=Asker.employee("U0A"), question="Delete me").record
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with store.db.transaction() as conn:
            conn.execute("DELETE FROM escalation_events WHERE reference = ?", (record.reference,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with store.db.transaction() as conn:
            conn.execute("UPDATE escalation_events SET actor = 'someone else' WHERE reference = ?", (record.reference,))
    assert len(history(store.db, record.reference)) == 1


def test_data_requests_recorded_before_deadlines_existed_get_the_default_regime(world):
    settings, clock, store, poster, outbox, escalations = world
    old = store.create(reason="data_request", audience="employee", asker=Asker.employee("U0OLD"), reply_to=None,
                       question="Delete me", sections=[], answer_id=None, dedupe_key=None,
                       support_channel=SUPPORT).record  # as written before migration 8: no regime, no due date
    assert old.due_at is None and not old.is_dsar
    clock.set("2026-02-10T08:00:00Z")  # before the digest time: adoption does not wait for it
    outbox.run_once()
    adopted = store.get(old.reference)
    assert (adopted.regime, adopted.due_at) == ("gdpr", "2026-02-28") and adopted.is_dsar
    assert history(store.db, old.reference)[-1].to_value == "gdpr due 2026-02-28"
    assert "*Due:* 2026-02-28" in poster.posts[-1][1]


def test_an_extension_for_a_requester_outside_slack_tells_support_to_notify_them(world):
    settings, clock, store, poster, outbox, escalations = world
    record = escalations.escalate(reason="data_request", asker=Asker.customer("cus_1", "a@b.example"),
                                  reply_to=ReplyTo("api", "zd-7"), question="Export my data").record
    outbox.run_once()
    escalations.extend(record.reference, "U0SUPPORT", date(2026, 3, 31), "Export spans three systems")
    outbox.run_once()
    assert "not in Slack" in poster.updates[-1][2] and "tell them the new date" in poster.updates[-1][2]
    assert [p for p in poster.posts if p[0] != SUPPORT] == []  # nothing sent to a place the outbox cannot reach
