"""Conversation tests reuse the Slack harness (Web API stand-in, the real service over HTTP) with the real core."""

from __future__ import annotations

from tests.slack.conftest import standin, start_service  # noqa: F401  (shared fixtures)
