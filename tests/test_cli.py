"""`privacy-bot` as scripts and the support-chat integration use it: real processes, real index."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import free_port

BIN = Path(sys.executable).parent / "privacy-bot"


def run(args, tmp_path, knowledge, stdin=None, **env):
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATA_DIR": str(tmp_path / "data"),
                   "KNOWLEDGE_DIR": str(knowledge), **env}
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, cwd=tmp_path,
                          env=environment, timeout=300)


def test_ask_json_builds_the_index_first_and_prints_the_contract(tmp_path, knowledge_copy):
    done = run(["ask", "--json", "How", "do", "you", "keep", "my", "information", "safe?"], tmp_path, knowledge_copy)
    assert done.returncode == 0, done.stderr
    assert "No index yet: building it" in done.stderr
    [line] = done.stdout.splitlines()
    data = json.loads(line)
    assert data["question"] == "How do you keep my information safe?"
    assert (data["covered"], data["audience"], data["escalation"]) == (True, "employee", None)
    assert 0.5 < data["confidence"] <= 1.0
    citation = data["citations"][0]
    assert citation["n"] == 1 and citation["section"] == "Security Measures"
    assert citation["document"] == "privacy-policy.md" and citation["updated"] == "2026-04-30"
    assert isinstance(citation["score"], float) and citation["quote"] in data["answer"]


def test_stdin_questions_one_json_line_each_and_plain_text_rendering(tmp_path, knowledge_copy):
    questions = "Where should I send a privacy question?\n\nPlease delete all my data\nDo you use tracking cookies?\n"
    done = run(["ask", "--json", "--audience", "customer"], tmp_path, knowledge_copy, stdin=questions)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["audience"] for a in lines] == ["customer"] * 3
    assert [a["escalation"] and a["escalation"]["reason"] for a in lines] == [None, "data_request", "not_covered"]

    plain = run(["ask", "How do you keep my information safe?"], tmp_path, knowledge_copy)
    assert plain.returncode == 0
    assert "[1] Security Measures — Privacy Policy, updated April 30, 2026" in plain.stdout
    assert plain.stdout.startswith("According to the Privacy Policy (updated April 30, 2026):")


@pytest.mark.parametrize("args,stdin,expected", [
    (["ask"], "", "usage: privacy-bot ask"),
    (["ask", ""], None, "usage: privacy-bot ask"),
    (["ask", "x" * 4001], None, "under 4,000"),
])
def test_bad_questions_exit_2_with_a_message(tmp_path, knowledge_copy, args, stdin, expected):
    done = run(args, tmp_path, knowledge_copy, stdin=stdin)
    assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr


def test_index_reports_changes_and_names_unreadable_files(tmp_path, knowledge_copy):
    (knowledge_copy / "legacy.txt").write_bytes("Ancienne politique\n\nDonn\xe9es.".encode("latin-1"))
    done = run(["index"], tmp_path, knowledge_copy)
    assert done.returncode == 0, done.stderr
    assert "warning: legacy.txt: skipped, not UTF-8" in done.stderr
    assert "Documents: 1 added, 0 changed, 0 removed, 0 unchanged" in done.stdout
    assert "Embeddings computed: 22" in done.stdout and "Took" in done.stdout
    dry = run(["index", "--dry-run"], tmp_path, knowledge_copy)
    assert "Embeddings to compute: 0" in dry.stdout and "Dry run" in dry.stdout


def test_clear_errors_without_tracebacks(tmp_path):
    (tmp_path / "empty").mkdir()
    empty = run(["index"], tmp_path, tmp_path / "empty")
    assert empty.returncode == 1 and "no documents to index" in empty.stderr and "Traceback" not in empty.stderr

    port = free_port()
    down = run(["ask", "hello"], tmp_path, tmp_path / "empty", CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port))
    assert down.returncode == 1 and f"127.0.0.1:{port}" in down.stderr and "Traceback" not in down.stderr

    bad = run(["ask", "hello"], tmp_path, tmp_path / "empty", CHROMA_HOST="127.0.0.1", CHROMA_PORT="eighty")
    assert bad.returncode == 1 and "CHROMA_PORT" in bad.stderr and "Traceback" not in bad.stderr
