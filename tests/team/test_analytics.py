"""Question analytics: redaction (50 planted questions through Slack and the CLI), retention, report figures."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.analytics.events import DAY_S, QuestionEvents, RetentionPurger
from bot.analytics.redact import redact
from bot.analytics.report import build_report, parse_since, render_csv, render_text
from bot.answer import Answer, Citation, Escalation
from bot.store import MIGRATIONS, Database, StateStore
from tests.slack.harness import direct_message, mention
from tests.team.conftest import command, poll, run_cli

# ---- redaction ----------------------------------------------------------------------------------
# Luhn-valid test card numbers, IBANs with valid check digits, and the other kinds, each one unique.
CARDS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "340000000000009", "6011000000000004", "4012888888881881",
         "5105105105105100", "3530111333300000"]
IBANS = ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "FR1420041010050500013M02606",
         "NL91ABNA0417164300", "ES9121000418450200051332", "IT60X0542811101000000123456", "CH9300762011623852957"]
EMAILS = ["jane.doe@example.com", "r.ortiz+privacy@kimss-customer.io", "ops-team@acme.co.uk", "x_y@sub.domain.org",
          "amelie.martin@example.fr", "li.wei@example.cn", "bob@bobs-bakery.biz"]
PHONES = ["+44 20 7946 0958", "(555) 123-4567", "+1-202-555-0143", "020 7946 0321", "+49 30 901820",
          "+33 1 42 68 53 00", "555.867.5309"]
IPS = ["192.168.14.201", "10.20.30.44", "203.0.113.77", "2001:db8::8a2e:370:7334", "fe80::1ff:fe23:4567:890a",
       "198.51.100.23", "2001:db8:85a3::8a2e:370:7999"]
MENTIONS = ["<@U0PLANTA1>", "<@U0PLANTB2|maria>", "<@W0PLANTC3>", "<@U0PLANTD4>", "<@U0PLANTE5>", "<@U0PLANTF6>", "<@U0PLANTG7>"]
DIGIT_RUNS = ["88812345", "4440001112", "700123456", "31415926", "2718281828", "99887766", "123987456"]
VALUES = CARDS + IBANS + EMAILS + PHONES + IPS + MENTIONS + DIGIT_RUNS
TEMPLATES = [
    "What information do you collect about me? My email is {}",
    "How do you protect customer data? I'm reachable at {}",
    "Do you log the IP address {} when I use the agents?",
    "Is data about account {} used for billing?",
    "What do you do with the information you have about {}?",
    "Are my uploaded files processed? Reference {}",
    "Do you use cookies for tracking people like {}?",
]


def planted_questions() -> list[str]:
    questions = [TEMPLATES[i % len(TEMPLATES)].format(value) for i, value in enumerate(VALUES)]
    questions.append(f"Is traffic encrypted for {EMAILS[0]} and {PHONES[0]}?")  # two kinds in one question
    assert len(questions) == 50
    return questions


@pytest.mark.parametrize("value,kind", [(v, "card") for v in CARDS] + [(v, "iban") for v in IBANS]
                         + [(v, "email") for v in EMAILS] + [(v, "phone") for v in PHONES]
                         + [(v, "ip") for v in IPS] + [(v, "user") for v in MENTIONS]
                         + [(v, "number") for v in DIGIT_RUNS])
def test_each_kind_of_personal_data_is_removed(value, kind):
    cleaned = redact(f"question about {value} please")
    assert cleaned.found == {kind: 1}, cleaned
    assert cleaned.text == f"question about [{kind}] please"


def test_a_card_number_failing_luhn_is_not_called_a_card_but_still_removed_and_dates_stay():
    cleaned = redact("card 4111 1111 1111 1112, policy of 2026-04-30, version 1.2.3, 5 days")
    assert "card" not in cleaned.found and "4111" not in cleaned.text
    assert "2026-04-30" in cleaned.text and "1.2.3" in cleaned.text and "5 days" in cleaned.text


@pytest.mark.slow
def test_planted_personal_data_never_reaches_the_database_or_the_logs(team_service, standin, team_env, tmp_path,
                                                                      captured_logs):
    questions = planted_questions()
    via_slack, via_cli = questions[:25], questions[25:]
    service = team_service()
    for n, question in enumerate(via_slack):
        text = question.replace(EMAILS[0], f"<mailto:{EMAILS[0]}|{EMAILS[0]}>")  # how Slack sends an email
        if n % 3 == 0:
            service.send_event(mention(text, ts=f"1700000002.{n:06d}"))
        elif n % 3 == 1:
            service.send_event(direct_message(text, ts=f"1700000003.{n:06d}"))
        else:
            command(service, text, standin.response_url(f"q{n}"), "U0ASKER")
    service.wait_idle()
    cli = run_cli(["ask", "--json"], team_env, tmp_path, stdin="\n".join(via_cli) + "\n")
    assert cli.returncode == 0, cli.stderr
    assert len(cli.stdout.splitlines()) == 25
    replies = [c for c in standin.calls if c.method == "chat.postMessage" or
               (c.method == "response_url" and "Looking that up" not in c.dump())]
    assert len(replies) == 25  # every Slack question got its answer
    service.stop()  # closes the databases (WAL checkpoint), as a real shutdown does

    files = [p for p in Path(team_env["DATA_DIR"]).rglob("*") if p.is_file()]
    assert any(p.name == "state.sqlite3" for p in files)
    blobs = {str(p): p.read_bytes() for p in files if not p.name.startswith("state.sqlite3")}
    # The state database holds escalation records, which keep the question as asked (support needs it to
    # act, README "Question analytics"): a question the router hands to a person ("what information do
    # you collect about me? my email is …" reads as an access request) is there by design. Every other
    # table must be free of it.
    state = sqlite3.connect(Path(team_env["DATA_DIR"]) / "state.sqlite3")
    try:
        tables = [name for (name,) in state.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        blobs["state.sqlite3 (all tables but escalations)"] = "\n".join(
            repr(row) for table in tables if table != "escalations"
            for row in state.execute(f'SELECT * FROM "{table}"')).encode()
    finally:
        state.close()
    logs = captured_logs.getvalue() + cli.stderr
    for value in VALUES:
        for form in {value, value.replace(" ", ""), value.replace("-", "")}:
            assert not any(form.encode() in blob for blob in blobs.values()), (value, [p for p, b in blobs.items()
                                                                                      if form.encode() in b])
            assert form not in logs, value
    # The logs are JSON lines with a trace id per question, and no question text.
    records = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    answered_logs = [r for r in records if r["message"] == "question answered"]
    assert len(answered_logs) == 50 and all(r.get("trace_id") for r in answered_logs)
    assert {r["source"] for r in answered_logs} == {"slack", "cli"}
    assert len({r["trace_id"] for r in answered_logs}) == 50
    assert not any("What information do you collect" in line for line in logs.splitlines())

    # The report still counts every one of them.
    report = run_cli(["report", "--json", "--since", "1d"], team_env, tmp_path)
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["questions"] == 50 and data["personal_data_redacted"] == 50
    db = Database(Path(team_env["DATA_DIR"]) / "state.sqlite3")
    # The router reads "what information do you collect about me? my email is …" (and, with an IBAN for a
    # name, "what do you do with the information you have about <IBAN>?") as data requests: at most those
    # are handed to a person; the Slack ones have records, the CLI has no hand-off flow.
    about_me = sum(q.startswith(("What information do you collect about me?", "What do you do with the information"))
                   for q in questions)
    recorded = db.query("SELECT COUNT(*) FROM escalations")[0][0]
    assert recorded <= data["outcomes"]["escalated"] <= about_me
    stored = [row[0] for row in db.query("SELECT question FROM question_events")]
    assert len(stored) == 50 and all("[" in q for q in stored)
    db.close()


# ---- retention ----------------------------------------------------------------------------------
def _answer(section: str | None = "Security Measures", covered: bool = True, reason: str | None = None,
            question: str = "How is my data protected?") -> Answer:
    citations = [Citation(1, "privacy-policy.md", "Privacy Policy", section, "quote", None, "2026-04-30", 0.5)] \
        if section else []
    return Answer(question, "text", covered, 0.9 if covered else 0.1, "employee", citations,
                  Escalation(reason) if reason else None)


def test_retention_purge_deletes_only_old_events_and_runs_on_its_own(tmp_path):
    events = QuestionEvents.open(tmp_path / "state.sqlite3", retention_days=30)
    now = time.time()
    events.record(_answer(), source="cli", asked_at=now - 31 * DAY_S)
    events.record(_answer(), source="cli", asked_at=now - 29 * DAY_S)
    assert events.purge(now=now) == 1
    assert [round((now - e.asked_at) / DAY_S) for e in events.events()] == [29]

    purger = RetentionPurger(events, interval_s=0.01).start()  # daily in the service; often here
    try:
        poll(lambda: purger.runs >= 1, "the first purge")
        events.record(_answer(), source="cli", asked_at=time.time() - 40 * DAY_S)
        poll(lambda: len(events.events()) == 1, "the scheduled purge to remove the old event")
    finally:
        purger.stop()
        events.close()


@pytest.mark.slow
def test_the_service_purges_expired_events_at_start(team_service, team_env):
    events = QuestionEvents.open(Path(team_env["DATA_DIR"]) / "state.sqlite3", retention_days=365)
    events.record(_answer(), source="slack", asked_at=time.time() - 8 * DAY_S)
    events.record(_answer(), source="slack", asked_at=time.time() - 1 * DAY_S)
    events.close()
    service = team_service(ANALYTICS_RETENTION_DAYS="7")
    analytics = service.app.state.analytics
    poll(lambda: len(analytics.events()) == 1, "the purge at start")
    assert service.app.state.retention.interval_s == DAY_S


# ---- report -------------------------------------------------------------------------------------
DAY1 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc).timestamp()


def _seeded(tmp_path, with_escalations: bool = True) -> tuple[Database, QuestionEvents]:
    # Our migrations without the escalation flow's own (4, and later ones altering its table): the escalations
    # table below is a minimal stand-in with the columns the report reads, so this test does not depend on that schema.
    db = Database(tmp_path / "state.sqlite3",
                  [m for m in MIGRATIONS if m.number != 4 and "ALTER TABLE escalations" not in m.sql])
    events = QuestionEvents(db)
    store = StateStore(db)
    plan = [  # (day, section, covered, escalation, question)
        (0, "Security Measures", True, None, "How is my data protected?"),
        (0, "Security Measures", True, None, "Is traffic encrypted?"),
        (0, "Usage", True, None, "What is my data used for?"),
        (0, None, False, "not_covered", "Do you use cookies for tracking?"),
        (0, None, False, "not_covered", "Which tracking cookies do you set in my browser?"),
        (1, "Data Collection", True, None, "What do you collect?"),
        (1, "Contact Information", True, "data_request", "Please delete my data"),
        (1, None, False, "not_covered", "Do you collect data from children under 13?"),
        (1, None, False, "not_covered", "Is the service allowed for kids under 13 years old?"),
        (1, None, False, "not_covered", "Do you use cookies on your website?"),
        (2, "Security Measures", True, None, "Are there audit logs?"),
        (2, None, False, None, "Who won the match?"),
    ]
    for n, (day, section, covered, reason, question) in enumerate(plan):
        events.record(_answer(section, covered, reason, question), source="slack", answer_id=f"a{n}",
                      asked_at=DAY1 + day * DAY_S + n)
    for answer_id, user, vote in [("a0", "U1", "helpful"), ("a0", "U2", "helpful"), ("a1", "U1", "not_helpful"),
                                  ("a2", "U1", "helpful"), ("a10", "U3", "not_helpful")]:
        store.record_vote(answer_id, user, vote)
    events.record(_answer(), source="slack", asked_at=DAY1 - 40 * DAY_S)  # outside the period
    if with_escalations:
        with db.transaction() as conn:
            conn.execute("CREATE TABLE escalations (reference TEXT PRIMARY KEY, reason TEXT, status TEXT,"
                         " created_at REAL, resolved_at REAL)")
            for ref, reason, status, created, resolved_h in [
                ("E1", "data_request", "resolved", DAY1, 2.0), ("E2", "data_request", "open", DAY1 + 10, None),
                ("E3", "security", "resolved", DAY1 + 20, 6.0), ("E4", "user_request", "claimed", DAY1 + 30, None),
                ("E5", "security", "resolved", DAY1 + 40, 1.0), ("E0", "security", "resolved", DAY1 - 40 * DAY_S, 3.0),
            ]:
                conn.execute("INSERT INTO escalations VALUES (?, ?, ?, ?, ?)",
                             (ref, reason, status, created, created + resolved_h * 3600 if resolved_h else None))
    return db, events


def test_report_figures_on_a_seeded_history_are_exact(tmp_path, embeddings):
    db, _ = _seeded(tmp_path)
    report = build_report(db, since=DAY1 - DAY_S, until=DAY1 + 3 * DAY_S, embed=embeddings.embed_documents)
    assert report["questions"] == 12 and report["covered"] == 6 and report["covered_share"] == 0.5
    assert report["outcomes"] == {"answered": 5, "not_covered": 5, "escalated": 1, "off_topic": 1}
    assert report["per_day"] == [{"date": "2026-05-04", "questions": 5, "covered": 3},
                                 {"date": "2026-05-05", "questions": 5, "covered": 2},
                                 {"date": "2026-05-06", "questions": 2, "covered": 1}]
    assert report["top_sections"] == [{"section": "Security Measures", "questions": 3},
                                      {"section": "Contact Information", "questions": 1},
                                      {"section": "Data Collection", "questions": 1},
                                      {"section": "Usage", "questions": 1}]
    gaps = report["coverage_gaps"]
    assert [g["count"] for g in gaps] == [3, 2]
    assert "cookies" in gaps[0]["topic"] and len(gaps[0]["examples"]) == 3
    assert set(gaps[1]["examples"]) == {"Do you collect data from children under 13?",
                                        "Is the service allowed for kids under 13 years old?"}
    assert report["escalations"] == {"total": 5, "by_reason": {"data_request": 2, "security": 2, "user_request": 1},
                                     "by_status": {"claimed": 1, "open": 1, "resolved": 3}, "resolved": 3,
                                     "median_hours_to_resolve": 2.0}
    assert report["feedback"] == [{"section": "Security Measures", "helpful": 2, "not_helpful": 2},
                                  {"section": "Usage", "helpful": 1, "not_helpful": 0}]
    text = render_text(report)
    assert "Questions 2026-05-03 – 2026-05-07: 12, covered 6 (50%)" in text and "median time to resolve 2.0 h" in text
    csv_text = render_csv(report)
    assert "questions_per_day,2026-05-04,5\n" in csv_text and "feedback_not_helpful,Security Measures,2\n" in csv_text
    assert "escalations_by_reason,security,2\n" in csv_text


def test_without_the_escalations_table_the_report_says_zero(tmp_path):
    db, _ = _seeded(tmp_path, with_escalations=False)
    report = build_report(db, since=DAY1, until=DAY1 + DAY_S)
    assert report["escalations"] == {"total": 0, "by_reason": {}, "by_status": {}, "resolved": 0,
                                     "median_hours_to_resolve": None}
    assert report["questions"] == 5


@pytest.mark.slow
def test_report_command_json_and_csv(tmp_path):
    db, _ = _seeded(tmp_path, with_escalations=False)  # the CLI applies the escalation flow's own migration
    db.close()
    env = {"DATA_DIR": str(tmp_path), "KNOWLEDGE_DIR": str(tmp_path), "ANALYTICS_RETENTION_DAYS": "3650"}
    since = datetime.fromtimestamp(DAY1 - DAY_S, timezone.utc).strftime("%Y-%m-%d")
    done = run_cli(["report", "--json", "--since", since], env, tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["questions"] == 12 and [g["count"] for g in data["coverage_gaps"]] == [3, 2]
    as_csv = run_cli(["report", "--csv", "--since", since], env, tmp_path)
    assert as_csv.stdout.startswith("metric,key,value\n") and "questions,total,12\n" in as_csv.stdout
    bad = run_cli(["report", "--since", "lately"], env, tmp_path)
    assert bad.returncode == 2 and "--since expects" in bad.stderr


def test_since_accepts_durations_and_dates():
    now = 1_000_000_000.0
    assert parse_since("30d", now) == now - 30 * DAY_S and parse_since("12h", now) == now - 12 * 3600
    assert parse_since("2026-05-04") == DAY1 - 9 * 3600
    with pytest.raises(ValueError):
        parse_since("soon")
