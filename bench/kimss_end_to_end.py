"""Kimss answer quality end to end, leave one author out: each training author's questions through `Assistant.ask`
answered by a ranker and verifier trained without that author.

    .venv/bin/python bench/kimss_end_to_end.py --policyqa-cache FILE [--models FILE] [--authors a,author-b]

The ranker's own cross-validated hit@1 measures section ranking; the issue's targets are about the answer
(`Assistant.ask`: router, policy facts, language guard, verifier, coverage rules, supporting citations).
This bench measures the answer the way bench/bench_heldout_kimss.py scores held-out questions, on the
Kimss training authors (bot/understanding/ranking/data/kimss_train*.yaml), each one left out in turn:
- ranker (adapter + pairwise model): `train.fit` on every question except the author's (PolicyQA and
  the other Kimss authors and the golden set), the shipped design;
- verifier: the shipped recipe without the author — rows from the 5-fold leave-policies-out rankers of
  `train.cross_validate`, the author's rows dropped, fold models averaged, threshold keeping
  KEEP_ANSWERABLE of the remaining authors' answerable questions out of fold. (The other authors' rows
  were scored by fold rankers that may have seen the author: a weak leak through ranker scores only.)
- router, follow-up detector, policy facts, language guard, coverage rules: the shipped ones. The router
  was trained on lines by the same authors (bot/understanding/data/authors/), so its part is in-sample
  for style; the bench prints how many of the questions are router corpus lines verbatim.
Baselines in the same run: the shipped artifacts on the same questions (in sample for ranker and verifier),
and the left-out ranker's own top section (what the ranker CV figure measures).
Prints per author and mean ± sd over authors, and every miss by the stage that lost it.
`--models` keeps the fitted per-author models (delete it when training data or features change).
Never reads tests/heldout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import coverage  # noqa: E402
from bot.assistant import OFF_TOPIC_TEXT, Assistant  # noqa: E402
from bot.gloss import english_reading, understood, unread  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.understanding.ranking import model as ranking_model  # noqa: E402
from bot.understanding.ranking import train as ranking_train  # noqa: E402
from bot.understanding.ranking import training  # noqa: E402
from bot.understanding.ranking.answerability import VERIFIER_FEATURES  # noqa: E402
from bot.understanding.ranking.features import RANKING_FEATURES  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

CONTACT = "Contact Information"


@dataclass
class Outcome:
    author: str
    question: str
    answerable: bool
    sections: list
    right: bool
    covered: bool  # the answer says the policy answers the question
    stage: str  # "right", or the stage that lost the answer
    ranker_top_right: bool  # the ranker's own top section is acceptable (answerable only)


def linear(params: dict, names, threshold: float = 0.0, adapter=None, word_evidence=None) -> ranking_model.LinearModel:
    return ranking_model.LinearModel(
        names=tuple(names), mean=np.asarray(params["mean"], dtype=np.float32),
        scale=np.asarray(params["scale"], dtype=np.float32), weights=np.asarray(params["weights"], dtype=np.float32),
        bias=float(params["bias"]), threshold=threshold, provenance={"bench": "leave-one-author-out"},
        adapter=None if adapter is None else (np.ascontiguousarray(adapter[0], dtype=np.float32),
                                              np.ascontiguousarray(adapter[1], dtype=np.float32)),
        word_evidence=word_evidence)


def fit_models(questions, authors: list[str], log) -> dict:
    """author -> (ranker LinearModel, verifier LinearModel), each trained without the author."""
    started = time.perf_counter()
    report = ranking_train.cross_validate(questions)  # 5 ranker fits: out-of-fold verifier rows for everyone
    log(f"verifier rows from the 5-fold rankers in {time.perf_counter() - started:.0f} s")
    x, y, w, groups, _ = report["verifier"]
    split = report["verifier_split"]
    models = {}
    for author in authors:
        started = time.perf_counter()
        keep = [q for q in questions if training.fold_group(q) != f"kimss:{author}"]
        adapter, ranker = ranking_train.fit(keep, ranking_train.RANKER_KIND, ranking_train.ADAPTER_RANK)
        rows = split != f"kimss:{author}"
        xs, ys, ws, gs = x[rows].copy(), y[rows], w[rows], groups[rows]
        missing = [m for m, r in zip(report["verifier_missing"], rows) if r]
        out_of_fold, fold_models = ranking_train.verifier_out_of_fold(xs, ys, ws, split[rows], missing)
        level = ranking_train.verifier_threshold(ys, gs, out_of_fold)
        verifier = ranking_train.averaged(fold_models)
        models[author] = (linear(ranker, RANKING_FEATURES, adapter=adapter),
                          linear(verifier, VERIFIER_FEATURES, float(np.log(level / (1 - level))),
                                 word_evidence=ranking_train.word_table(ys, split[rows], missing)))
        log(f"  models without {author}: {time.perf_counter() - started:.0f} s")
    return models


def data_key(policyqa_cache: Path) -> str:
    digest = hashlib.sha256(training.data_hash(*training.kimss_training_files(), training.GOLDEN).encode())
    digest.update(policyqa_cache.read_bytes()[:1 << 20])
    for path in ("bot/understanding/ranking/training.py", "bot/understanding/ranking/train.py",
                 "bot/understanding/ranking/features.py", "bot/understanding/ranking/answerability.py",
                 "bot/understanding/ranking/word_evidence.py", "bot/retrieval.py"):
        digest.update((ROOT / path).read_bytes())
    return digest.hexdigest()[:16]


def load_models(args, authors, embeddings, log) -> dict:
    key = data_key(args.policyqa_cache)
    if args.models and args.models.exists():
        stored = pickle.loads(args.models.read_bytes())
        if stored.get("key") == key and set(authors) <= set(stored["models"]):
            log(f"per-author models from {args.models}")
            return stored["models"]
        log(f"{args.models} is stale or lacks an author: refitting")
    questions = [q for q in pickle.loads(args.policyqa_cache.read_bytes()) if q.group != "kimss"]
    questions += training.extract_kimss(embeddings)
    models = fit_models(questions, authors, log)
    if args.models:
        args.models.write_bytes(pickle.dumps({"key": key, "models": models}))
    return models


class Using:
    """Serve `ranker` and `verifier` in place of the shipped artifacts while inside the block."""

    def __init__(self, ranker, verifier):
        self.models = ranker, verifier

    def __enter__(self):
        self.saved = ranking_model.ranker, ranking_model.verifier
        if self.models[0] is not None:
            ranking_model.ranker = lambda model_id=None: self.models[0]
            ranking_model.verifier = lambda model_id=None: self.models[1]

    def __exit__(self, *exc):
        ranking_model.ranker, ranking_model.verifier = self.saved


def ask_and_classify(assistant: Assistant, author: str, question: str, sections: list, answerable: bool) -> Outcome:
    """The answer, scored like bench_heldout_kimss.right, and the stage that decided it."""
    paths = []
    for name in ("_escalation", "_policy_fact", "_not_covered"):
        original = getattr(Assistant, name)

        def recorder(*a, _name=name, _original=original, **k):
            paths.append((_name, k.get("framing", True)))
            return _original(assistant, *a, **k)
        setattr(assistant, name, recorder)
    try:
        answer = assistant.ask(question, audience="employee")
    finally:
        for name in ("_escalation", "_policy_fact", "_not_covered"):
            delattr(assistant, name)
    first = answer.citations[0].section if answer.citations else None
    right = (answer.covered and first in sections) if answerable else not answer.covered
    loaded = assistant.retriever.current()
    vector = assistant.retriever.embeddings.encode_query(question)
    hits = assistant.retriever.search(question, "employee", query_vector=vector)
    top_right = bool(hits) and hits[0].meta["section"] in sections
    routed = english_reading(question)
    route = (assistant.router.route(routed.text_en, assistant.retriever.embeddings.encode_query(routed.text_en), glossed=True)
             if understood(routed) else assistant.router.route(question, vector))
    path = paths[0] if paths else ("_answer", True)
    if right:
        stage = "right"
    elif answer.answer == OFF_TOPIC_TEXT:
        stage = "declined: router off-topic/instruction" if route.action == "decline" else \
            "declined: not covered and no privacy word"
    elif path[0] == "_policy_fact":
        stage = "policy-fact path"
    elif path[0] == "_escalation" and path[1]:
        reading = english_reading(question)
        stage = "language guard escalated" if unread(reading) and not route.escalates else \
            f"router escalated ({route.reason})"
    elif path[0] == "_escalation" and answer.escalation is None and answer.citations:
        stage = "process-question path (answered from Contact)"
    elif not answer.covered:
        verifier = ranking_model.verifier(loaded.info.model)
        row = loaded.answerability_features(question, hits, "employee", verifier.word_evidence)
        passed = float(verifier.score(row[None, :])[0]) >= verifier.threshold
        ruled = coverage.ruled_out(row[None, :])[0]
        stage = ("coverage rule: fact missing" if coverage.lacks_facts(row[None, :])[0] else
                 "coverage rule: practice absent from document") if passed and ruled else \
            "verifier: not covered"
    elif answerable:
        stage = "ranker: wrong section first" if not top_right else "first citation differs from ranker top"
    else:
        stage = "verifier: covered"
    return Outcome(author, question, answerable, sections, right, answer.covered, stage, top_right)


def run(assistant, items, models, log) -> list[Outcome]:
    out = []
    for author in sorted({i[3] for i in items}):
        ranker, verifier = models.get(author, (None, None)) if models is not None else (None, None)
        if models is not None and ranker is None:
            continue
        started = time.perf_counter()
        with Using(ranker, verifier):
            for question, sections, answerable, who in items:
                if who == author:
                    out.append(ask_and_classify(assistant, author, question, sections, answerable))
        log(f"  {author}: {sum(i[3] == author for i in items)} questions in {time.perf_counter() - started:.0f} s")
    return out


def figures(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.answerable]
    not_covered = [o for o in outcomes if not o.answerable]
    mean = lambda v: float(np.mean(v)) if v else float("nan")  # noqa: E731
    return {"first citation right": mean([o.right for o in answerable]),
            "answerable kept": mean([o.covered for o in answerable]),
            "not covered recognised": mean([o.right for o in not_covered]),
            "ranker top section right": mean([o.ranker_top_right for o in answerable])}


def table(name: str, outcomes: list[Outcome], authors: list[str]) -> dict:
    print(f"\n### {name}\n\n| author | answerable | first citation right | answerable kept | not covered | "
          "recognised | ranker top section right |\n|---|---|---|---|---|---|---|")
    per = {}
    for author in authors:
        mine = [o for o in outcomes if o.author == author]
        f = figures(mine)
        per[author] = f
        print(f"| {author} | {sum(o.answerable for o in mine)} | {f['first citation right']:.3f} | "
              f"{f['answerable kept']:.3f} | {sum(not o.answerable for o in mine)} | "
              f"{f['not covered recognised']:.3f} | {f['ranker top section right']:.3f} |")
    summary = {}
    for key in ("first citation right", "answerable kept", "not covered recognised", "ranker top section right"):
        values = np.array([per[a][key] for a in authors])
        summary[key] = (float(values.mean()), float(values.std()), float(values.min()))
    print("| **mean ± sd (min)** | | " + " | ".join(
        f"{summary[k][0]:.3f} ± {summary[k][1]:.3f} ({summary[k][2]:.3f})" + (" |" if k == "answerable kept" else "")
        for k in summary) + " |")
    newest = [a for a in authors if a in NEWEST]
    if newest and len(newest) < len(authors):
        values = {k: np.mean([per[a][k] for a in newest]) for k in summary}
        print(f"| newest ({', '.join(newest)}): mean | | " + " | ".join(
            f"{values[k]:.3f}" + (" |" if k == "answerable kept" else "") for k in summary) + " |")
    pooled = figures(outcomes)
    print("| pooled | | " + " | ".join(f"{pooled[k]:.3f}" + (" |" if k == "answerable kept" else "")
                                      for k in pooled) + " |")
    return summary


def breakdown(name: str, outcomes: list[Outcome]) -> None:
    print(f"\n#### misses by stage, {name}\n\n| stage | answerable lost | not covered answered covered |\n|---|---|---|")
    lost = Counter(o.stage for o in outcomes if o.answerable and not o.right)
    wrong = Counter(o.stage for o in outcomes if not o.answerable and not o.right)
    for stage in sorted(set(lost) | set(wrong), key=lambda s: -(lost[s] + wrong[s])):
        print(f"| {stage} | {lost[stage]} | {wrong[stage]} |")
    print(f"| **total** | {sum(lost.values())} of {sum(o.answerable for o in outcomes)} | "
          f"{sum(wrong.values())} of {sum(not o.answerable for o in outcomes)} |")


# The stages of `ask_and_classify`, grouped by the part that owns them, for the per-author table.
STAGE_GROUPS = (("router", ("router escalated", "declined")), ("policy facts", ("policy-fact path",)),
                ("ranker", ("ranker:", "first citation differs")), ("verifier", ("verifier:",)),
                ("coverage rules", ("coverage rule",)), ("process path", ("process-question path",)),
                ("language guard", ("language guard",)))
NEWEST = ("writer-v7", "writer-v8", "author-n", "author-o")  # the most recent writers: fresh writers fall short most


def stage_group(stage: str) -> str:
    return next((name for name, prefixes in STAGE_GROUPS if stage.startswith(prefixes)), stage)


def by_author(outcomes: list[Outcome], authors: list[str]) -> None:
    """Every miss per author by the part that lost it (answerable lost | not covered answered covered), the
    newest writers last and apart: the stage a fresh writer loses answers at is where to look next."""
    names = [name for name, _ in STAGE_GROUPS]
    print("\n#### misses by stage and author (answerable lost / not covered answered covered)\n\n| author | "
          + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    ordered = [a for a in authors if a not in NEWEST] + [a for a in authors if a in NEWEST]
    for group, members in (("", [a for a in ordered if a not in NEWEST]), ("newest: ", [a for a in ordered if a in NEWEST]),
                           ("all", None)):
        for author in members if members is not None else [None]:
            mine = [o for o in outcomes if not o.right and (author is None or o.author == author)]
            lost = Counter(stage_group(o.stage) for o in mine if o.answerable)
            wrong = Counter(stage_group(o.stage) for o in mine if not o.answerable)
            label = f"**{group}**" if author is None else f"{group}{author}"
            print(f"| {label} | " + " | ".join(f"{lost[n]} / {wrong[n]}" for n in names) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policyqa-cache", type=Path, required=True,
                        help="the PolicyQA feature pickle written by `ranking.train --cache`")
    parser.add_argument("--models", type=Path, help="pickle of the fitted per-author models, reused when current")
    parser.add_argument("--authors", help="comma-separated authors (default: every Kimss training author)")
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped-artifacts baseline")
    parser.add_argument("--misses", type=Path, help="write every miss (author, question, stage) as JSON lines")
    args = parser.parse_args()
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    items = [i for i in training.kimss_items() if i[3] != "golden"]
    authors = sorted({i[3] for i in items})
    if args.authors:
        authors = [a for a in args.authors.split(",") if a in authors]
        items = [i for i in items if i[3] in authors]
    embeddings = load_embeddings(None)
    models = load_models(args, authors, embeddings, log)
    corpus = {json.loads(line)["text"].strip().lower() for line in
              (ROOT / "bot/understanding/data/corpus.jsonl").read_text().splitlines() if line.strip()}
    for path in (ROOT / "bot/understanding/data/authors").glob("*.jsonl"):
        corpus |= {json.loads(line)["text"].strip().lower() for line in path.read_text().splitlines() if line.strip()}
    with tempfile.TemporaryDirectory() as data:
        settings = Settings.from_mapping({"DATA_DIR": data, "KNOWLEDGE_DIR": str(ROOT / "knowledge")})
        build_index(settings, embeddings=embeddings)
        assistant = Assistant.from_settings(settings, embeddings=embeddings)
        log("leave-one-author-out:")
        held = run(assistant, items, models, log)
        shipped = [] if args.no_shipped else (log("shipped artifacts:") or run(assistant, items, None, log))
    print(f"Kimss training authors, each left out in turn: {len(items)} questions "
          f"({sum(i[2] for i in items)} answerable, {sum(not i[2] for i in items)} not covered), {len(authors)} authors; "
          f"{sum(i[0].strip().lower() in corpus for i in items)} of them are router corpus lines verbatim")
    summary = table("leave-one-author-out ranker and verifier (the honest figure)", held, authors)
    breakdown("leave-one-author-out", held)
    by_author(held, authors)
    if shipped:
        table("baseline: shipped ranker and verifier (trained on every author: in sample)", shipped, authors)
        breakdown("shipped", shipped)
    print("\nTargets (issue 11): first citation right ≥ 0.90, answerable kept ≥ 0.95, not covered recognised ≥ 0.85")
    print("summary " + json.dumps({k: [round(v, 4) for v in vals] for k, vals in summary.items()}))
    if args.misses:
        with args.misses.open("w") as out:
            for o in held:
                if not o.right:
                    out.write(json.dumps(o.__dict__) + "\n")


if __name__ == "__main__":
    main()
