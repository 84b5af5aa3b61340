"""Core benchmark: index build, no-change refresh, warm ask latency against the bare encode floor.

    .venv/bin/python bench/bench_core.py [--rounds 5]
    .venv/bin/python bench/bench_core.py --policyqa ../shared/datasets/policyqa/dev.json --documents 100 [--workdir DIR]

Prints figures; asserts nothing. Targets (issues 2 and 11): ask p50 <= 1.5x a bare query encode,
on the shipped policy and at 100 documents; a no-change re-index computes 0 embeddings.
The 100-document case is the 20 PolicyQA dev policies, each written five times under different
titles (so 100 documents of real policy text), asked 100 of their questions. Its index takes minutes
to build on 2 cores: `--workdir DIR` keeps the corpus and the index there, and a later run with the
same DIR reuses them (its "full index" line is then a no-change refresh); the ask figures are the same.
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
    parser.add_argument("--policyqa", type=Path, help="PolicyQA dev.json: build a corpus of --documents from it")
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here; reuse them when present")
    parser.add_argument("--backend", default="auto", choices=["auto", "onnx", "sentence-transformers"],
                        help="embedding backend (EMBEDDING_BACKEND); auto = ONNX Runtime for the bundled model")
    args = parser.parse_args()

    started = time.perf_counter()
    embeddings = load_embeddings(None, args.backend)
    print(f"model load: {time.perf_counter() - started:.2f} s")
    questions = [g["question"] for g in yaml.safe_load((ROOT / "knowledge" / "golden.yaml").read_text())]
    corpus = tempfile.TemporaryDirectory()
    workdir = args.workdir or Path(corpus.name)
    if args.policyqa:
        args.knowledge, questions = policyqa_corpus(args.policyqa, args.documents, workdir)

    with tempfile.TemporaryDirectory() as scratch:
        data = str(workdir / "data") if args.workdir else scratch
        settings = Settings.from_mapping({"DATA_DIR": data, "KNOWLEDGE_DIR": str(args.knowledge)})
        texts = [r.text for d in load_knowledge(args.knowledge).documents for r in document_records(d)]
        embeddings.embed_documents(texts[:8])  # warm the model before either timing
        t = time.perf_counter()
        if not args.policyqa:  # at 100 documents this alone takes minutes; the index build says enough
            embeddings.embed_documents(texts)
        raw_encode = time.perf_counter() - t

        full = build_index(settings, embeddings=embeddings)
        again = build_index(settings, embeddings=embeddings)
        print(f"documents: {len(list(args.knowledge.glob('*.md')))}; records (chunks + sentences): {full.records}")
        print(f"full index: {full.seconds:.2f} s = {full.records / full.seconds:.0f} records/s" + (
              "" if args.policyqa else
              f"; raw encode of the same texts: {raw_encode:.2f} s = {len(texts) / raw_encode:.0f} texts/s"))
        print(f"no-change re-index: {again.seconds:.3f} s, embeddings computed: {again.embeddings_computed}")

        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        for q in questions:  # warm caches, the loaded index and the tokenizer
            assistant.ask(q)
        encode_times, ask_times = [], []
        for _ in range(args.rounds):
            for q in questions:
                t = time.perf_counter()
                embeddings.encode_query(q)  # the query encode of the backend in use: the floor
                encode_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                assistant.ask(q)
                ask_times.append(time.perf_counter() - t)
        enc50, ask50, ask95 = (statistics.median(encode_times) * 1000, statistics.median(ask_times) * 1000,
                               percentile(ask_times, 0.95) * 1000)
        print(f"bare encode p50: {enc50:.2f} ms (the floor)")
        print(f"ask p50: {ask50:.2f} ms, p95: {ask95:.2f} ms over {len(ask_times)} asks; "
              f"p50 ratio to the floor: {ask50 / enc50:.2f}x (target <= 1.5x)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def policyqa_corpus(dataset: Path, documents: int, directory: Path) -> tuple[Path, list[str]]:
    from bot.understanding.ranking.policyqa import load_policies, write_policy

    policies = load_policies(dataset)
    knowledge = directory / "knowledge"
    knowledge.mkdir(parents=True, exist_ok=True)
    for i in range(documents):
        policy = dict(policies[i % len(policies)])
        policy["title"] = f"{policy['title']} (copy {i // len(policies) + 1})"
        write_policy(policy, knowledge, name=f"policy-{i:03d}.md")
    questions = [q for p in policies for q in list(p["questions"])[:5]][:100]
    return knowledge, questions


if __name__ == "__main__":
    main()
