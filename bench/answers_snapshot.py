"""Save every answer to a fixed set of questions, or compare two saved runs: a speed change must not
change an answer.

    .venv/bin/python bench/answers_snapshot.py save shipped.json                 # shipped policy
    .venv/bin/python bench/answers_snapshot.py save pqa100.json --policyqa ../shared/datasets/policyqa/dev.json \
        --documents 100 [--workdir DIR]    # 100-document corpus (bench_core's); DIR keeps the index for reuse
    .venv/bin/python bench/answers_snapshot.py compare before.json after.json

Questions: on the shipped policy, the golden set and the Kimss ranking-training questions, each asked
as employee and as customer (the held-out set is left alone: it is never used to decide anything);
on the PolicyQA corpus, every dev question. Saved per answer: what a user sees (`Answer.to_dict()`:
text, covered, citations with quotes, escalation, offer) plus the unrounded confidence and citation
scores, so a comparison also tells whether the arithmetic stayed bit-for-bit the same. Run `save` on
the tree before a change and on the tree after it, with the same artifacts, then `compare`. For the
bit-for-bit comparison give both runs the same PYTHONHASHSEED (e.g. 0): the order of a question's
synonym expansions follows set order, which moves BM25 sums by a last float32 bit from one process to
the next (confidences then differ around the 9th digit, answers do not).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402

# What a user sees; anything else that differs is reported as arithmetic only.
VISIBLE = ("answer", "covered", "citations", "escalation", "offer", "answering")


def shipped_questions() -> list[tuple[str, str]]:
    questions = [g["question"] for g in yaml.safe_load((ROOT / "knowledge" / "golden.yaml").read_text())]
    for path in sorted((ROOT / "bot" / "understanding" / "ranking" / "data").glob("kimss_train*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        for group in data.values():
            questions += [item["question"] for item in group or [] if isinstance(item, dict) and "question" in item]
    unique = list(dict.fromkeys(q.strip() for q in questions if q and q.strip()))
    return [(q, audience) for q in unique for audience in ("employee", "customer")]


def save(args) -> None:
    from bot.assistant import Assistant
    from bot.errors import InputRejected
    from bot.settings import Settings
    from indexer.build import build_index
    from indexer.embedding import load_embeddings

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp())
    knowledge = ROOT / "knowledge"
    asked = shipped_questions()
    if args.policyqa:
        from bench_core import policyqa_corpus
        from bot.understanding.ranking.policyqa import load_policies

        knowledge = workdir / "knowledge"
        if not knowledge.exists():
            knowledge, _ = policyqa_corpus(Path(args.policyqa), args.documents, workdir)
        asked = [(q, "customer") for p in load_policies(Path(args.policyqa)) for q in p["questions"]]
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    settings = Settings.from_mapping({"DATA_DIR": str(workdir / "data"), "KNOWLEDGE_DIR": str(knowledge)})
    embeddings = load_embeddings(None, args.backend)
    build_index(settings, embeddings=embeddings)  # no work when workdir already holds this index
    assistant = Assistant.from_settings(settings, embeddings=embeddings)
    out = []
    for question, audience in asked:
        try:
            answer = assistant.ask(question, audience)
        except InputRejected as rejected:
            out.append({"question": question, "audience": audience, "rejected": str(rejected)})
            continue
        out.append({**answer.to_dict(), "confidence_exact": repr(float(answer.confidence)),
                    "scores_exact": [repr(float(c.score)) for c in answer.citations]})
    Path(args.file).write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print(f"{len(out)} answers saved to {args.file}")


def compare(args) -> None:
    before, after = (json.loads(Path(f).read_text()) for f in (args.before, args.after))
    if [(a["question"], a["audience"]) for a in before] != [(a["question"], a["audience"]) for a in after]:
        sys.exit("the two files do not hold the same questions")
    visible = [(b, a) for b, a in zip(before, after) if any(b.get(k) != a.get(k) for k in VISIBLE + ("rejected",))]
    arithmetic = [(b, a) for b, a in zip(before, after) if b != a]
    for b, a in visible[:10]:
        print(f"DIFFERENT ({b['audience']}): {b['question']!r}\n  before: {b.get('answer')!r}\n  after:  {a.get('answer')!r}")
    print(f"{len(before)} answers; visibly different: {len(visible)}; "
          f"different in any number (confidence, scores): {len(arithmetic)}")
    sys.exit(1 if visible else 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save")
    s.add_argument("file")
    s.add_argument("--policyqa", help="PolicyQA dev.json: ask its questions of a corpus of --documents")
    s.add_argument("--documents", type=int, default=100)
    s.add_argument("--workdir", help="where the corpus and its index are kept (reused when present)")
    s.add_argument("--backend", default="auto", choices=["auto", "onnx", "sentence-transformers"])
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    args = parser.parse_args()
    save(args) if args.command == "save" else compare(args)


if __name__ == "__main__":
    main()
