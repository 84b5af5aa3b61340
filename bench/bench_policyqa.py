"""Retrieval quality on real privacy policies (PolicyQA dev), beside dense-only and BM25-only baselines.

    .venv/bin/python bench/bench_policyqa.py ../shared/datasets/policyqa/dev.json [--limit N]

Each policy becomes one Markdown document (one section per paragraph) indexed by the project's own
indexer into its own store; every distinct question of that policy is ranked by the project's own
retrieval (the ranking `Assistant.ask` cites from). Gold = the paragraphs that carry the question.
The baselines run in the same process on the same paragraphs: the same model with plain cosine
top-k over paragraph embeddings, and Okapi BM25 over plain lowercase word tokens.
Not part of CI; the dataset stays in ../shared.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.assistant import Assistant  # noqa: E402
from bot.lexical import BM25, STOPWORDS  # noqa: E402
from bot.settings import Settings  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

KS = (1, 3, 5)


def load_policies(path: Path) -> list[dict]:
    """[{title, paragraphs: [text], questions: {question: {gold paragraph indexes}}}]"""
    policies = []
    for doc in json.loads(path.read_text())["data"]:
        questions: dict[str, set[int]] = defaultdict(set)
        paragraphs = []
        for i, paragraph in enumerate(doc["paragraphs"]):
            paragraphs.append(" ".join(paragraph["context"].split()))
            for qa in paragraph["qas"]:
                questions[qa["question"].strip()].add(i)
        policies.append({"title": doc["title"], "paragraphs": paragraphs, "questions": dict(questions)})
    return policies


def write_policy(policy: dict, directory: Path) -> None:
    lines = [f"---\ntitle: {json.dumps(policy['title'])}\n---\n", f"# {policy['title']}\n"]
    for i, text in enumerate(policy["paragraphs"]):
        lines.append(f"## Paragraph {i + 1}\n\n{text}\n")
    (directory / "policy.md").write_text("\n".join(lines))


def paragraph_of(section_id: str) -> int:
    return int(re.search(r"#paragraph-(\d+)", section_id).group(1)) - 1


class Scores:
    def __init__(self):
        self.hits = {k: 0 for k in KS}
        self.reciprocal = 0.0
        self.n = 0

    def add(self, ranking: list[int], gold: set[int]) -> None:
        self.n += 1
        for k in KS:
            self.hits[k] += bool(set(ranking[:k]) & gold)
        rank = next((i for i, p in enumerate(ranking) if p in gold), None)
        self.reciprocal += 0 if rank is None else 1 / (rank + 1)

    def row(self, name: str) -> str:
        cells = " | ".join(f"{self.hits[k] / self.n:.3f}" for k in KS)
        return f"| {name} | {cells} | {self.reciprocal / self.n:.3f} |"


def plain_tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--limit", type=int, help="only the first N policies")
    parser.add_argument("--backend", default="auto", choices=["auto", "onnx", "sentence-transformers"],
                        help="embedding backend (EMBEDDING_BACKEND); auto = ONNX Runtime for the bundled model")
    args = parser.parse_args()

    embeddings = load_embeddings(None, args.backend)
    policies = load_policies(args.dataset)[: args.limit]
    product, dense, lexical = Scores(), Scores(), Scores()
    ask_seconds = index_seconds = 0.0
    asked = 0
    for policy in policies:
        with tempfile.TemporaryDirectory() as tmp:
            knowledge = Path(tmp) / "knowledge"
            knowledge.mkdir()
            write_policy(policy, knowledge)
            settings = Settings.from_mapping({"DATA_DIR": str(Path(tmp) / "data"), "KNOWLEDGE_DIR": str(knowledge)})
            report = build_index(settings, embeddings=embeddings)
            index_seconds += report.seconds
            assistant = Assistant.from_settings(settings, embeddings=embeddings)

            vectors = np.asarray(embeddings.embed_documents(policy["paragraphs"]), dtype=np.float32)
            bm25 = BM25([plain_tokens(p) for p in policy["paragraphs"]])
            for question, gold in policy["questions"].items():
                started = time.perf_counter()
                assistant.ask(question)
                ask_seconds += time.perf_counter() - started
                ranking = [paragraph_of(h.section_id) for h in assistant.retriever.search(question, "employee")]
                asked += 1
                product.add(ranking, gold)
                q = embeddings.encode_query(question)
                dense.add(list(np.argsort(-(vectors @ q))), gold)
                lexical.add(list(np.argsort(-bm25.scores({t: 1.0 for t in plain_tokens(question)}))), gold)
        print(f"  {policy['title']}: {len(policy['paragraphs'])} paragraphs, {len(policy['questions'])} questions",
              file=sys.stderr)

    print(f"\nPolicyQA dev: {len(policies)} policies, {asked} distinct questions\n")
    print("| retrieval | hit@1 | hit@3 | hit@5 | MRR |\n|---|---|---|---|---|")
    print(product.row("Kimss assistant (hybrid)"))
    print(dense.row("dense only (same model, cosine)"))
    print(lexical.row("BM25 only"))
    best5 = max(dense.hits[5], lexical.hits[5]) / asked
    best_mrr = max(dense.reciprocal, lexical.reciprocal) / asked
    print(f"\nover the better baseline: hit@5 {product.hits[5] / asked - best5:+.4f}, "
          f"MRR {product.reciprocal / asked - best_mrr:+.4f} (goal: +0.10 and +0.05)")
    print(f"index: {index_seconds:.1f} s in all; ask: {asked / ask_seconds:.1f} questions/s")


if __name__ == "__main__":
    main()
