"""Core benchmark: index build, no-change refresh, warm ask latency against the bare encode floor.

    .venv/bin/python bench/bench_core.py [--rounds 5]

Prints figures; asserts nothing. Targets (issue 2): ask p50 <= 1.3x a bare query encode;
a no-change re-index computes 0 embeddings.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.assistant import Assistant  # noqa: E402
from bot.settings import Settings  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.chunks import document_records  # noqa: E402
from indexer.documents import load_knowledge  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--backend", default="auto", choices=["auto", "onnx", "sentence-transformers"],
                        help="embedding backend (EMBEDDING_BACKEND); auto = ONNX Runtime for the bundled model")
    args = parser.parse_args()

    started = time.perf_counter()
    embeddings = load_embeddings(None, args.backend)
    print(f"model load: {time.perf_counter() - started:.2f} s")
    questions = [g["question"] for g in yaml.safe_load((ROOT / "knowledge" / "golden.yaml").read_text())]

    with tempfile.TemporaryDirectory() as data:
        settings = Settings.from_mapping({"DATA_DIR": data, "KNOWLEDGE_DIR": str(args.knowledge)})
        texts = [r.text for d in load_knowledge(args.knowledge).documents for r in document_records(d)]
        embeddings.embed_documents(texts[:8])  # warm the model before either timing
        t = time.perf_counter()
        embeddings.embed_documents(texts)
        raw_encode = time.perf_counter() - t

        full = build_index(settings, embeddings=embeddings)
        again = build_index(settings, embeddings=embeddings)
        print(f"records (chunks + sentences): {full.records}")
        print(f"full index: {full.seconds:.2f} s = {full.records / full.seconds:.0f} records/s; "
              f"raw encode of the same texts: {raw_encode:.2f} s = {len(texts) / raw_encode:.0f} texts/s")
        print(f"no-change re-index: {again.seconds:.3f} s, embeddings computed: {again.embeddings_computed}")

        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        for q in questions:  # warm caches, the loaded index and the tokenizer
            assistant.ask(q)
        encode_times, ask_times = [], []
        for _ in range(args.rounds):
            for q in questions:
                t = time.perf_counter()
                embeddings.encode_query(q)
                encode_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                assistant.ask(q)
                ask_times.append(time.perf_counter() - t)
        enc50, ask50, ask95 = (statistics.median(encode_times) * 1000, statistics.median(ask_times) * 1000,
                               percentile(ask_times, 0.95) * 1000)
        print(f"bare encode p50: {enc50:.2f} ms (the floor)")
        print(f"ask p50: {ask50:.2f} ms, p95: {ask95:.2f} ms over {len(ask_times)} asks; "
              f"p50 ratio to the floor: {ask50 / enc50:.2f}x (target <= 1.3x)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
