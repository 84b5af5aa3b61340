"""Slack adapter benchmark on loopback: the real service, a Slack stand-in, signed mentions.

Prints: signed mention → chat.postMessage latency p50/p95 (sequential, warm), ack latency
p99, and 500 mentions at concurrency 20 (some also redelivered as Slack retries): replies,
duplicate replies, errors. Targets: p95 ≤ 150 ms warm, 500/500 replies, 0 duplicates.

    .venv/bin/python bench/bench_slack.py            # the real core over the shipped policy
    .venv/bin/python bench/bench_slack.py --fake     # a canned core: the adapter's own cost
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.slack.fakes import FakeAssistant  # noqa: E402
from tests.slack.harness import RunningService, mention, slack_settings  # noqa: E402
from tests.slack.slack_standin import SlackStandIn  # noqa: E402

QUESTIONS = [
    "How does Kimss AI protect my information?",
    "What data does Kimss AI collect?",
    "How is usage data used?",
    "Who do I contact with a privacy question?",
    "Are prompts and files processed?",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def real_assistant(data_dir: Path):
    from bot.assistant import Assistant
    from bot.settings import Settings
    from indexer.build import build_index

    settings = Settings.from_mapping({"DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
    build_index(settings)
    return Assistant.from_settings(settings)


class Bench:
    def __init__(self, service: RunningService, standin: SlackStandIn):
        self.service, self.standin = service, standin
        self.acks: list[float] = []
        self._n = 0

    def next_ts(self) -> str:
        self._n += 1
        return f"1800000000.{self._n:06d}"

    def send(self, ts: str, *, event_id: str | None = None, retry: bool = False) -> tuple[int, float]:
        headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        started = time.perf_counter()
        response = self.service.send_event(mention(QUESTIONS[self._n % len(QUESTIONS)], ts=ts),
                                           event_id=event_id or f"Ev{ts}", headers=headers)
        self.acks.append(time.perf_counter() - started)
        return response.status_code, started

    def replies_to(self, ts: str) -> list:
        return [c for c in self.standin.of("chat.postMessage") if c.args.get("thread_ts") == ts]

    def sequential(self, count: int) -> list[float]:
        latencies = []
        for _ in range(count):
            ts = self.next_ts()
            _, started = self.send(ts)
            self.standin.wait_for(lambda calls, ts=ts: any(
                c.method == "chat.postMessage" and c.args.get("thread_ts") == ts for c in calls), timeout=60)
            latencies.append(self.replies_to(ts)[0].at - started)
        return latencies

    def load(self, count: int, concurrency: int, retry_share: float) -> dict:
        stamps = [self.next_ts() for _ in range(count)]
        redelivered = stamps[: int(count * retry_share)]
        jobs = [(ts, False) for ts in stamps] + [(ts, True) for ts in redelivered]
        with ThreadPoolExecutor(concurrency) as pool:
            statuses = list(pool.map(lambda job: self.send(job[0], retry=job[1])[0], jobs))
        self.service.wait_idle()
        posts = [c for c in self.standin.of("chat.postMessage") if c.args.get("thread_ts") in set(stamps)]
        by_ts: dict[str, int] = {}
        for call in posts:
            by_ts[call.args["thread_ts"]] = by_ts.get(call.args["thread_ts"], 0) + 1
        apologies = sum(1 for c in posts if "Sorry" in (c.args.get("text") or ""))
        return {
            "deliveries": len(jobs), "retries": len(redelivered),
            "replies": len(by_ts), "duplicates": sum(n - 1 for n in by_ts.values()),
            "errors": sum(1 for s in statuses if s != 200) + apologies + (count - len(by_ts)),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fake", action="store_true", help="canned answers instead of the real core")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--mentions", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--retry-share", type=float, default=0.1, help="share of mentions Slack redelivers")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        standin = SlackStandIn()
        core = "fake core" if args.fake else "real core (all-MiniLM-L6-v2, shipped policy)"
        assistant = FakeAssistant() if args.fake else real_assistant(Path(tmp) / "index")
        service = RunningService(slack_settings(Path(tmp), standin), assistant)
        try:
            bench = Bench(service, standin)
            bench.sequential(args.warmup)
            bench.acks.clear()
            latencies = bench.sequential(args.sequential)
            quiet_acks, bench.acks = bench.acks, []
            load = bench.load(args.mentions, args.concurrency, args.retry_share)
        finally:
            service.stop()
            standin.close()

    ms = [x * 1000 for x in latencies]
    print(f"Slack adapter on loopback, {core}, {os.cpu_count()} CPUs")
    print(f"mention → chat.postMessage ({len(ms)} sequential, warm): "
          f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms  (target p95 ≤ 150 ms)")
    for label, acks in (("sequential", quiet_acks), ("under load", bench.acks)):
        print(f"ack latency, {label} ({len(acks)} requests): p50 {statistics.median(acks) * 1000:.1f} ms, "
              f"p99 {percentile(acks, 99) * 1000:.1f} ms  (Slack's limit: 3000 ms)")
    print(f"{args.mentions} mentions at concurrency {args.concurrency} "
          f"(+{load['retries']} redelivered as retries): replies {load['replies']}/{args.mentions}, "
          f"duplicates {load['duplicates']}, errors {load['errors']}")


if __name__ == "__main__":
    main()
