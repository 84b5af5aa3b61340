"""The daily digest and badge refresh run once per day per request: across a restart, across two
processes sharing the store, and across a crash right after the digest was posted. Real processes
(the outbox of `escalation_service`), one SQLite file, the Slack Web API stand-in, the test clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.clock import FileClock
from bot.escalation import Asker, Escalations, EscalationStore, ReplyTo
from bot.settings import Settings
from bot.store.database import Database
from tests.conftest import ROOT
from tests.escalation.conftest import SUPPORT_CHANNEL
from tests.slack.harness import SIGNING_SECRET
from tests.slack.slack_standin import BOT_TOKEN


def env_for(tmp_path, standin, **extra) -> dict:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": BOT_TOKEN,
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": standin.api_url,
           "SUPPORT_CHANNEL_ID": SUPPORT_CHANNEL, "DSAR_TEST_CLOCK_FILE": str(tmp_path / "clock"),
           "PRIVACY_BOT_TESTING": "1", "PYTHONPATH": str(ROOT), **extra}
    for name in ("ESCALATION_FAULT", "SUPPORT_TEAM_USER_IDS"):
        if name not in extra:
            env.pop(name, None)
    return env


def run(tmp_path, standin, seconds: float = 1.5, count: int = 1, **extra) -> list[subprocess.CompletedProcess]:
    """`count` processes at once, each running the outbox for `seconds`."""
    procs = [subprocess.Popen([sys.executable, "-m", "tests.escalation.reminder_process", str(seconds)], cwd=tmp_path,
                              env=env_for(tmp_path, standin, **extra), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(count)]
    return [subprocess.CompletedProcess(p.args, p.wait(120), p.stdout.read(), "") for p in procs]


def digests(standin) -> list[dict]:
    return [p for p in standin.posted if p["channel"] == SUPPORT_CHANNEL
            and ((p["metadata"] or {}).get("event_payload") or {}).get("reference", "").startswith("DIGEST-")]


def badge_updates(standin, reference: str) -> list:
    return [c for c in standin.of("chat.update") if reference in json.dumps(c.args.get("blocks"))]


@pytest.fixture
def seeded(tmp_path, standin):
    clock = FileClock(tmp_path / "clock")
    clock.set("2026-03-01T08:00:00Z")
    settings = Settings.from_mapping({k: v for k, v in env_for(tmp_path, standin).items()
                                      if k.startswith(("DATA_DIR", "SUPPORT", "DSAR", "PRIVACY_BOT"))})
    database = Database(settings.state_db)
    escalations = Escalations(EscalationStore(database, clock), settings)
    refs = [escalations.escalate(reason="data_request", kind="access", asker=Asker.employee(f"U0P{n}"),
                                 reply_to=ReplyTo("slack", f"D0P{n}"), question=f"My data please {n}").record.reference
            for n in range(3)]
    database.close()
    return clock, refs


@pytest.mark.slow
def test_one_digest_and_one_badge_refresh_per_day_across_two_processes_and_a_restart(tmp_path, standin, seeded):
    clock, refs = seeded
    # Before the digest time: the records are posted, no digest.
    [first] = run(tmp_path, standin)
    assert "done" in first.stdout, first.stdout
    assert len([p for p in standin.posted if p["channel"] == SUPPORT_CHANNEL]) == 3 and not digests(standin)

    # 25 March 09:30 (the requests are due 1 April): two processes at once share the day's work.
    clock.set("2026-03-25T09:30:00Z")
    both = run(tmp_path, standin, count=2)
    assert all("done" in r.stdout for r in both), [r.stdout for r in both]
    [digest] = digests(standin)
    assert digest["metadata"]["event_payload"]["reference"] == "DIGEST-2026-03-25"
    digest_call = [c for c in standin.of("chat.postMessage") if (c.args.get("metadata") or {}).get(
        "event_payload", {}).get("reference") == "DIGEST-2026-03-25"][0]
    assert all(ref in json.dumps(digest_call.args["blocks"]) for ref in refs)
    for ref in refs:
        [update] = badge_updates(standin, ref)
        assert "due soon" in json.dumps(update.args["blocks"])

    # A restart the same day: nothing again.
    run(tmp_path, standin)
    assert len(digests(standin)) == 1 and all(len(badge_updates(standin, ref)) == 1 for ref in refs)

    # The next day: one more digest and one more refresh each.
    clock.set("2026-03-26T09:30:00Z")
    run(tmp_path, standin, count=2)
    assert [d["metadata"]["event_payload"]["reference"] for d in digests(standin)] == [
        "DIGEST-2026-03-25", "DIGEST-2026-03-26"]
    assert all(len(badge_updates(standin, ref)) == 2 for ref in refs)


@pytest.mark.slow
def test_killed_right_after_posting_the_digest_the_next_process_finds_it_and_does_not_post_again(
        tmp_path, standin, seeded):
    clock, refs = seeded
    run(tmp_path, standin)  # the records are posted first (the fault below would fire on them otherwise)
    clock.set("2026-03-25T09:30:00Z")
    [killed] = run(tmp_path, standin, ESCALATION_FAULT="crash_after_post")
    assert killed.returncode != 0 and "done" not in killed.stdout
    assert len(digests(standin)) == 1
    run(tmp_path, standin)
    assert len(digests(standin)) == 1  # looked up by its metadata, not posted again
    assert standin.of("conversations.history")
    database = Database(tmp_path / "data" / "state.sqlite3")
    try:
        assert database.query("SELECT day, state FROM dsar_digests") == [("2026-03-25", "posted")]
    finally:
        database.close()
