"""Real servers for tests: a `chroma run` process on loopback, and waiting for a started server to answer."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerDidNotStart(RuntimeError):
    pass


def wait_until_up(url: str, process: subprocess.Popen, *, timeout_s: float = 60, poll_s: float = 0.2,
                  output=lambda: "") -> None:
    """Poll `url` until it answers 200. Raises ServerDidNotStart with `output()` (the server's log tail)
    when the process exits first or `timeout_s` passes, so a failed start says why."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise ServerDidNotStart(f"{url} did not answer: {output()[-2000:]}")
        time.sleep(poll_s)


@contextmanager
def chroma_server(path: Path):
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    log = open(path.parent / f"chroma-{port}.log", "w")
    process = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", process,
                      output=lambda: (path.parent / f"chroma-{port}.log").read_text())
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
