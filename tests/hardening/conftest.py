"""Hardening tests: the real service over HTTP (tests/slack/harness.py) probed as an attacker would."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.customers.conftest import API_TOKEN, SUPPORT_CHANNEL, AudienceRecordingAssistant
from tests.slack.conftest import standin, start_service  # noqa: F401  (shared fixtures)


@pytest.fixture
def recording_assistant():
    return AudienceRecordingAssistant()


@pytest.fixture
def hardened(start_service, recording_assistant):
    """Slack over HTTP, the API and the web chat, with a short body read timeout."""
    return start_service(recording_assistant, API_TOKENS=API_TOKEN, SUPPORT_CHANNEL_ID=SUPPORT_CHANNEL,
                         REQUEST_READ_TIMEOUT="1")


def raw_exchange(url: str, head: str, body: bytes = b"", *, timeout: float = 15.0,
                 then_send: bytes | None = None) -> tuple[int, dict, bytes]:
    """Send `head` (request line and headers) and `body` on a raw socket; (status, headers, body) back.

    The socket timeout is a hang guard: a server that waits for a body it was promised raises here.
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        if then_send is not None:
            sock.sendall(then_send)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        header_blob, _, rest = data.partition(b"\r\n\r\n")
        lines = header_blob.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return status, headers, rest


def error_of(body: bytes) -> str:
    return json.loads(body)["error"]


__all__ = ["API_TOKEN", "SUPPORT_CHANNEL", "raw_exchange", "error_of"]
