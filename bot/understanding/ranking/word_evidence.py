"""A learned vocabulary of specific things: words that, when a question uses them and its best section does not,
mean the section does not answer it.

"Do you collect my IP address?" ranks Data Collection first, and that section speaks of collection in general
words ("technical logs"): what the question names is not there. The verifier's hand-written features catch a
period, a place or a named practice missing (answerability.py); this catches the rest from data. Over the
Kimss training questions, a logistic regression of "not covered" on which of the question's specific words
the best section does not use (nor a synonym, bot/lexical.py): "training", "rest", "cookies", "location"
come out strongly not-covered; words a section answers in other words ("files", "support") near zero or below.
The verifier reads the strongest evidence among the question's missing words as one feature
("missing_word_evidence"), and the table ships inside verifier.json with the model trained on it.

A word's evidence depends on the section it is missing from: "delete" missing from Data Collection is a
retention question the policy does not answer ("when do you delete my chats?"), missing from Contact
Information it names the request whose channel is asked ("how can I get my account deleted?" — the section
answers it: data requests go to support). So each missing word also comes as a section-qualified token
("<section id>|delete"), fitted jointly with the plain words: its weight is a correction the data must support
(L2-shrunk to 0 otherwise), added to the word's own weight. A section the table never saw (a renamed one, a new
document) reads the plain weights alone. With 23 authors the plain table alone turned away 14 of ~310 answerable
"where do I send a deletion request" questions the training authors wrote.

Cross-validation builds the table from the training folds only, and a training row's own value from a table
without its author, so the verifier never learns how much to trust a word from the row that taught it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

# Inverse L2 strength of the word regression (scikit-learn's C): words seen in a handful of questions stay small.
REGULARISATION = 1.0
# Words learned from fewer questions than this are left out of the shipped table (noise, and a smaller file).
MIN_QUESTIONS = 2


SECTION_MARK = "|"  # "<section id>|<word>": a word's correction for one section (section ids have no "|")


def qualified(words: Sequence[str], section_id: str | None) -> tuple[str, ...]:
    """The tokens of a section's missing words: the words, and each word qualified by the section."""
    words = tuple(words)
    return words + tuple(f"{section_id}{SECTION_MARK}{w}" for w in words) if section_id else words


def learn(missing: Sequence[Sequence[str]], not_covered: Sequence[bool]) -> dict[str, float]:
    """word -> its weight in a logistic regression of "not covered" on which words the best section lacks
    (positive weights only). Fitted jointly, so a word that only ever goes missing beside a telling one is
    explained away: "how *fast* will you notify us of a *breach*?" teaches "breach", not "fast" — which
    "will my data help you make the product faster?" (answered by Usage) also leaves out.
    `missing[i]`: the question's specific words its best section does not use."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = defaultdict(int)
    for words in missing:
        for word in set(words):
            counts[word] += 1
    vocabulary = {word: i for i, word in enumerate(sorted(w for w, n in counts.items() if n >= MIN_QUESTIONS))}
    rows = [i for i, words in enumerate(missing) if any(w in vocabulary for w in words)]
    labels = np.array([bool(not_covered[i]) for i in rows])
    if not vocabulary or len(set(labels.tolist())) < 2:
        return {}
    cells = [(k, vocabulary[w]) for k, i in enumerate(rows) for w in set(missing[i]) if w in vocabulary]
    matrix = csr_matrix((np.ones(len(cells)), ([r for r, _ in cells], [c for _, c in cells])),
                        shape=(len(rows), len(vocabulary)))
    model = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(matrix, labels)
    # The feature reads max(0, …): a plain word's evidence for "answered" changes nothing, so it is not kept;
    # a section's correction is kept either way (it is added to the plain word's weight).
    return {word: round(float(model.coef_[0][i]), 4) for word, i in vocabulary.items()
            if model.coef_[0][i] > 0.01 or (SECTION_MARK in word and abs(model.coef_[0][i]) > 0.01)}


def strongest(words: Iterable[str], table: Mapping[str, float] | None) -> float:
    """The feature: the strongest not-covered evidence among a question's missing words (0 when none)."""
    if not table:
        return 0.0
    corrections = {}
    for token in words:
        if SECTION_MARK in token:
            corrections[token.rsplit(SECTION_MARK, 1)[1]] = table.get(token, 0.0)
    return max(0.0, max((table.get(word, 0.0) + corrections.get(word, 0.0)
                         for word in words if SECTION_MARK not in word), default=0.0))


def column(missing: Sequence[Sequence[str]], not_covered: np.ndarray, author: np.ndarray, learn_from: np.ndarray,
           rows: np.ndarray) -> np.ndarray:
    """The feature for `rows`, from tables learned on `learn_from` (indices of Kimss rows): a row whose author
    is among them reads a table without that author (no row's own label counts for it)."""
    tables: dict[str | None, dict[str, float]] = {}
    teachers = set(author[learn_from].tolist())
    out = np.zeros(len(rows), dtype=np.float32)
    for k, r in enumerate(rows):
        key = author[r] if author[r] in teachers else None  # a row of no teaching author reads the whole table
        if key not in tables:
            source = [i for i in learn_from if author[i] != key]
            tables[key] = learn([missing[i] for i in source], [bool(not_covered[i]) for i in source])
        out[k] = strongest(missing[r], tables[key])
    return out
