"""`privacy-bot doctor` against the Slack Web API stand-in: each problem is named with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.doctor import OPTIONAL_SCOPES, REQUIRED_SCOPES
from tests.conftest import KNOWLEDGE, ROOT, make_settings
from tests.servers import free_port
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET
from tests.slack.slack_standin import APP_TOKEN, MANIFEST_SCOPES

SUPPORT_CHANNEL = "C0SUPPORT"


@pytest.fixture(scope="module")
def indexed_data(tmp_path_factory, embeddings) -> Path:
    from indexer.build import build_index

    data = tmp_path_factory.mktemp("doctor-data")
    build_index(make_settings(data, KNOWLEDGE), embeddings=embeddings)
    return data


def doctor(monkeypatch, tmp_path, capsys, **env) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)  # no developer .env
    for key, value in {"KNOWLEDGE_DIR": str(KNOWLEDGE), "HOST": "127.0.0.1", "PORT": str(free_port()), **env}.items():
        monkeypatch.setenv(key, value)
    code = main(["doctor"])
    return code, capsys.readouterr().out


def slack_env(standin, data: Path, **extra) -> dict:
    return {"DATA_DIR": str(data), "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url, "SUPPORT_CHANNEL_ID": SUPPORT_CHANNEL, **extra}


def line(out: str, name: str) -> str:
    return next(text for text in out.splitlines() if text[2:].startswith(name))


def test_a_working_setup_is_ready(monkeypatch, tmp_path, capsys, standin, indexed_data):
    standin.socket_url = "ws://127.0.0.1:9/socket"
    code, out = doctor(monkeypatch, tmp_path, capsys, **slack_env(standin, indexed_data, SLACK_APP_TOKEN=APP_TOKEN))
    assert code == 0, out
    assert line(out, "Bot token").startswith("✓") and "workspace Kimss" in out
    assert line(out, "App token").startswith("✓") and line(out, "Scopes").startswith("✓")
    assert "users:read.email" in line(out, "Scopes")  # optional, and said to be
    assert line(out, "Support channel").startswith("✓") and "#privacy-support" in out
    assert line(out, "Index").startswith("✓") and out.rstrip().endswith("Ready.")
    assert [c.method for c in standin.calls][:1] == ["auth.test"]
    assert {c.method for c in standin.calls} == {"auth.test", "apps.connections.open", "conversations.info"}


def test_a_rejected_token_says_where_to_copy_the_right_one(monkeypatch, tmp_path, capsys, standin, indexed_data):
    code, out = doctor(monkeypatch, tmp_path, capsys, **slack_env(standin, indexed_data, SLACK_BOT_TOKEN="xoxb-revoked"))
    assert code == 1
    assert "Slack rejects SLACK_BOT_TOKEN (invalid_auth)" in out and "OAuth & Permissions" in out
    assert "xoxb-revoked" not in out  # a secret is never printed


def test_missing_scopes_are_named_with_what_they_serve(monkeypatch, tmp_path, capsys, standin, indexed_data):
    standin.scopes = tuple(s for s in MANIFEST_SCOPES if s not in {"users:read", "reactions:write"})
    code, out = doctor(monkeypatch, tmp_path, capsys, **slack_env(standin, indexed_data))
    assert code == 1
    scopes = line(out, "Scopes")
    assert scopes.startswith("✗") and "users:read (" in scopes and "reactions:write" in scopes
    assert "chat:write" not in scopes and "reinstall the app" in out


def test_the_bot_outside_the_support_channel_is_told_to_invite_it(monkeypatch, tmp_path, capsys, standin, indexed_data):
    standin.outside_channels.add(SUPPORT_CHANNEL)
    code, out = doctor(monkeypatch, tmp_path, capsys, **slack_env(standin, indexed_data))
    assert code == 1
    assert "not a member of #privacy-support" in out and "/invite @Privacy Assistant" in out


def test_an_unknown_support_channel_and_no_index(monkeypatch, tmp_path, capsys, standin):
    standin.unknown_channels.add(SUPPORT_CHANNEL)
    code, out = doctor(monkeypatch, tmp_path, capsys, **slack_env(standin, tmp_path / "empty"))
    assert code == 1
    assert "cannot read C0SUPPORT (channel_not_found)" in out
    assert "no index has been built yet" in out and "run `privacy-bot index`" in out
    assert "2 problems to fix." in out


def test_without_slack_it_checks_the_local_setup(monkeypatch, tmp_path, capsys, indexed_data):
    code, out = doctor(monkeypatch, tmp_path, capsys, DATA_DIR=str(indexed_data), KNOWLEDGE_DIR=str(tmp_path / "nowhere"))
    assert code == 1
    assert "nowhere does not exist" in line(out, "Knowledge") and "set KNOWLEDGE_DIR" in out
    assert line(out, "Slack").startswith("!") and "docs/slack.md" in out


def test_the_scope_list_is_the_manifests():
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(REQUIRED_SCOPES) == set(MANIFEST_SCOPES)
    http = yaml.safe_load((ROOT / "docs" / "manifest-http.yaml").read_text())
    assert set(http["oauth_config"]["scopes"]["bot"]) == set(REQUIRED_SCOPES)
    assert set(OPTIONAL_SCOPES) <= set((ROOT / "docs" / "slack.md").read_text().split("`"))  # documented
    assert http["settings"]["socket_mode_enabled"] is False
    urls = {http["settings"]["event_subscriptions"]["request_url"], http["settings"]["interactivity"]["request_url"],
            http["features"]["slash_commands"][0]["url"]}
    assert urls == {"https://privacy-assistant.example.com/slack/events"}
