"""Live reload across processes, the golden gate on publishing (and --force), `privacy-bot eval`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.assistant import Assistant
from indexer.store import VectorStore
from tests.conftest import make_settings
from tests.slack.harness import mention
from tests.team.conftest import POLICY, edit, poll, run_cli

pytestmark = pytest.mark.slow

QUESTION = "Can you promise my data is 100% secure?"
OLD_TEXT = "No system can be guaranteed to be completely secure."
NEW_TEXT = "No system can be guaranteed to be entirely secure."


def test_a_running_service_answers_from_an_index_refreshed_by_another_process(team_service, standin, team_env, tmp_path):
    service = team_service()
    replies: list[str] = []

    def ask(n: int) -> str:
        service.send_event(mention(QUESTION, ts=f"1700000001.{n:06d}"))
        standin.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls) > len(replies), timeout=60)
        replies.append(standin.of("chat.postMessage")[len(replies)].dump())
        return replies[-1]

    assert OLD_TEXT in ask(0)

    edit(Path(team_env["KNOWLEDGE_DIR"]) / POLICY, OLD_TEXT, NEW_TEXT)
    refresh = run_cli(["index"], team_env, tmp_path)  # another process, same DATA_DIR
    assert refresh.returncode == 0, refresh.stderr
    assert "Published" in refresh.stdout and "Gate: 53/53" in refresh.stdout

    counter = iter(range(1, 10_000))
    poll(lambda: NEW_TEXT in ask(next(counter)), "the service to answer from the new index", deadline_s=60)
    # No error at any point: every reply was a cited answer, old text before, new text after.
    for reply in replies:
        assert "Security Measures — Privacy Policy" in reply and "Sorry" not in reply
        assert (OLD_TEXT in reply) != (NEW_TEXT in reply)
    first_new = next(i for i, r in enumerate(replies) if NEW_TEXT in r)
    assert all(NEW_TEXT in r for r in replies[first_new:])


def test_the_gate_keeps_a_breaking_change_out_and_force_publishes_it(team_env, tmp_path, embeddings):
    settings = make_settings(Path(team_env["DATA_DIR"]), Path(team_env["KNOWLEDGE_DIR"]))
    store = VectorStore.from_settings(settings)
    before = store.active()
    edit(Path(team_env["KNOWLEDGE_DIR"]) / POLICY, "## Security Measures", "## Safeguards")

    blocked = run_cli(["index"], team_env, tmp_path)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Not published: the new index fails the gate" in blocked.stdout
    assert "✗ How do you keep my information safe?" in blocked.stderr
    assert "expected section Security Measures; got section Safeguards" in blocked.stderr
    assert "publish anyway with --force" in blocked.stderr and "Traceback" not in blocked.stderr
    after = store.active()
    assert after.collection == before.collection and not after.forced
    names = [c if isinstance(c, str) else c.name for c in store.client.list_collections()]
    assert sorted(names) == sorted([before.collection, f"{settings.index_name}-registry"])  # new one dropped
    old = Assistant.from_settings(settings, embeddings=embeddings).ask("How do you keep my information safe?")
    assert old.citations[0].section == "Security Measures"  # old answers still served

    forced = run_cli(["index", "--force"], team_env, tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "despite the failing gate (forced)" in forced.stdout
    assert "expected section Security Measures; got section Safeguards" in forced.stdout
    published = store.active()
    assert published.forced is True and published.collection != before.collection
    new = Assistant.from_settings(settings, embeddings=embeddings).ask("How do you keep my information safe?")
    assert new.citations[0].section == "Safeguards"

    # A later clean refresh is not marked forced.
    edit(Path(team_env["KNOWLEDGE_DIR"]) / POLICY, "## Safeguards", "## Security Measures")
    clean = run_cli(["index"], team_env, tmp_path)
    assert clean.returncode == 0 and store.active().forced is False


def test_eval_runs_the_golden_file_on_the_live_index(team_env, tmp_path):
    ok = run_cli(["eval"], team_env, tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "PASS  How do you keep my information safe?" in ok.stdout
    assert "53/53 golden questions pass, 0 fail" in ok.stdout

    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("- question: How do you keep my information safe?\n  section: Usage\n"
                     "- question: Please delete all my personal data\n  escalation: data_request\n"
                     "- question: Who won the football match last night?\n  off_topic: true\n")
    failed = run_cli(["eval", str(wrong), "--json"], team_env, tmp_path)
    assert failed.returncode == 1
    data = json.loads(failed.stdout)
    assert (data["total"], data["passed"], data["failed"]) == (3, 2, 1)
    [bad] = [r for r in data["results"] if not r["passed"]]
    assert bad["expected"] == "section Usage" and bad["got"] == "section Security Measures"

    missing = run_cli(["eval", str(tmp_path / "nope.yaml")], team_env, tmp_path)
    assert missing.returncode == 1 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
