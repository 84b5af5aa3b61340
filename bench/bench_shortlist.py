"""How many sections each first-stage signal keeps at 100 documents (bot/retrieval.py SHORTLIST_SIZES).

    .venv/bin/python bench/bench_shortlist.py ../shared/datasets/policyqa/dev.json [--workdir DIR]

Beyond SHORTLIST sections, only the sections near the top by chunk cosine, adapted cosine or BM25 are
scored in full. For several (chunk, adapted, BM25) sizes this prints how often the four best sections
(and the best one) are the ones scoring every section gives, the sections scored per ask and the rank
time, on bench_core's 100-document corpus (the 20 PolicyQA dev policies, five copies each; copies of a
section count as the same section). Questions: 40 per policy that bench_core does not ask (PolicyQA dev is
training data; no held-out set is read). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from bench_core import policyqa_corpus  # noqa: E402
from bot import retrieval  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.understanding.ranking import model as ranking_model  # noqa: E402
from bot.understanding.ranking.policyqa import load_policies  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

CANDIDATES = [(50, 50, 50), (30, 50, 30), (20, 50, 20), (20, 50, 10), (30, 40, 20), (20, 30, 20)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--workdir", type=Path, help="bench_core's --workdir: reuse its corpus and index")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    workdir = args.workdir or Path(scratch.name)
    knowledge, _ = policyqa_corpus(args.dataset, 100, workdir)
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    settings = Settings.from_mapping({"DATA_DIR": str(workdir / "data"), "KNOWLEDGE_DIR": str(knowledge)})
    embeddings = load_embeddings(None, "auto")
    build_index(settings, embeddings=embeddings)  # no work when the workdir holds it already
    loaded = Assistant.from_settings(settings, embeddings=embeddings).retriever.current()
    ranker = ranking_model.ranker(loaded.info.model)
    questions = [q for p in load_policies(args.dataset) for q in list(p["questions"])[5:45]]
    vectors = [embeddings.encode_query(q) for q in questions]
    copies = len(load_policies(args.dataset))

    def same_section(section_id: str) -> str:  # the five copies of a policy hold the same sections
        return re.sub(r"policy-(\d+)", lambda m: f"p{int(m.group(1)) % copies}", section_id)

    def ranked(sizes) -> tuple[list[list[str]], float, float]:
        scored, times = [], []
        original = retrieval.shortlist

        def counting(signals, _sizes):
            keep = original(signals, sizes) if sizes else None  # None: every section is scored
            scored.append(signals.shape[1] if keep is None else len(keep))
            return keep

        retrieval.shortlist = counting
        try:
            tops = []
            for vector, question in zip(vectors, questions):
                started = time.perf_counter()
                hits = loaded.rank(vector, question, "employee", limit=4, ranker=ranker)
                times.append(time.perf_counter() - started)
                tops.append([same_section(h.section_id) for h in hits])
        finally:
            retrieval.shortlist = original
        return tops, statistics.median(scored), statistics.median(times) * 1000

    every, _, every_ms = ranked(None)
    print(f"{len(questions)} questions; every section scored: rank p50 {every_ms:.2f} ms")
    print("| sizes (chunk, adapted, BM25) | sections scored p50 | best the same | top 4 the same | rank p50 ms |")
    print("|---|---|---|---|---|")
    for sizes in CANDIDATES:
        tops, scored, ms = ranked(sizes)
        best = np.mean([t[0] == e[0] for t, e in zip(tops, every)])
        four = np.mean([t == e for t, e in zip(tops, every)])
        marker = " (shipped)" if tuple(sizes) == tuple(retrieval.SHORTLIST_SIZES) else ""
        print(f"| {sizes}{marker} | {scored:.0f} | {best:.3f} | {four:.3f} | {ms:.2f} |")


if __name__ == "__main__":
    main()
