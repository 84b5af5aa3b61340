"""Study (not product): would a learned adjuster of the verifier's "covered" on follow-ups help?

    .venv/bin/python bench/followup_coverage_study.py [--replay FILE] [--reuse]

Why: leave-one-author-out over the training conversations (bench/eval_followup.py), most follow-up misses
are the verifier calling a rewritten follow-up answered where the policy is silent ("since when?", "is there
an email too?", "what version of TLS?" after a question the policy did answer): the rewrite carries the
previous, answered question's words. This replays every conversation through the product path (the
follow-up detector of each author's fold trained without that author, as in eval_followup), records for each
follow-up's last turn the verifier's margin on the question it judged and a few named features, then fits a
logistic regression leave-one-author-out and compares it with the verifier's own decision on the same items.
Features (each explainable): the verifier's margin; the first section is the one the previous answer cited
first; the previous turn was answered; the message brings a content word the section lacks; it brings none;
it asks when/how long/how fast; it asks "is there …". tests/heldout/ is never read. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_conversations import is_right  # noqa: E402
from bench.followup_data import golden_questions, load_all  # noqa: E402
from bench.train_followup import FEATURES, folds, weights_without  # noqa: E402
from bench.train_followup_coverage import standardised_fit  # noqa: E402
from bot import coverage  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.conversation import turn_of  # noqa: E402
from bot.followup_words import GENERIC_WORDS  # noqa: E402
from bot.lexical import STOPWORDS, tokenize  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.understanding.ranking import model as ranking_model  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

NAMES = ("margin", "same_section", "previous_answered", "new_word_missing", "no_new_word", "asks_when", "asks_is_there")
_WHEN = re.compile(r"\b(since when|when|how long|how fast|how soon|how quickly)\b", re.I)
_IS_THERE = re.compile(r"\bis there\b|\bare there\b|\bdo you have\b", re.I)


def replay(path: Path) -> None:
    """One JSON line per last turn: the judged question's verifier margin, sections, expectations."""
    judged: list[dict] = []
    original = coverage.judge

    def recording_judge(loaded, question, hits, audience, margin=None):
        verdict = original(loaded, question, hits, audience, margin)
        if hits:
            verifier = ranking_model.verifier(loaded.info.model)
            row = loaded.answerability_features(question, hits, audience, verifier.word_evidence)
            if margin is not None:
                row[coverage._MARGIN] = margin
            section = loaded.section_index[hits[0].section_id]
            judged.append({"margin": float(verifier.score(row[None, :])[0]) - verifier.threshold,
                           "first": hits[0].meta["section"], "tokens": sorted(loaded.section_tokens[section])})
        return verdict

    coverage.judge = recording_judge
    examples, _ = load_all()
    golden, _ = golden_questions()
    embeddings = load_embeddings(None)
    with tempfile.TemporaryDirectory() as data, path.open("w", encoding="utf-8") as out:
        settings = Settings.from_mapping({"DATA_DIR": data, "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        for _, test in folds(examples):
            assistant.followup_weights = dict(zip(FEATURES, weights_without(examples, golden, test)))
            for i in test:
                e = examples[i]
                context = []
                for question in e.turns[:-1]:
                    context.append(turn_of(assistant.ask(question, e.audience, context=list(context))))
                judged.clear()
                answer = assistant.ask(e.message, e.audience, context=context)
                out.write(json.dumps({
                    "author": e.author, "id": e.id, "kind": e.kind, "message": e.message,
                    "previous": context[-1].question, "previous_sections": list(context[-1].sections),
                    "previous_escalation": context[-1].escalation, "answering": answer.answering,
                    "escalation": answer.escalation.reason if answer.escalation else None,
                    "right": is_right(answer, e.expect, e.kind)[0], "expect": e.expect,
                    "judged": judged[-1] if judged else None}) + "\n")
    coverage.judge = original


def features(r: dict) -> list[float]:
    judged = r["judged"]
    earlier = set(tokenize(r["previous"] or ""))
    new = [t for t in tokenize(r["message"]) if t not in earlier and t not in GENERIC_WORDS and t not in STOPWORDS]
    same = bool(r["previous_sections"]) and judged["first"] == r["previous_sections"][0]
    return [judged["margin"], float(same), float(bool(r["previous_sections"]) and r["previous_escalation"] is None),
            float(any(t not in set(judged["tokens"]) for t in new)), float(not new),
            float(bool(_WHEN.search(r["message"]))), float(bool(_IS_THERE.search(r["message"])))]


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0):
    return standardised_fit(x, y, l2)


def covered(model, x: np.ndarray) -> np.ndarray:
    mean, scale, w = model
    return (np.c_[np.ones(len(x)), (x - mean) / scale] @ w) >= 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replay", type=Path, default=Path(tempfile.gettempdir()) / "followup_coverage_replay.jsonl")
    parser.add_argument("--reuse", action="store_true", help="read an earlier --replay file instead of replaying")
    args = parser.parse_args()
    if not args.reuse:
        replay(args.replay)
    rows = [json.loads(line) for line in args.replay.read_text(encoding="utf-8").splitlines()]
    # Follow-ups answered from the policy (not handed off) whose expectation says covered or not: where the
    # verifier's decision is the answer's.
    rows = [r for r in rows if r["kind"] == "follow_up" and r["answering"] and r["judged"]
            and r["escalation"] in (None, "not_covered") and "covered" in r["expect"]
            and r["expect"].get("escalation") in (None, "not_covered")]
    x = np.array([features(r) for r in rows])
    y = np.array([float(bool(r["expect"]["covered"])) for r in rows])
    authors = np.array([r["author"] for r in rows])
    verifier = x[:, 0] >= 0.0
    per_author = {}
    for author in sorted(set(authors)):
        test = authors == author
        model = fit(x[~test], y[~test])
        per_author[author] = (int((covered(model, x[test]) == y[test]).sum()), int((verifier[test] == y[test]).sum()),
                              int(test.sum()))
    adjuster, alone, n = (sum(v[k] for v in per_author.values()) for k in range(3))
    print(f"follow-ups judged by the verifier: {n}; covered decision right, leave-one-author-out: "
          f"adjuster {adjuster}, verifier {alone}")
    print(f"authors better {sum(v[0] > v[1] for v in per_author.values())}, "
          f"worse {sum(v[0] < v[1] for v in per_author.values())}")
    for author, (a, v, k) in per_author.items():
        print(f"  {author:10s} adjuster {a:3d}  verifier {v:3d}  of {k}")
    _, _, w = fit(x, y)
    print("weights (standardised), all authors: " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(("bias",) + NAMES, w)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
