"""Start-up benchmark: what a person waits for, ONNX Runtime (the default) against today's
sentence-transformers path, in the same run on the same machine.

    .venv/bin/python bench/bench_startup.py [--rounds 3] [--encodes 200]

Per backend (EMBEDDING_BACKEND=sentence-transformers | onnx), each in its own fresh DATA_DIR and
real `privacy-bot` processes:
- first index: `privacy-bot index` on an empty DATA_DIR, wall time;
- ask: `privacy-bot ask "..."` on that index, wall time (median of --rounds);
- serve: `privacy-bot serve` start until /healthz answers 200 (median), and the peak RSS (VmHWM)
  of the serve process after 10 questions through /v1/ask;
and in this process: query encode p50/p95 over the golden questions, each backend.
Targets (issue 14): ask <= 2 s; serve ready <= 5 s; encode >= 2x faster; RSS <= 400 MB.
CPU seconds are printed beside wall seconds: on a loaded shared machine they estimate an idle one.
Prints figures; asserts nothing. The ONNX export itself happens once per environment (`make setup`).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import ServerDidNotStart, wait_until_up  # noqa: E402  (after the path is set)

BIN = Path(sys.executable).parent / "privacy-bot"
BACKENDS = ("sentence-transformers", "onnx")
TOKEN = "bench-token-0123456789abcdef"
QUESTION = "How is my data protected?"


def env_for(data_dir: Path, backend: str, **extra: str) -> dict:
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "DATA_DIR": str(data_dir),
            "KNOWLEDGE_DIR": str(ROOT / "knowledge"), "EMBEDDING_BACKEND": backend, "LOG_LEVEL": "WARNING",
            "HOST": "127.0.0.1", **extra}


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one `privacy-bot` run.

    On a shared machine the wall time grows with the load; the CPU time mostly does not, so it
    estimates the wall time of an idle machine (these commands are single-threaded for the most part)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"privacy-bot {' '.join(args)} failed: {done.stderr[-1500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_once(env: dict, questions: list[str]) -> tuple[float, float, float]:
    """Seconds from process start to /healthz 200, its CPU seconds, and the peak RSS (MB) after `questions`."""
    port = free_port()
    env = {**env, "PORT": str(port), "API_TOKENS": TOKEN}
    started = time.perf_counter()
    process = subprocess.Popen([str(BIN), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout_s=600, poll_s=0.02,
                          output=lambda: process.stderr.read().decode())
        except ServerDidNotStart as failed:
            raise SystemExit(f"serve did not start: {failed}") from None
        ready = time.perf_counter() - started
        ready_cpu = cpu_seconds(process.pid)
        for question in questions:
            httpx.post(f"http://127.0.0.1:{port}/v1/ask", json={"question": question},
                       headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60).raise_for_status()
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
        return ready, ready_cpu, peak_kb / 1024
    finally:
        process.terminate()
        process.wait(timeout=30)


def encode_latencies(backend: str, questions: list[str]) -> list[float]:
    from indexer.embedding import load_embeddings

    embeddings = load_embeddings(None, backend)
    embeddings.encode_query("warm up")
    out = []
    for question in questions:
        started = time.perf_counter()
        embeddings.encode_query(question)
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--encodes", type=int, default=200)
    args = parser.parse_args()
    golden = [item["question"] for item in yaml.safe_load((ROOT / "knowledge" / "golden.yaml").read_text())]
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in BACKENDS:
            data = Path(tmp) / backend
            env = env_for(data, backend)
            row = figures.setdefault(backend, {})
            row["first index s"], row["first index CPU s"] = timed(["index"], env)
            asks = [timed(["ask", QUESTION], env) for _ in range(args.rounds)]
            row["ask s"] = statistics.median(a[0] for a in asks)
            row["ask CPU s"] = statistics.median(a[1] for a in asks)
            runs = [serve_once(env, golden[:10]) for _ in range(args.rounds)]
            row["serve ready s"] = statistics.median(r[0] for r in runs)
            row["serve ready CPU s"] = statistics.median(r[1] for r in runs)
            row["serve peak RSS MB"] = max(r[2] for r in runs)
            print(f"{backend}: {row}", file=sys.stderr, flush=True)
    queries = (golden * (args.encodes // len(golden) + 1))[:args.encodes]
    for backend in BACKENDS:
        latencies = encode_latencies(backend, queries)
        figures[backend]["encode p50 ms"] = percentile(latencies, 0.5)
        figures[backend]["encode p95 ms"] = percentile(latencies, 0.95)

    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':22s} {'today (s-t)':>12s} {'onnx':>10s} {'ratio':>7s}  target")
    targets = {"ask s": "<= 2 s", "ask CPU s": "<= 2 s idle", "serve ready s": "<= 5 s", "encode p50 ms": ">= 2x faster",
               "serve peak RSS MB": "<= 400 MB"}
    for metric in figures["onnx"]:
        today, onnx = figures["sentence-transformers"][metric], figures["onnx"][metric]
        print(f"{metric:22s} {today:12.2f} {onnx:10.2f} {today / onnx:6.1f}x  {targets.get(metric, '')}")


if __name__ == "__main__":
    main()
