"""The time the business rules see: the system clock, or (tests only) a file holding the time.

Deadlines, reminders and retention read `Clock.now()`; delivery mechanics (leases, retries)
keep the real time. `DSAR_TEST_CLOCK_FILE` is honoured only with `PRIVACY_BOT_TESTING=1`
(bot/settings.py refuses it otherwise): the file holds an ISO time ("2026-01-31T10:00:00Z") or a
Unix time and is read on every call, so a test can move time forward in a running service and
in several processes sharing a store (time travel: created → reminder → overdue → closed).
"""

from __future__ import annotations

import time
from datetime import date, datetime, timezone
from pathlib import Path


class Clock:
    def now(self) -> float:
        return time.time()

    def today(self) -> date:
        return datetime.fromtimestamp(self.now(), timezone.utc).date()


class FileClock(Clock):
    """Tests only: the time written in `path`; the real time while the file is missing or empty."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def now(self) -> float:
        try:
            text = self.path.read_text().strip()
        except FileNotFoundError:
            return time.time()
        return parse_instant(text) if text else time.time()

    def set(self, moment: str | float) -> None:
        self.path.write_text(str(moment))


def parse_instant(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def clock_from_settings(settings) -> Clock:
    path = getattr(settings, "dsar_test_clock_file", None)
    return FileClock(path) if path else Clock()
