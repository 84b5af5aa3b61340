"""The signals retrieval computes for every (question, section) pair, as named columns.

One row per candidate section, one column per signal. The learned ranker (`model.py`) is a
logistic regression over these columns; the names are part of its artifact's provenance, so a
change here (a new column, a different definition) must bump FEATURE_VERSION and retrain
(`python -m bot.understanding.ranking.train`).
"""

from __future__ import annotations

import numpy as np

FEATURE_VERSION = "ranking-features-3"

RANKING_FEATURES = (
    "chunk_cosine",  # best cosine of the section's chunks (heading path + text)
    "sentence_cosine",  # best cosine of one of its sentences
    "second_sentence_cosine",  # second best sentence: a section that answers often has two close ones
    "sentence_with_words",  # best (sentence cosine + 0.3 x its share of the question's words)
    "sentence_word_share",  # best share of the question's words found in one sentence
    "section_word_share",  # idf-weighted share of the question's words (or synonyms) in the section
    "bm25",  # saturated BM25 of its best chunk: s / (s + 5)
    "bm25_relative",  # BM25 over the best BM25 of this question's candidates
    "practice_words",  # share of the question's practice categories the section has words of
    "practice_prototype",  # agreement of question and section on which practice they are about
    "topics_missing",  # privacy topics the question names that the section never mentions
    "no_shared_words",  # 1 when not one question word (or synonym) is in the section
    "title_word_share",  # share of the question's words in the section's heading
    "is_first_section",  # the introduction of its document
    "relative_position",  # 0 at the top of the document, 1 at the end
    "log_sentences",  # log(1 + sentences in the section)
    "chunk_cosine_gap",  # chunk cosine minus the best chunk cosine among the candidates
    "sentence_cosine_gap",  # the same for sentences
    "dense_reciprocal_rank",  # 1 / (1 + rank by chunk cosine)
    "bm25_reciprocal_rank",  # 1 / (1 + rank by BM25)
    "adapted_cosine",  # best chunk cosine of the query after the learned linear adapter (model.py)
)


def reciprocal_rank(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(values), dtype=np.float32)
    ranks[(-values).argsort(kind="stable")] = np.arange(len(values), dtype=np.float32)
    return 1.0 / (1.0 + ranks)


def assemble(columns: dict[str, np.ndarray]) -> np.ndarray:
    """(candidates x RANKING_FEATURES) from the named columns; derived columns filled in here."""
    chunk, sentence, bm25_raw = columns["chunk_cosine"], columns["sentence_cosine"], columns["bm25_raw"]
    derived = {
        "bm25": bm25_raw / (bm25_raw + 5.0),
        "bm25_relative": bm25_raw / bm25_raw.max() if len(bm25_raw) and bm25_raw.max() > 0 else bm25_raw * 0,
        "no_shared_words": (columns["section_word_share"] == 0).astype(np.float32),
        "chunk_cosine_gap": chunk - chunk.max() if len(chunk) else chunk,
        "sentence_cosine_gap": sentence - sentence.max() if len(sentence) else sentence,
        "dense_reciprocal_rank": reciprocal_rank(chunk),
        "bm25_reciprocal_rank": reciprocal_rank(bm25_raw),
    }
    out = np.empty((len(chunk), len(RANKING_FEATURES)), dtype=np.float32)
    for j, name in enumerate(RANKING_FEATURES):
        out[:, j] = derived[name] if name in derived else columns[name]
    return out
