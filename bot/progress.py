"""A spinner on stderr for work that may take more than a second, drawn only on a terminal.

Nothing is drawn for work that ends within `delay` seconds, and nothing at all when stderr is a
pipe or a file (CI logs, scripts), so output stays clean where no person is watching.
"""

from __future__ import annotations

import itertools
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


@contextmanager
def spinner(text: str, stream=None, delay: float = 1.0) -> Iterator[None]:
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        yield
        return
    stop = threading.Event()

    def draw() -> None:
        if stop.wait(delay):
            return
        for frame in itertools.cycle(FRAMES):
            stream.write(f"\r{frame} {text}")
            stream.flush()
            if stop.wait(0.1):
                break
        stream.write("\r\033[K")  # clear the line: what follows starts clean
        stream.flush()

    thread = threading.Thread(target=draw, name="spinner", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
