"""Messages in other languages, leave one author out: the router reading the English gloss (bot/gloss.py) against
the design it replaces (the message routed as written, every message the old detector saw in another language
handed to a person), same script, same run, same folds.

    nice .venv/bin/python bench/bench_languages.py [--cache DIR]

Both designs are cross-validated over the training authors (train.validate: calibration, operating point,
the glossed lines' own escalation point) and their decisions compared:
- per author, on the lines in another language (old or new detector): requests escalated to a person,
  questions escalated (the wrong hand-offs), process questions offered, questions answered;
- the English lines (neither detector): how many decisions changed;
- every author's figures over all lines (mean ± sd), as `privacy-bot train-router` reports them.
"Before" is the shipped design of commit c0678af (its bot/language.py, read from git). Never reads tests/heldout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.gloss import english_reading, understood  # noqa: E402
from bot.understanding import train as training, validation  # noqa: E402
from bot.understanding.corpus import REQUEST_LABELS, load_corpus  # noqa: E402
from bot.understanding.policy import ACTIONS, decide_all  # noqa: E402
from indexer.embedding import load_embeddings  # noqa: E402

BEFORE_COMMIT = "c0678af"  # lead7 before this change: language guard of es/pt/fr/de/it, no gloss


def before_detector():
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE_COMMIT}:bot/language.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("language_before")
    exec(compile(source, "language_before.py", "exec"), module.__dict__)
    return module.looks_foreign


def decisions(v: training.Validated) -> np.ndarray:
    return np.array(ACTIONS)[decide_all(v.probs, v.point, v.guarded)[0]]


def tally(labels: list[str], actions: np.ndarray) -> dict[str, tuple[int, int]]:
    labels = np.array(labels)
    out = {}
    requests = np.isin(labels, REQUEST_LABELS)
    out["requests escalated"] = (int((actions[requests] == "escalate").sum()), int(requests.sum()))
    for label in REQUEST_LABELS:
        rows = labels == label
        out[f"  {label} escalated"] = (int((actions[rows] == "escalate").sum()), int(rows.sum()))
    q = labels == "question"
    out["questions escalated"] = (int((actions[q] == "escalate").sum()), int(q.sum()))
    out["questions answered"] = (int(np.isin(actions[q], ("answer", "offer")).sum()), int(q.sum()))
    p = labels == "process_question"
    out["process offered"] = (int((actions[p] == "offer").sum()), int(p.sum()))
    out["process escalated"] = (int((actions[p] == "escalate").sum()), int(p.sum()))
    d = np.isin(labels, ("off_topic", "instruction"))
    out["off-topic/instructions declined"] = (int((actions[d] == "decline").sum()), int(d.sum()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / ".data" / "router", help="embedding cache")
    args = parser.parse_args()
    examples = load_corpus()
    embeddings = load_embeddings(None)
    folds = validation.author_folds(examples)
    weight = np.ones(len(examples))
    old = before_detector()
    readings = [english_reading(e.text) for e in examples]
    old_foreign = np.array([old(e.text) for e in examples])
    new_foreign = np.array([r is not None for r in readings])
    glossed = np.array([understood(r) for r in readings])
    guard_after = new_foreign & ~glossed
    shares = np.array([r.known_share for r in readings if r is not None])
    print(f"Corpus {len(examples)} lines. In another language: before (old detector) {old_foreign.sum()}, now "
          f"{new_foreign.sum()} ({glossed.sum()} glossed and understood, {guard_after.sum()} to a person); gloss "
          f"share quartiles {np.quantile(shares, [0.25, 0.5, 0.75]).round(2).tolist()}")

    designs = {}
    for name, texts, forced, gl in (
            ("before", [e.text for e in examples], old_foreign, np.zeros(len(examples), dtype=bool)),
            ("after", training.routed_texts(examples), guard_after, glossed)):
        x = training.design(texts, training.embed(texts, embeddings, args.cache))
        v = training.validate(examples, x, folds, training.CONFIG, weight, forced=forced, glossed=gl)
        designs[name] = v
        print(f"{name}: escalate ≥ {v.point.escalate_at}, offer ≥ {v.point.offer_at}, process ≥ "
              f"{v.point.offer_process_at}, glossed lines escalate ≥ {v.foreign_escalate_at}, mean cost {v.mean_cost:.4f}")

    labels = [e.label for e in examples]
    authors = np.array([e.cv_author or "" for e in examples])
    acts = {name: decisions(v) for name, v in designs.items()}
    foreign = old_foreign | new_foreign
    print("\nLines in another language, per author (before → after, counts):")
    for author in folds.names:
        rows = (authors == author) & foreign
        if not rows.any():
            continue
        b = tally([l for l, r in zip(labels, rows) if r], acts["before"][rows])
        a = tally([l for l, r in zip(labels, rows) if r], acts["after"][rows])
        print(f"  {author} ({rows.sum()} lines):  " + "; ".join(
            f"{k.strip()} {b[k][0]}→{a[k][0]}/{b[k][1]}" for k in b if b[k][1]))
    rows = foreign & (authors != "")
    b = tally([l for l, r in zip(labels, rows) if r], acts["before"][rows])
    a = tally([l for l, r in zip(labels, rows) if r], acts["after"][rows])
    print(f"  all authors ({rows.sum()} lines):")
    for k in b:
        if b[k][1]:
            print(f"    {k:34s} {b[k][0]:4d} → {a[k][0]:4d} of {b[k][1]}")

    english = ~foreign
    changed = english & (acts["before"] != acts["after"])
    print(f"\nEnglish lines: {changed.sum()} of {english.sum()} decisions changed "
          f"({(changed & (authors != '')).sum()} of {(english & (authors != '')).sum()} authors' lines)")
    be = tally([l for l, r in zip(labels, english) if r], acts["before"][english])
    ae = tally([l for l, r in zip(labels, english) if r], acts["after"][english])
    for k in be:
        if be[k][1]:
            print(f"    {k:34s} {be[k][0]:5d} → {ae[k][0]:5d} of {be[k][1]}")

    # The share of the message the gloss must understand (gloss.GLOSS_MIN_SHARE): a stricter share hands the
    # glossed lines below it to a person. Mean cost (policy.COSTS) on the lines in another language.
    v = designs["after"]
    print("\nThe gloss share a message needs (lines in another language; below it: a person):")
    rows = foreign & (authors != "")
    truth = [l for l, r in zip(labels, rows) if r]
    share = np.array([r.known_share if r is not None else 0.0 for r in readings])
    for needed in (0.6, 0.7, 0.8, 0.9, 1.01):
        forced = v.guarded | (new_foreign & (share < needed))
        actions = np.array(ACTIONS)[decide_all(v.probs, v.point, forced)[0]][rows]
        t = tally(truth, actions)
        cost = training.total_cost(v.probs[rows], truth, v.point, decided=decide_all(v.probs[rows], v.point, forced[rows]))
        print(f"  share ≥ {needed:.2f}: mean cost {cost:.3f}; " + "; ".join(
            f"{k.strip()} {t[k][0]}/{t[k][1]}" for k in ("requests escalated", "questions escalated", "process offered")))

    print("\nEvery author's lines (leave one author out, mean ± sd over authors; wins/losses of after vs before):")
    reports = {name: training.report(examples, v) for name, v in designs.items()}
    for key in ("data_request.escalated", "security.escalated", "user_request.escalated", "question.escalated",
                "process_question.offered"):
        sb, sa = reports["before"]["summary"][key], reports["after"]["summary"][key]
        fb, fa = reports["before"]["folds"], reports["after"]["folds"]
        better_high = key != "question.escalated"
        wins = sum((fa[n][key] > fb[n][key]) == better_high and fa[n][key] != fb[n][key] for n in fb if key in fb[n])
        losses = sum((fa[n][key] < fb[n][key]) == better_high and fa[n][key] != fb[n][key] for n in fb if key in fb[n])
        newest = "  ".join(f"{n} {fb[n][key]:.3f}→{fa[n][key]:.3f}" for n in ("writer-v7", "writer-v8") if n in fb)
        print(f"  {key:28s} {sb['mean']:.3f} ± {sb['std']:.3f} → {sa['mean']:.3f} ± {sa['std']:.3f}  "
              f"(better {wins}, worse {losses})  {newest}")


if __name__ == "__main__":
    main()
