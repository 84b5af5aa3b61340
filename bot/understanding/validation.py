"""How the router is validated: which lines are held out together, and the figures per held-out part.

Two splits of the training corpus, both producing out-of-fold predictions for every line:

    family_folds   5 folds grouped by family (a template's siblings, a hand-written line's renderings,
                   a public policy), stratified by label: a paraphrase never meets its sibling.
    author_folds   one fold per author (leave one author out): every line of an author is predicted
                   by a model trained on the *other* authors only. This is the figure that says how the
                   router does on people who did not write its corpus, and what training chooses C,
                   the temperature and the operating point on. The public questions, the team's
                   lines and small authors (< MIN_AUTHOR_LINES lines) are not a fold: each of their
                   source groups (a website's policy, an app, a team item, a family) goes whole to one
                   author fold, the largest groups first to the fold with
                   the fewest such lines, so every fold also tests plain questions.

With fewer than two such authors there is nothing to leave out: `author_folds` returns None and training
falls back to the family folds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.understanding.corpus import LABELS, REQUEST_LABELS, Example
from bot.understanding.policy import ACTIONS, OperatingPoint, decide_all

FAMILY_FOLDS = 5
SEED = 0
# An author of a handful of lines is not a fold of its own (holding out the big authors would leave too
# little to train on, and its figures would be noise): such lines are spread by group like public ones.
MIN_AUTHOR_LINES = 100


@dataclass
class Folds:
    kind: str  # "author" or "family"
    index: np.ndarray  # fold of each line
    names: list[str]  # name of each fold: the held-out author, or "fold 1".."fold 5"


def family_folds(examples: list[Example]) -> Folds:
    from sklearn.model_selection import StratifiedGroupKFold

    index = np.zeros(len(examples), dtype=int)
    splitter = StratifiedGroupKFold(n_splits=FAMILY_FOLDS, shuffle=True, random_state=SEED)
    top = [e.label for e in examples]
    for n, (_, test_rows) in enumerate(splitter.split(np.zeros(len(examples)), top, [e.group for e in examples])):
        index[test_rows] = n
    return Folds("family", index, [f"fold {n + 1}" for n in range(FAMILY_FOLDS)])


def fold_authors(examples: list[Example]) -> list[str]:
    """The authors held out one at a time: those with at least MIN_AUTHOR_LINES lines."""
    counts: dict[str, int] = {}
    for e in examples:
        if e.cv_author:
            counts[e.cv_author] = counts.get(e.cv_author, 0) + 1
    return sorted(a for a, n in counts.items() if n >= MIN_AUTHOR_LINES)


def author_folds(examples: list[Example]) -> Folds | None:
    authors = fold_authors(examples)
    if len(authors) < 2:
        return None
    index = np.full(len(examples), -1, dtype=int)
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(examples):
        if e.cv_author in authors:
            index[i] = authors.index(e.cv_author)
        else:
            groups.setdefault(e.group, []).append(i)
    spread = np.zeros(len(authors), dtype=int)
    # Largest groups first, each to the fold with the fewest such lines; ties by name: deterministic.
    for group, rows in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        fold = int(np.argmin(spread))
        index[rows] = fold
        spread[fold] += len(rows)
    return Folds("author", index, authors)


def cross_validate(x, fine: list[str], folds: Folds, fit, logits, weight: np.ndarray | None = None) -> np.ndarray:
    """Out-of-fold logits (lines × sorted fine classes). `fit(x, y, weight) -> model`, `logits(model, x)`."""
    classes = sorted(set(fine))
    y = np.array(fine)
    oof = np.zeros((len(fine), len(classes)))
    for n in range(len(folds.names)):
        test_rows = np.flatnonzero(folds.index == n)
        train_rows = np.flatnonzero(folds.index != n)
        if not len(test_rows):
            continue
        model = fit(x[train_rows], y[train_rows], None if weight is None else weight[train_rows])
        known = [str(c) for c in model.classes_]
        columns = [classes.index(c) for c in known]
        oof[np.ix_(test_rows, columns)] = logits(model, x[test_rows])
        missing = [i for i, c in enumerate(classes) if c not in known]
        oof[np.ix_(test_rows, missing)] = -1e9  # a class absent from a fold's training part is never predicted
    return oof


def figures(probs: np.ndarray, top: list[str], point: OperatingPoint,
            forced: np.ndarray | None = None) -> dict[str, float]:
    """Per label precision/recall of the most probable label, and the decisions at `point` (`forced`:
    rows escalated whatever the router says, as `policy.decide_all`)."""
    truth = np.array(top)
    predicted = np.array(LABELS)[np.argmax(probs, axis=1)]
    actions = np.array(ACTIONS)[decide_all(probs, point, forced)[0]]
    out: dict[str, float] = {}
    for label in LABELS:
        t, p = truth == label, predicted == label
        if t.any():
            out[f"{label}.recall"] = float((t & p).sum() / t.sum())
        if p.any() and t.any():
            out[f"{label}.precision"] = float((t & p).sum() / p.sum())
    for label in REQUEST_LABELS:
        t = truth == label
        if t.any():
            out[f"{label}.escalated"] = float((actions[t] == "escalate").mean())
    for label, action, name in (("question", "escalate", "question.escalated"),
                                ("process_question", "offer", "process_question.offered"),
                                ("process_question", "escalate", "process_question.escalated")):
        t = truth == label
        if t.any():
            out[name] = float((actions[t] == action).mean())
    return out


def fold_figures(probs: np.ndarray, top: list[str], folds: Folds, point: OperatingPoint,
                 rows_of_fold=None, forced: np.ndarray | None = None) -> dict:
    """`figures` per fold, then mean, std, min and max across folds. `rows_of_fold(n) -> bool mask` picks
    which of a fold's lines count (default: all of them)."""
    per_fold: dict[str, list[float]] = {}
    by_fold: dict[str, dict[str, float]] = {}
    for n, name in enumerate(folds.names):
        rows = folds.index == n if rows_of_fold is None else rows_of_fold(n)
        if not rows.any():
            continue
        found = figures(probs[rows], [t for t, r in zip(top, rows) if r], point,
                        None if forced is None else forced[rows])
        by_fold[name] = {k: round(v, 4) for k, v in found.items()}
        for k, v in found.items():
            per_fold.setdefault(k, []).append(v)
    summary = {k: {"mean": round(float(np.mean(v)), 4), "std": round(float(np.std(v)), 4),
                   "min": round(float(np.min(v)), 4), "max": round(float(np.max(v)), 4)} for k, v in per_fold.items()}
    return {"summary": summary, "folds": by_fold}


def author_rows(examples: list[Example], folds: Folds):
    """For author folds: a fold's figures count the held-out author's own lines only (the public
    questions that travel with the fold are reported apart, by `public_rows`)."""
    authors = np.array([e.cv_author or "" for e in examples])
    return lambda n: authors == folds.names[n]


def public_rows(examples: list[Example]) -> np.ndarray:
    return np.array([e.public for e in examples])
