"""`privacy-bot escalations` for data requests, as real processes: the overdue / due-within queue,
`show` with the history, the §7101 export, `--json` fields, and corrections with clear refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.clock import FileClock
from bot.escalation import Asker, Escalations, EscalationStore, ReplyTo
from bot.escalation.export import EXPORT_COLUMNS
from bot.settings import Settings
from bot.store.database import Database
from tests.team.conftest import run_cli


@pytest.fixture
def queue(tmp_path):
    """Three data requests and a security report, received on different days of a test clock."""
    clock = FileClock(tmp_path / "clock")
    env = {"DATA_DIR": str(tmp_path / "data"), "KNOWLEDGE_DIR": str(tmp_path), "DSAR_TEST_CLOCK_FILE":
           str(tmp_path / "clock"), "PRIVACY_BOT_TESTING": "1"}
    database = Database(Settings.from_mapping(env).state_db)
    escalations = Escalations(EscalationStore(database, clock), Settings.from_mapping(env))
    refs = {}
    for name, day, kind, asker, reply in (
            ("old", "2026-01-05", "deletion", Asker.employee("U0OLD"), ReplyTo("slack", "D0OLD")),
            ("soon", "2026-01-28", "access", Asker.customer("cus_9", "sam@acme.example"), ReplyTo("api", "zd-1")),
            ("later", "2026-02-20", None, Asker.customer("web-chat:abc"), ReplyTo("web", "abc"))):
        clock.set(f"{day}T10:00:00Z")
        refs[name] = escalations.escalate(reason="data_request", kind=kind, asker=asker, reply_to=reply,
                                          question=f"=cmd|' /C calc'!A0 {name}").record.reference
    refs["security"] = escalations.escalate(reason="security", asker=Asker.employee("U0SEC"),
                                            question="Someone logged in").record.reference
    clock.set("2026-02-23T10:00:00Z")  # "old" was due 5 Feb (overdue), "soon" 28 Feb (5 days left)
    escalations.resolve(refs["later"], "U0SUPPORT", outcome="refused", outcome_reason="=HYPERLINK(\"x\") not verified")
    database.close()
    return env, tmp_path, refs


def lines(done) -> list[str]:
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


@pytest.mark.slow
def test_queue_filters_show_export_and_json(queue):
    env, cwd, refs = queue
    overdue = lines(run_cli(["escalations", "--overdue"], env, cwd))
    assert len(overdue) == 2 and refs["old"] in overdue[1] and "2026-02-05 overdue" in overdue[1]
    due = lines(run_cli(["escalations", "--due-within", "7d"], env, cwd))
    assert [line.split()[0] for line in due[1:]] == [refs["old"], refs["soon"]]
    assert "2026-02-28 due soon" in due[2]
    assert len(lines(run_cli(["escalations", "--due-within", "2d"], env, cwd))) == 2  # only the overdue one
    bad = run_cli(["escalations", "--due-within", "soon"], env, cwd)
    assert bad.returncode == 2 and "e.g. 7d" in bad.stderr

    shown = run_cli(["escalations", "show", refs["later"].lower()], env, cwd)
    assert shown.returncode == 0, shown.stderr
    assert "closed:     by U0SUPPORT" in shown.stdout and "refused" in shown.stdout
    assert "History:" in shown.stdout and "received" in shown.stdout and "resolved  by U0SUPPORT" in shown.stdout
    assert run_cli(["escalations", "show", "PRV-0000"], env, cwd).returncode == 1

    exported = run_cli(["escalations", "export", "--since", "24m", "--csv"], env, cwd)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert tuple(rows[0]) == EXPORT_COLUMNS and [r["reference"] for r in rows] == [refs["old"], refs["soon"],
                                                                                   refs["later"]]
    later = rows[2]
    assert (later["request_date"], later["kind"], later["channel"], later["regime"], later["due_date"],
            later["response_date"], later["outcome"], later["on_time"]) == (
        "2026-02-20", "", "web chat", "gdpr", "2026-03-20", "2026-02-23", "refused", "yes")
    assert later["refusal_reason"].startswith("'=HYPERLINK")  # a formula is written as text
    assert rows[1]["channel"] == "support chat (API)" and rows[0]["channel"] == "Slack"
    assert "question" not in rows[0] and "sam@acme.example" not in exported.stdout  # the record, not the person
    assert len(list(csv.DictReader(io.StringIO(run_cli(["escalations", "export", "--since", "10d"], env,
                                                       cwd).stdout)))) == 1

    records = [json.loads(line) for line in lines(run_cli(["escalations", "--json"], env, cwd))]
    later_json = next(r for r in records if r["reference"] == refs["later"])
    for field in ("kind", "received_at", "due_at", "extended_until", "verified", "closed_at", "outcome", "history"):
        assert field in later_json
    assert later_json["received_at"] == "2026-02-20T10:00:00Z" and later_json["closed_at"] == "2026-02-23T10:00:00Z"
    assert [h["action"] for h in later_json["history"]] == ["received", "resolved"]
    security = next(r for r in records if r["reference"] == refs["security"])
    assert security["due_at"] is None and security["kind"] is None


@pytest.mark.slow
def test_corrections_from_the_cli_go_through_the_rules_and_into_the_trail(queue):
    env, cwd, refs = queue
    done = run_cli(["escalations", "set", refs["soon"], "--regime", "ccpa", "--kind", "portability", "--by", "ana"],
                   env, cwd)
    assert done.returncode == 0, done.stderr
    assert "Slack is not configured here" in done.stdout
    wrong = run_cli(["escalations", "set", refs["soon"], "--kind", "phishing"], env, cwd)
    assert wrong.returncode == 2 and "not a kind of data_request" in wrong.stderr
    too_far = run_cli(["escalations", "extend", refs["soon"], "--until", "2026-06-01", "--reason", "busy"], env, cwd)
    assert too_far.returncode == 2 and "CCPA/CPRA allows at most 2026-04-28" in too_far.stderr
    late = run_cli(["escalations", "extend", refs["old"], "--until", "2026-03-01", "--reason", "busy"], env, cwd)
    assert late.returncode == 2 and "before the original deadline" in late.stderr
    assert run_cli(["escalations", "extend", refs["soon"], "--until", "2026-04-28", "--reason", "Three systems",
                    "--by", "ana"], env, cwd).returncode == 0
    assert run_cli(["escalations", "verify", refs["soon"], "--how", "Signed-in email", "--by", "ana"], env,
                   cwd).returncode == 0
    refused = run_cli(["escalations", "resolve", refs["soon"], "--outcome", "refused"], env, cwd)
    assert refused.returncode == 2 and "reason" in refused.stderr
    record = json.loads(run_cli(["escalations", "show", refs["soon"], "--json"], env, cwd).stdout)
    assert (record["regime"], record["kind"], record["due_at"], record["extended_until"]) == (
        "ccpa", "portability", "2026-03-14", "2026-04-28")
    assert record["verified"]["by"] == "ana" and record["verified"]["how"] == "Signed-in email"
    assert [(h["action"], h["by"]) for h in record["history"]] == [
        ("received", "assistant"), ("kind", "ana"), ("regime", "ana"), ("extended", "ana"), ("verified", "ana")]
