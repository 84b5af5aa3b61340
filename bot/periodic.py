"""`Periodic`: run an action now and then every `interval_s` on a daemon thread until stopped.

Used for the purges that keep retention true without anyone remembering to run them: conversation
turns (bot/store/conversations.py) and analytics events (bot/analytics/events.py).
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, action: Callable[[], object], interval_s: float, name: str):
        self.action = action
        self.interval_s = interval_s
        self.runs = 0  # completed runs, failed ones included
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> "Periodic":
        self._thread.start()
        return self

    def _loop(self) -> None:
        while True:
            try:
                self.action()
            except Exception:  # a failed purge is retried at the next interval; the cause is logged
                log.exception("periodic %s failed", self._thread.name)
            self.runs += 1
            if self._stop.wait(self.interval_s):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
