"""Commands start fast and fail fast: cheap checks before the model loads, no torch on the CLI and
serve paths, readable output on a terminal, each stdin question above its answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import KNOWLEDGE, make_settings

# Runs a command in a fresh interpreter, then reports which heavy libraries it imported.
PROBE = """
import sys
from bot.cli import main
code = main(sys.argv[1:])
heavy = [m for m in ("torch", "transformers", "sentence_transformers", "sklearn", "langchain_core",
                     "onnxruntime") if m in sys.modules]
print("IMPORTED=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def probe(args, tmp_path, **env) -> tuple[subprocess.CompletedProcess, set[str]]:
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "KNOWLEDGE_DIR": str(KNOWLEDGE),
                   "DATA_DIR": str(tmp_path / "data"), "HOST": "127.0.0.1", **env}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=tmp_path,
                          env=environment, timeout=300)
    marker = [line for line in done.stderr.splitlines() if line.startswith("IMPORTED=")]
    assert marker, done.stderr
    return done, set(filter(None, marker[-1].removeprefix("IMPORTED=").split(",")))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, embeddings) -> Path:
    from indexer.build import build_index

    data = tmp_path_factory.mktemp("fast-cli-data")
    build_index(make_settings(data, KNOWLEDGE), embeddings=embeddings)
    return data


def test_ask_on_an_index_answers_without_torch_or_langchain(tmp_path, indexed):
    done, imported = probe(["ask", "How is my data protected?"], tmp_path, DATA_DIR=str(indexed))
    assert done.returncode == 0, done.stderr
    assert "Security Measures" in done.stdout
    assert imported == {"onnxruntime"}  # the model through ONNX Runtime; no torch, transformers, langchain


def test_a_missing_knowledge_directory_fails_before_any_model_loads(tmp_path):
    done, imported = probe(["ask", "How is my data protected?"], tmp_path, KNOWLEDGE_DIR=str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert f"knowledge directory {tmp_path / 'nowhere'} does not exist" in done.stderr
    assert "Traceback" not in done.stderr and imported == set()


def test_a_busy_port_fails_before_any_model_loads(tmp_path, indexed):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done, imported = probe(["serve"], tmp_path, DATA_DIR=str(indexed), PORT=str(port))
    assert done.returncode == 1
    assert f"PORT: cannot listen on 127.0.0.1:{port}" in done.stderr and "set PORT" in done.stderr
    assert imported == set()


def test_an_index_of_another_model_fails_before_any_model_loads(tmp_path, indexed):
    done, imported = probe(["ask", "What do you collect?"], tmp_path, DATA_DIR=str(indexed),
                           EMBEDDING_MODEL=str(tmp_path / "my-model"))
    assert done.returncode == 1
    assert "index was built with sentence-transformers/all-MiniLM-L6-v2" in done.stderr
    assert "privacy-bot index --full" in done.stderr and imported == set()


def test_stdin_questions_are_printed_above_their_answers(tmp_path, indexed):
    questions = "How is my data protected?\nDo you use tracking cookies?\n"
    done = subprocess.run([str(Path(sys.executable).parent / "privacy-bot"), "ask"], input=questions, text=True,
                          capture_output=True, cwd=tmp_path, timeout=300,
                          env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATA_DIR": str(indexed),
                               "KNOWLEDGE_DIR": str(KNOWLEDGE)})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    first, second = out.index("Q: How is my data protected?"), out.index("Q: Do you use tracking cookies?")
    assert first == 0 and first < out.index("Security Measures") < second
    assert out.index("does not cover", second) > second


def test_serve_prints_the_real_urls_and_the_slack_mode(tmp_path, indexed):
    from tests.servers import free_port, wait_until_up

    port = free_port()
    out = open(tmp_path / "out.txt", "w+")
    process = subprocess.Popen([str(Path(sys.executable).parent / "privacy-bot"), "serve"], stdout=out,
                               stderr=subprocess.STDOUT, cwd=tmp_path, text=True,
                               env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATA_DIR": str(indexed),
                                    "KNOWLEDGE_DIR": str(KNOWLEDGE), "PORT": str(port), "HOST": "0.0.0.0"})
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout_s=120,
                      output=lambda: (tmp_path / "out.txt").read_text())
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = (tmp_path / "out.txt").read_text()
    assert f"Web chat: http://localhost:{port}/\n" in text and f"Health:   http://localhost:{port}/healthz" in text
    assert "Slack:    off (set SLACK_BOT_TOKEN" in text
    assert "Uvicorn running on" not in text and "[ip]:" + str(port) not in text
    assert "serving the web chat, the customers' API, /healthz" in text  # not "/healthz only"


def test_the_banner_names_the_slack_mode_and_the_events_url():
    from bot.web.banner import banner

    http = make_settings(Path("d"), KNOWLEDGE, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", PORT="8080",
                         HOST="127.0.0.1")
    lines = "\n".join(banner(http, "http"))
    assert "HTTP mode" in lines and "http://localhost:8080/slack/events" in lines
    socket_mode = make_settings(Path("d"), KNOWLEDGE, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1")
    assert "Slack:    on, Socket Mode" in "\n".join(banner(socket_mode, "socket"))
