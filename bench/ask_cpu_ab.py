"""Paired A/B of the ask's own CPU time at 100 documents: two source trees, one worker process each.

    .venv/bin/python bench/ask_cpu_ab.py TREE_A TREE_B --policyqa ../shared/datasets/policyqa/dev.json \
        --workdir DIR [--rounds 6]

DIR is a `bench_core.py --policyqa … --workdir DIR` directory (its 100-document index is reused, not
rebuilt). Each worker loads its tree's Assistant on that index; the parent asks both the same
question alternately (which goes first alternates too). Before each ask a worker runs the real
query encode — the ask then meets the caches as the encode leaves them, as in `bench_core` — and
the ask itself gets the question's vector without encoding, so its thread CPU time is the work
beyond the encode. Per question the minimum over the rounds; printed: the median over questions
per tree and the median (with IQR) of the paired differences B − A.

Why thread CPU time: on the shared 2-core machine wall-clock figures move by more than a change is
worth, while a thread's CPU time barely moves with the load. Why in process and after a real encode:
micro-benchmarks of a piece alone disagreed with this in sign (a piece faster alone was slower in
the ask, its data cold after the encode). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

def worker(tree: str, workdir: Path, dataset: Path) -> None:
    sys.path.insert(0, tree)
    sys.path.insert(0, str(Path(tree) / "bench"))
    from bench_core import policyqa_corpus  # the tree's own corpus writer: the same 100 documents

    from bot.assistant import Assistant
    from bot.settings import Settings
    from indexer.embedding import load_embeddings

    knowledge, questions = policyqa_corpus(dataset, 100, workdir)
    settings = Settings.from_mapping({"DATA_DIR": str(workdir / "data"), "KNOWLEDGE_DIR": str(knowledge)})
    embeddings = load_embeddings(None, "auto")
    assistant = Assistant.from_settings(settings, embeddings=embeddings)
    for question in questions:
        assistant.ask(question)
    encode = embeddings.encode_query
    vectors = {q: encode(q) for q in questions}
    embeddings.encode_query = vectors.__getitem__  # the ask's own encode: the vector, already computed
    print(len(questions), flush=True)
    for line in sys.stdin:
        question = questions[int(line)]
        encode(question)  # a real encode first: the caches as an ask finds them
        started = time.thread_time()
        assistant.ask(question)
        print(time.thread_time() - started, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree_a")
    parser.add_argument("tree_b")
    parser.add_argument("--workdir", type=Path, required=True, help="a bench_core --workdir with the 100-document index")
    parser.add_argument("--policyqa", type=Path, required=True, help="PolicyQA dev.json (as for bench_core)")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.workdir, args.policyqa)
        return
    trees = [str(Path(t).resolve()) for t in (args.tree_a, args.tree_b)]
    processes, counts = [], set()
    for tree in trees:  # one after the other: each rewrites the same corpus files before loading
        processes.append(subprocess.Popen([sys.executable, __file__, "x", "x", "--workdir", str(args.workdir),
                                           "--policyqa", str(args.policyqa), "--worker", tree],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        ready = processes[-1].stdout.readline()
        if not ready:
            raise SystemExit(f"the worker for {tree} did not start (its error is above)")
        counts.add(int(ready))
    if len(counts) != 1:
        raise SystemExit("the two trees ask different questions")
    n = counts.pop()
    best = [[float("inf")] * n for _ in trees]
    for r in range(args.rounds):
        for i in range(n):
            for k in ((0, 1) if (i + r) % 2 == 0 else (1, 0)):
                processes[k].stdin.write(f"{i}\n")
                processes[k].stdin.flush()
                best[k][i] = min(best[k][i], float(processes[k].stdout.readline()))
    for p in processes:
        p.stdin.close()
        p.wait()
    a, b = (statistics.median(times) * 1000 for times in best)
    differences = sorted((y - x) * 1000 for x, y in zip(*best))
    quartile = len(differences) // 4
    print(f"ask CPU beyond the encode, median over {n} questions of the per-question minimum of {args.rounds} rounds:")
    print(f"A {a:.3f} ms   B {b:.3f} ms   B/A {b / a:.3f}   paired B-A median {statistics.median(differences):+.3f} ms "
          f"(IQR {differences[quartile]:+.3f} .. {differences[-quartile - 1]:+.3f})")


if __name__ == "__main__":
    main()
