"""Real processes: `privacy-bot serve` killed mid-escalation and restarted, and the escalations CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from bot.answer import Escalation
from tests.conftest import KNOWLEDGE, ROOT, make_settings
from tests.escalation.conftest import SUPPORT_CHANNEL, records, support_posts, wait_support_posts
from tests.slack.harness import SIGNING_SECRET, SUPPORT_URL, SignedClient, direct_message, mention
from tests.slack.slack_standin import BOT_TOKEN


def slack_env(tmp_path, standin, **extra) -> dict:
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "KNOWLEDGE_DIR": str(KNOWLEDGE), "HOST": "127.0.0.1",
           "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": standin.api_url,
           "SUPPORT_URL": SUPPORT_URL, "SUPPORT_CHANNEL_ID": SUPPORT_CHANNEL, "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": str(ROOT), **extra}
    for name in ("SLACK_APP_TOKEN", "ESCALATION_FAULT", "SUPPORT_TEAM_USER_IDS"):
        if name not in extra:
            env.pop(name, None)
    return env


class Serve:
    """`python -m bot.cli serve` in its own process, configured only by its environment."""

    def __init__(self, tmp_path, standin, **extra: str):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path,
                                        env=slack_env(tmp_path, standin, PORT=str(port), **extra),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:  # the model loads, then the port opens
            assert self.process.poll() is None, self.process.stdout.read()
            try:
                httpx.get(base + "/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "privacy-bot serve never opened its port"
                time.sleep(0.2)
        self.client = SignedClient(base)

    def wait_killed(self) -> str:
        output, _ = self.process.communicate(timeout=120)
        assert self.process.returncode == -signal.SIGKILL, output
        return output

    def stop(self) -> str:
        self.client.http.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=60)
        return output


@pytest.fixture
def indexed(tmp_path, embeddings):
    from indexer.build import build_index

    build_index(make_settings(tmp_path / "data", KNOWLEDGE), embeddings=embeddings)
    return make_settings(tmp_path / "data", KNOWLEDGE)


@pytest.mark.slow
def test_killed_after_the_commit_and_before_the_post_it_is_delivered_once_after_restart(
        tmp_path, standin, indexed):
    first = Serve(tmp_path, standin, ESCALATION_FAULT="crash_after_commit")
    first.client.send_event(direct_message("Please delete all my data", ts="1700000000.000901"))
    first.wait_killed()
    [record] = records(indexed)  # committed before the kill...
    assert (record.reason, record.delivery, record.asker_told) == ("data_request", "pending", False)
    assert support_posts(standin) == []  # ...and nothing was posted

    second = Serve(tmp_path, standin)
    try:
        [post] = wait_support_posts(standin, timeout=60)
        assert record.reference in post.args["text"]
        # The asker never got the answer (the process died first), so they are told on restart.
        standin.wait_for(lambda calls: any(c.method == "chat.postMessage" and record.reference in c.args["text"]
                                           and c.args["channel"] != SUPPORT_CHANNEL for c in calls), timeout=60)
    finally:
        output = second.stop()
    assert len(support_posts(standin)) == 1, output
    [after] = records(indexed)
    assert after.delivery == "delivered"
    assert after.support_ts == [p["ts"] for p in standin.posted if p["channel"] == SUPPORT_CHANNEL][0]
    assert after.asker_told


@pytest.mark.slow
def test_killed_after_the_post_and_before_storing_its_ts_it_is_not_posted_again(tmp_path, standin, indexed):
    first = Serve(tmp_path, standin, ESCALATION_FAULT="crash_after_post")
    first.client.send_event(direct_message("Please delete all my data", ts="1700000000.000902"))
    first.wait_killed()
    [posted] = support_posts(standin)
    [record] = records(indexed)
    assert record.delivery == "posting" and record.support_ts is None  # the crash window

    second = Serve(tmp_path, standin)
    try:
        deadline = time.monotonic() + 60
        while records(indexed)[0].delivery != "delivered":
            assert time.monotonic() < deadline, "the record was never marked delivered"
            time.sleep(0.05)
    finally:
        second.stop()
    # Found by its metadata in the channel history: the same message, never a second one.
    [after] = records(indexed)
    assert support_posts(standin) == [posted]
    assert after.support_ts == standin.posted[[p["channel"] for p in standin.posted].index(SUPPORT_CHANNEL)]["ts"]
    assert standin.of("conversations.history")


def cli(tmp_path, env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "escalations", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_lists_and_resolves_and_the_asker_is_notified_in_their_thread(tmp_path, standin, start_service, assistant):
    service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    assistant.escalation = Escalation("security")
    service.send_event(mention("I think my account was hacked", ts="1700000000.001001"))
    wait_support_posts(standin)
    deadline = time.monotonic() + 30
    while records(service.settings)[0].delivery != "delivered":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    service.wait_idle()
    service.stop()
    [record] = records(service.settings)
    env = slack_env(tmp_path, standin)

    listed = cli(tmp_path, env, "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["reference"], row["status"], row["reason"], row["delivery"]) == (
        record.reference, "open", "security", "delivered")
    assert row["question"] == "I think my account was hacked" and row["asker"]["user_id"] == "U0USER"
    table = cli(tmp_path, env)
    assert record.reference in table.stdout and "open" in table.stdout
    assert cli(tmp_path, env, "--status", "resolved").stdout.startswith("No escalations")

    resolved = cli(tmp_path, env, "resolve", record.reference.lower(), "--note", "Password reset & sessions <revoked>")
    assert resolved.returncode == 0, resolved.stderr
    assert "asker was notified" in resolved.stdout
    [notice] = [c for c in standin.of("chat.postMessage") if "has resolved your request" in c.args["text"]]
    assert (notice.args["channel"], notice.args["thread_ts"]) == ("C0GENERAL", "1700000000.001001")
    assert "Password reset &amp; sessions &lt;revoked&gt;" in notice.args["text"]
    [update] = standin.of("chat.update")
    assert update.args["ts"] == record.support_ts and "Resolved* by cli:" in json.dumps(update.args["blocks"])

    again = cli(tmp_path, env, "resolve", record.reference)
    assert again.returncode == 0 and "already resolved" in again.stdout
    assert len([c for c in standin.of("chat.postMessage") if "has resolved" in c.args["text"]]) == 1
    assert record.reference in cli(tmp_path, env, "--status", "resolved").stdout

    missing = cli(tmp_path, env, "resolve", "PRV-0000")
    assert missing.returncode == 1 and "no escalation PRV-0000" in missing.stderr
    assert cli(tmp_path, env, "resolve", "not-a-ref").returncode == 2


def test_resolved_from_a_cli_without_slack_the_service_notifies_the_asker_when_it_runs(
        tmp_path, standin, start_service, assistant):
    service = start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    assistant.escalation = Escalation("data_request")
    service.send_event(direct_message("Please delete all my data", ts="1700000000.001101"))
    wait_support_posts(standin)
    service.wait_idle()
    service.stop()
    [record] = records(service.settings)

    env = {k: v for k, v in slack_env(tmp_path, standin).items()
           if k not in {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"}}
    resolved = cli(tmp_path, env, "resolve", record.reference)
    assert resolved.returncode == 0 and "Slack is not configured" in resolved.stdout

    start_service(assistant, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL)
    standin.wait_for(lambda calls: any(c.method == "chat.postMessage" and "has resolved your request" in c.args["text"]
                                       for c in calls), timeout=30)
    standin.wait_for(lambda calls: any(c.method == "chat.update" for c in calls), timeout=30)
