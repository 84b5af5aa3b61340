"""`privacy-bot ask --conversation ID`: follow-ups across separate CLI runs, kept in the state database."""

from __future__ import annotations

import json
import sqlite3

from tests.test_cli import run


def test_a_follow_up_in_a_later_run_is_answered_in_the_conversation_and_expires(tmp_path, knowledge_copy):
    first = run(["ask", "--conversation", "case-7", "What do you do with my chat logs?"], tmp_path, knowledge_copy)
    assert first.returncode == 0, first.stderr
    follow = run(["ask", "--json", "--conversation", "case-7", "and how long do you keep it?"], tmp_path, knowledge_copy)
    assert follow.returncode == 0, follow.stderr
    data = json.loads(follow.stdout)
    assert data["answering"] == "How long do you keep my chat logs?" and data["question"] == "and how long do you keep it?"
    assert data["escalation"]["reason"] == "not_covered"
    # Plain text says which question it answered.
    text = run(["ask", "--conversation", "case-7", "who else sees them?"], tmp_path, knowledge_copy)
    assert "Answering: Who else sees my chat logs?" in text.stdout
    # Another conversation, or none, has no context.
    alone = run(["ask", "--json", "--conversation", "case-8", "and how long do you keep it?"], tmp_path, knowledge_copy)
    assert json.loads(alone.stdout)["answering"] is None
    assert json.loads(run(["ask", "--json", "and how long do you keep it?"], tmp_path, knowledge_copy).stdout)["answering"] is None

    state = tmp_path / "data" / "state.sqlite3"
    with sqlite3.connect(state) as db:
        keys = {k for (k,) in db.execute("SELECT conversation_key FROM conversation_turns")}
        assert keys == {"cli:case-7", "cli:case-8"}
        db.execute("UPDATE conversation_turns SET created_at = created_at - 3600")  # an hour passes
    late = run(["ask", "--json", "--conversation", "case-7", "and how long do you keep it?"], tmp_path, knowledge_copy,
               CONVERSATION_TTL_MINUTES="30")
    assert json.loads(late.stdout)["answering"] is None  # expired turns are purged, not followed
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT COUNT(*) FROM conversation_turns").fetchone()[0] == 1  # only the new turn


def test_stdin_lines_are_one_conversation_and_a_bad_id_is_refused(tmp_path, knowledge_copy):
    done = run(["ask", "--json", "--conversation", "s1", "--audience", "customer"], tmp_path, knowledge_copy,
               stdin="Do you keep my chat logs?\nCan you erase them?\n")
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert second["answering"] == "Can you erase my chat logs?" and second["escalation"]["reason"] == "data_request"
    bad = run(["ask", "--conversation", " ", "why?"], tmp_path, knowledge_copy)
    assert bad.returncode != 0 and "--conversation" in bad.stderr
