"""The service around Slack: /healthz, running without Slack, bad tokens, Socket Mode."""

from __future__ import annotations

import logging

import httpx
import pytest

from bot.errors import ConfigError
from bot.settings import Settings
from tests.slack.harness import RunningService, event_callback, mention
from tests.slack.slack_standin import APP_TOKEN
from tests.slack.socket_standin import SocketStandIn


def test_healthz_reports_the_index(service):
    response = service.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "model": "all-MiniLM-L6-v2", "documents": 1, "chunks": 5,
                               "policy_date": "2026-04-30", "index": "kimss-privacy-v1", "slack": "http"}


def test_healthz_is_503_when_the_index_cannot_answer(service, assistant):
    assistant.healthy = False
    response = service.http.get("/healthz")
    assert response.status_code == 503 and response.json()["ok"] is False


def test_without_slack_settings_the_service_still_serves_healthz(tmp_path, assistant, caplog):
    caplog.set_level(logging.INFO)
    settings = Settings.from_mapping({"DATA_DIR": str(tmp_path / "data"), "HOST": "127.0.0.1"})
    service = RunningService(settings, assistant)
    try:
        assert service.http.get("/healthz").json()["slack"] == "off"
        assert service.http.post("/slack/events", content=b"{}").status_code == 404
        assert "Slack is off" in caplog.text
    finally:
        service.stop()


def test_a_token_slack_rejects_fails_at_start_naming_the_variable(tmp_path, standin, assistant):
    settings = Settings.from_mapping({"DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": "xoxb-revoked",
                                      "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": standin.api_url})
    with pytest.raises(ConfigError) as raised:
        RunningService(settings, assistant)
    assert raised.value.variable == "SLACK_BOT_TOKEN" and "invalid_auth" in str(raised.value)


def test_socket_mode_answers_a_mention(start_service, standin, assistant):
    websocket = SocketStandIn()
    standin.socket_url = websocket.url
    try:
        service = start_service(assistant, SLACK_APP_TOKEN=APP_TOKEN)
        assert service.http.get("/healthz").json()["slack"] == "http+socket"
        websocket.wait_connected()
        envelope_id = websocket.push_event(event_callback(mention("how is my data protected?", ts="1700000000.000500")))
        websocket.wait_ack(envelope_id)
        standin.wait_for(lambda calls: any(c.method == "chat.postMessage" for c in calls))
        [reply] = standin.of("chat.postMessage")
        assert reply.args["thread_ts"] == "1700000000.000500"
        assert assistant.questions == ["how is my data protected?"]
        service.stop()
    finally:
        websocket.close()


def test_socket_mode_alone_needs_no_signing_secret_and_serves_no_http_route(start_service, standin, assistant):
    websocket = SocketStandIn()
    standin.socket_url = websocket.url
    try:
        service = start_service(assistant, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
        assert service.http.get("/healthz").json()["slack"] == "socket"
        assert service.http.post("/slack/events", content=b"{}").status_code == 404
        websocket.wait_connected()
        service.stop()
    finally:
        websocket.close()
