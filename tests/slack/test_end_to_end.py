"""The real core behind the real service: the shipped policy, indexed into a temporary DATA_DIR."""

from __future__ import annotations

import json

import pytest

from bot.slack.blocks import ACTION_SUPPORT
from tests.slack.harness import mention

pytestmark = pytest.mark.slow


def test_a_mention_gets_the_policys_own_words_with_its_section_cited(start_service, standin, shipped_assistant):
    service = start_service(shipped_assistant)
    health = service.http.get("/healthz").json()
    assert health["ok"] is True and health["documents"] >= 1 and health["policy_date"] == "2026-04-30"

    service.send_event(mention("How does Kimss AI protect my information?", ts="1700000000.000700"))
    service.wait_idle()
    [reply] = standin.of("chat.postMessage")
    blocks = json.dumps(reply.args["blocks"], ensure_ascii=False)
    assert "safeguards" in blocks
    assert "Security Measures — Privacy Policy, updated April 30, 2026" in blocks
    assert reply.args["thread_ts"] == "1700000000.000700"


def test_a_data_request_is_handed_to_a_person(start_service, standin, shipped_assistant):
    service = start_service(shipped_assistant)
    service.send_event(mention("Please delete all my personal data"))
    service.wait_idle()
    [reply] = standin.of("chat.postMessage")
    support = [e for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == ACTION_SUPPORT][0]
    assert support.get("style") == "primary"
    assert "Contact Information" in json.dumps(reply.args["blocks"], ensure_ascii=False)


def test_privacy_bot_serve_answers_a_mention_and_stops_cleanly_on_sigterm(tmp_path, standin, embeddings):
    """The command users run: `privacy-bot serve` in its own process, configured only by env."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from indexer.build import build_index
    from tests.conftest import KNOWLEDGE, make_settings
    from tests.slack.harness import SIGNING_SECRET, SignedClient
    from tests.slack.slack_standin import BOT_TOKEN

    build_index(make_settings(tmp_path / "data", KNOWLEDGE), embeddings=embeddings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "KNOWLEDGE_DIR": str(KNOWLEDGE),
           "HOST": "127.0.0.1", "PORT": str(port), "SLACK_BOT_TOKEN": BOT_TOKEN,
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": standin.api_url, "HF_HUB_OFFLINE": "1"}
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:  # wait for the model to load and the port to open
            assert process.poll() is None, process.stdout.read()
            try:
                health = httpx.get(base + "/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "privacy-bot serve never opened its port"
                time.sleep(0.2)
        assert health.json()["ok"] is True and health.json()["slack"] == "http"

        client = SignedClient(base)
        response = client.send_event(mention("What information does Kimss AI collect?", ts="1700000000.000800"))
        assert response.status_code == 200
        standin.wait_for(lambda calls: any(c.method == "chat.postMessage" for c in calls), timeout=60)
        client.http.close()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    # uvicorn finishes the lifespan (accepted answers, database) and then re-raises SIGTERM.
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    [reply] = standin.of("chat.postMessage")
    assert "Data Collection — Privacy Policy" in json.dumps(reply.args["blocks"], ensure_ascii=False)
