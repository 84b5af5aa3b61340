"""A learned vocabulary of specific things: words that, when a question uses them and its best section does not,
mean the section does not answer it.

"Do you collect my IP address?" ranks Data Collection first, and that section speaks of collection in general
words ("technical logs"): what the question names is not there. The verifier's hand-written features catch a
period, a place or a named practice missing (answerability.py); this catches the rest from data. For each
word, over the Kimss training questions whose best section does not use it (nor a synonym, bot/lexical.py):
how often such a question was not covered rather than answered, smoothed towards the rate over all such
questions, as log-odds above that rate. "Training", "rest", "cookies", "location" come out strongly
not-covered; "files", "support", "request" — words a section answers in other words — near zero or below.
The verifier reads the strongest evidence among the question's missing words as one feature
("missing_word_evidence"), and the table ships inside verifier.json with the model trained on it.

Cross-validation builds the table from the training folds only, and a training row's own value from a table
without its author, so the verifier never learns how much to trust a word from the row that taught it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

# Pull of each word's rate towards the overall rate, in questions: a word seen once (or by one author's
# phrasing) barely moves; one seen missing in ten not-covered questions and no answered one counts fully.
SMOOTHING = 4.0
# Words learned from fewer questions than this are left out of the shipped table (noise, and a smaller file).
MIN_QUESTIONS = 2


def learn(missing: Sequence[Sequence[str]], not_covered: Sequence[bool]) -> dict[str, float]:
    """word -> log-odds of "not covered" among questions missing it, above the rate over all questions
    missing some word (positive ones only). `missing[i]`: the question's specific words its best section
    does not use."""
    negative: dict[str, float] = defaultdict(float)
    positive: dict[str, float] = defaultdict(float)
    n_negative = n_positive = 0
    for words, label in zip(missing, not_covered):
        if not words:
            continue
        if label:
            n_negative += 1
        else:
            n_positive += 1
        for word in set(words):
            (negative if label else positive)[word] += 1.0
    if not n_negative or not n_positive:
        return {}
    rate = n_negative / (n_negative + n_positive)
    prior = float(np.log(rate / (1 - rate)))
    table = {}
    for word in set(negative) | set(positive):
        if negative[word] + positive[word] < MIN_QUESTIONS:
            continue
        value = float(np.log((negative[word] + SMOOTHING * rate) / (positive[word] + SMOOTHING * (1 - rate)))) - prior
        if value > 0:  # the feature reads max(0, …): a word evidence for "answered" changes nothing, so not kept
            table[word] = round(value, 4)
    return table


def strongest(words: Iterable[str], table: Mapping[str, float] | None) -> float:
    """The feature: the strongest not-covered evidence among a question's missing words (0 when none)."""
    if not table:
        return 0.0
    return max(0.0, max((table.get(word, 0.0) for word in words), default=0.0))


def column(missing: Sequence[Sequence[str]], not_covered: np.ndarray, author: np.ndarray, learn_from: np.ndarray,
           rows: np.ndarray) -> np.ndarray:
    """The feature for `rows`, from tables learned on `learn_from` (indices of Kimss rows): a row whose author
    is among them reads a table without that author (no row's own label counts for it)."""
    tables: dict[str, dict[str, float]] = {}
    out = np.zeros(len(rows), dtype=np.float32)
    for k, r in enumerate(rows):
        key = author[r]
        if key not in tables:
            source = [i for i in learn_from if author[i] != key]
            tables[key] = learn([missing[i] for i in source], [bool(not_covered[i]) for i in source])
        out[k] = strongest(missing[r], tables[key])
    return out
