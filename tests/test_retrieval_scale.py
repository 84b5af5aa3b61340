"""Retrieval at scale: per-section maxima by runs, and the shortlist used beyond SHORTLIST sections.

The ask path must not loop in Python over sections or sentences (issue 11: at 100 documents it did).
These tests pin down that the vectorised pieces compute what a plain loop would, and that the
shortlisted path (large corpora) scores the sections it keeps exactly as the full path does.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from bot import retrieval
from bot.retrieval import LoadedIndex, Runs, shortlist
from bot.understanding.ranking import model as ranking_model
from bot.understanding.ranking.features import RANKING_FEATURES
from tests.conftest import KNOWLEDGE


def test_runs_give_the_best_value_of_each_section_as_a_loop_would():
    rng = np.random.default_rng(3)
    owners = np.sort(rng.choice([0, 1, 3, 4, 7], size=40))  # sections 2, 5, 6 have no rows
    values = rng.normal(size=40).astype(np.float32)
    runs = Runs.of(owners, 8)
    best = runs.best(values, -9.0)
    for section in range(8):
        expected = values[owners == section].max() if (owners == section).any() else -9.0
        assert best[section] == pytest.approx(expected)
    positions, kept = runs.rows_of(np.array([1, 2, 4, 7]))
    assert positions.tolist() == np.flatnonzero(np.isin(owners, [1, 4, 7])).tolist()
    assert kept.best(values[positions], -9.0).tolist() == pytest.approx([best[1], -9.0, best[4], best[7]])
    both = runs.best(np.column_stack([values, -values]), -9.0)  # several signals in one pass
    assert both[:, 0].tolist() == pytest.approx(best.tolist())
    assert both[3, 1] == pytest.approx((-values[owners == 3]).max())


def test_the_shortlist_keeps_the_best_by_every_signal():
    assert shortlist(np.arange(5.0)[:, None], 5) is None  # small scopes are scored in full
    dense, lexical = np.array([9.0, 1, 2, 8, 0, 0]), np.array([0.0, 7, 0, 0, 0, 6])
    assert shortlist(np.column_stack([dense, lexical]), 2).tolist() == [0, 1, 3, 5]


@pytest.fixture(scope="module")
def indexes(shipped_assistant, monkeypatch_module):
    """The shipped index (5 sections) loaded twice: as usual (every section scored) and with a shortlist of 2."""
    retriever = shipped_assistant.retriever
    full = retriever.current()
    monkeypatch_module.setattr(retrieval, "SHORTLIST", 2)
    short = LoadedIndex(retriever.store, full.info, retriever.embeddings)
    assert short.scopes["employee"].sketch is not None and full.scopes["employee"].sketch is None
    return full, short


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


# Relative to the candidates scored (their best value, their rank among them): these may differ.
RELATIVE = {"chunk_cosine_gap", "sentence_cosine_gap", "dense_reciprocal_rank", "bm25_reciprocal_rank"}


def test_the_shortlisted_path_scores_the_sections_it_keeps_exactly_as_the_full_path(shipped_assistant, indexes):
    full, short = indexes
    ranker = ranking_model.ranker(full.info.model)
    absolute = [i for i, name in enumerate(RANKING_FEATURES) if name not in RELATIVE]
    questions = [g["question"] for g in yaml.safe_load((KNOWLEDGE / "golden.yaml").read_text())][:30]
    same_top = shortened = 0
    for question in questions:
        vector = shipped_assistant.retriever.embeddings.encode_query(question)
        everything = full.candidates(vector, question, "employee", ranker.adapt(vector))
        kept = short.candidates(vector, question, "employee", ranker.adapt(vector))
        assert 2 <= len(kept.sections) <= len(everything.sections)
        shortened += len(kept.sections) < len(everything.sections)
        rows = np.searchsorted(everything.sections, kept.sections)
        assert everything.sections[rows].tolist() == kept.sections.tolist()
        np.testing.assert_allclose(kept.features[:, absolute], everything.features[rows][:, absolute], atol=1e-5)
        # Quotable sentences of kept sections are scored the same way.
        scored = np.isfinite(kept.sentence_scores)
        np.testing.assert_allclose(kept.sentence_scores[scored], everything.sentence_scores[scored], atol=1e-5)
        same_top += full.rank(vector, question, "employee")[0].section_id == \
            short.rank(vector, question, "employee")[0].section_id
    assert shortened >= len(questions) // 2  # the shortlist did leave sections out
    # The 2 best sections by each of dense, adapted and BM25 nearly always hold the learned ranker's best.
    assert same_top >= len(questions) - 2
