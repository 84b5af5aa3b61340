"""Fixtures: the Slack Web API stand-in, a fake core, and the real service on a loopback port.

The service is the production ASGI app under uvicorn; only the assistant is a fake (the
end-to-end test uses the real one). Requests are signed exactly as Slack signs them.
"""

from __future__ import annotations

import pytest

from tests.slack.fakes import FakeAssistant
from tests.slack.harness import RunningService, slack_settings
from tests.slack.slack_standin import SlackStandIn

@pytest.fixture
def standin():
    server = SlackStandIn()
    yield server
    server.close()


@pytest.fixture
def assistant():
    return FakeAssistant()


@pytest.fixture
def start_service(tmp_path, standin):
    """Start (and, for restart tests, start again) the service; all are stopped at the end."""
    running: list[RunningService] = []

    def start(assistant, uvicorn_options: dict | None = None, **overrides: str) -> RunningService:
        service = RunningService(slack_settings(tmp_path, standin, **overrides), assistant, uvicorn_options)
        running.append(service)
        return service

    yield start
    for service in running:
        if service.thread.is_alive():
            service.stop()


@pytest.fixture
def service(start_service, assistant):
    return start_service(assistant)
