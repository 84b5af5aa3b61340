"""Work that happens after Slack has its acknowledgement: answering, reactions, App Home.

Listeners only acknowledge and hand work here, so a burst of slow answers can never delay the
3-second ack of the next request. The pool knows how much work is in flight, which lets a
graceful shutdown (and a test) wait until every accepted question has its reply.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

log = logging.getLogger(__name__)


def new_trace_id() -> str:
    return uuid.uuid4().hex[:12]


class BackgroundWork:
    def __init__(self, workers: int = 8, name: str = "slack-work"):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._in_flight = 0
        self._idle = threading.Condition()

    def submit(self, job: Callable[..., object], *args: object, **kwargs: object) -> Future:
        with self._idle:
            self._in_flight += 1
        future = self._pool.submit(self._run, job, *args, **kwargs)
        return future

    def _run(self, job: Callable[..., object], *args: object, **kwargs: object) -> object:
        try:
            return job(*args, **kwargs)
        except Exception:
            # Jobs report their own failures to the user; this only catches bugs in that path,
            # logged with a trace id and never with the payload (which may hold a question).
            log.exception("background job %s failed trace_id=%s", getattr(job, "__name__", job), new_trace_id())
            return None
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    @property
    def in_flight(self) -> int:
        with self._idle:
            return self._in_flight

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job is queued or running; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)
