"""Slow-request guard benchmark: /healthz latency while unauthenticated clients send 64 KB bodies and URLs.

The real service (production ASGI app under uvicorn, a canned core, a Slack stand-in) on loopback.
Attackers, in threads, send without any credentials: 64 KB bodies to /slack/events, /v1/ask and
/chat/ask (fully sent), 64 KB URLs (`GET /` + 65,000 × "A", and the same in a query string), and
declared-but-withheld bodies. Meanwhile one client measures /healthz. Prints /healthz p50/p99/max
alone and under attack, and what the attackers got back. Target: /healthz p99 ≤ 100 ms under attack.

    .venv/bin/python bench/bench_hardening.py [--seconds 10] [--attackers 4]
"""

from __future__ import annotations

import argparse
import collections
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx  # noqa: E402

from tests.slack.fakes import FakeAssistant  # noqa: E402
from tests.slack.harness import RunningService, slack_settings  # noqa: E402
from tests.slack.slack_standin import SlackStandIn  # noqa: E402

BIG = 64 * 1024


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def raw(url: str, request: bytes) -> str:
    """Send a raw request; the status line's code (or the error) comes back."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(request)
            first = sock.recv(256).split(b"\r\n", 1)[0].decode("latin-1")
            return first.split(" ")[1] if first.startswith("HTTP/") else "no answer"
    except OSError as error:
        return type(error).__name__


def attacks(url: str) -> list[bytes]:
    body = b"A" * BIG
    post = "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n"
    return [
        post.format("/slack/events", BIG).encode() + body,
        post.format("/v1/ask", BIG).encode() + body,
        post.format("/chat/ask", BIG).encode() + body,
        post.format("/slack/events", BIG).encode(),  # declared, never sent
        b"GET /" + b"A" * 65_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /?" + b"A" * 65_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ]


def measure_healthz(url: str, seconds: float) -> list[float]:
    samples = []
    with httpx.Client(base_url=url, timeout=30) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            samples.append((time.perf_counter() - start) * 1000)
            time.sleep(0.005)
    return samples


def report(name: str, samples: list[float]) -> None:
    print(f"{name:<28} n={len(samples):>5}  p50={percentile(samples, 50):7.2f} ms  "
          f"p99={percentile(samples, 99):7.2f} ms  max={max(samples):7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--attackers", type=int, default=4)
    args = parser.parse_args()

    standin = SlackStandIn()
    with tempfile.TemporaryDirectory() as tmp:
        settings = slack_settings(Path(tmp), standin, API_TOKENS="bench-api-token-0123456789",
                                  WEB_RATE_PER_ADDRESS_PER_MINUTE="100000")
        service = RunningService(settings, FakeAssistant())
        try:
            report("/healthz alone", measure_healthz(service.url, args.seconds / 2))
            stop = threading.Event()
            outcomes: collections.Counter = collections.Counter()
            lock = threading.Lock()

            def attacker(offset: int) -> None:
                requests = attacks(service.url)
                i = offset
                while not stop.is_set():
                    status = raw(service.url, requests[i % len(requests)])
                    with lock:
                        outcomes[(i % len(requests), status)] += 1
                    i += 1

            threads = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(args.attackers)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            report(f"/healthz under attack (x{args.attackers})", measure_healthz(service.url, args.seconds))
            stop.set()
            for thread in threads:
                thread.join(30)
            names = ["64 KB body /slack/events", "64 KB body /v1/ask", "64 KB body /chat/ask",
                     "64 KB declared, not sent", "65,000-char path", "65,000-char query"]
            for index, name in enumerate(names):
                got = {status: n for (i, status), n in outcomes.items() if i == index}
                print(f"  {name:<28} {sum(got.values()):>6} requests  status {dict(sorted(got.items()))}")
        finally:
            service.stop()
            standin.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
