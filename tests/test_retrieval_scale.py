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
from bot.retrieval import LoadedIndex, Runs, Sketch, shortlist
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
    assert shortlist(np.arange(5.0)[None, :], (5,)) is None  # small scopes are scored in full
    dense, lexical = np.array([9.0, 1, 2, 8, 0, 0]), np.array([0.0, 7, 0, 0, 0, 6])
    assert shortlist(np.vstack([dense, lexical]), (2, 2)).tolist() == [0, 1, 3, 5]
    # Each signal keeps its own number: the lexical one only its best here.
    assert shortlist(np.vstack([dense, lexical]), (2, 1)).tolist() == [0, 1, 3]
    assert shortlist(np.vstack([dense, lexical]), (6, 1)) is None


def test_the_shortlist_of_a_large_scope_is_each_signals_best():
    """Thousands of sections, as at 100 documents: the best of each signal, also when copies of a section
    tie at the cut (then as many of the tied are kept as there is room for) or most sections score 0."""
    rng = np.random.default_rng(7)
    dense = rng.random(2861).astype(np.float32)
    copies = np.repeat(rng.random(573).astype(np.float32), 5)[:2861]  # five copies of each section
    lexical = np.where(rng.random(2861) < 0.995, 0, rng.random(2861)).astype(np.float32)  # a few words match
    kept = shortlist(np.vstack([dense, copies, lexical]), (20, 48, 20))  # 48: the cut falls among 5 copies
    assert set(np.argsort(-dense)[:20].tolist()) <= set(kept.tolist())
    values = np.unique(copies)[::-1]
    assert set(np.flatnonzero(copies >= values[8]).tolist()) <= set(kept.tolist())  # the 9 best, all 45 copies
    assert np.isin(np.flatnonzero(copies == values[9]), kept).sum() >= 3  # the 10th best: room for 3 of its 5
    assert set(np.flatnonzero(lexical > 0).tolist()) <= set(kept.tolist())
    assert len(kept) <= 20 + 48 + 20 and kept.tolist() == sorted(set(kept.tolist()))


@pytest.fixture(scope="module")
def indexes(shipped_assistant, monkeypatch_module):
    """The shipped index (5 sections) loaded twice: as usual (every section scored) and with a shortlist of 2."""
    retriever = shipped_assistant.retriever
    full = retriever.current()
    monkeypatch_module.setattr(retrieval, "SHORTLIST", 2)
    monkeypatch_module.setattr(retrieval, "SHORTLIST_SIZES", (2, 2, 2))
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


# --- The ask path's faster pieces compute the same numbers, bit for bit, as the plain ones ---------------------------

def test_word_signals_of_a_few_units_equal_the_every_unit_ones_bit_for_bit():
    from bot.lexical import MAX_GROUPS, TermIndex, UnitWords, coverage_of, missing_of, share_of

    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(40)]
    units = [set(rng.choice(words, size=rng.integers(0, 6), replace=False)) for _ in range(300)]  # some empty
    index, unit_words = TermIndex(units), UnitWords(units)
    rows = np.sort(rng.choice(300, size=60, replace=False))
    weights = [(float(w), set(rng.choice(words, size=3, replace=False)) | {"never-seen"})
               for w in rng.dirichlet(np.ones(5))]
    groups = [set(rng.choice(words, size=4, replace=False)) for _ in range(3)]
    matches = unit_words.matches(rows, unit_words.lookup([a for _, a in weights] + groups + groups[:2]))
    assert np.array_equal(coverage_of(matches, weights), index.coverage(weights)[rows])
    assert np.array_equal(share_of(matches, 5, 3), index.share_of_groups(groups)[rows])
    assert np.array_equal(missing_of(matches, 8, 2), index.groups_missing(groups[:2])[rows])
    assert share_of(matches, 5, 0).tolist() == [0.0] * len(rows)  # no named practice: 0, as before
    assert unit_words.matches(rows[:0], unit_words.lookup(groups)).shape == (0,)
    with pytest.raises(ValueError):
        unit_words.lookup([{"w1"}] * (MAX_GROUPS + 1))  # more than a lookup holds: the caller takes the full path


@pytest.mark.parametrize("units", [1, 2, 3, 17, 400])
@pytest.mark.parametrize("groups", [1, 2, 8, 9, 16, 24, 40])
def test_word_coverage_of_any_number_of_units_and_groups_adds_as_the_group_loop_does(units, groups):
    """`coverage_of` sums the groups' weights in one reduction; for every shape (a single unit, whose groups
    numpy would otherwise sum pairwise, included) it gives the loop's float32 numbers bit for bit."""
    from bot.lexical import coverage_of

    rng = np.random.default_rng(units * 100 + groups)
    weights = [(float(w), set()) for w in rng.dirichlet(np.ones(groups))]
    matches = rng.integers(0, 2 ** groups, size=units, dtype=np.uint64)
    loop = np.zeros(units, dtype=np.float32)
    for g, (weight, _) in enumerate(weights):
        np.add(loop, np.float32(weight), out=loop, where=(matches & np.uint64(1 << g)) != 0)
    got = coverage_of(matches, weights)
    assert got.dtype == np.float32 and got.view(np.uint32).tolist() == loop.view(np.uint32).tolist()
    assert coverage_of(matches, []).tolist() == [0.0] * units


def test_practice_and_topic_bits_give_the_same_signals_as_their_word_groups():
    from bot.lexical import (FIXED_GROUPS, TermIndex, UnitWords, fixed_group_bits, missing_of_bits, practice_categories,
                             share_of_bits, tokenize, topic_groups)

    questions = [g["question"] for g in yaml.safe_load((KNOWLEDGE / "golden.yaml").read_text())]
    text = (KNOWLEDGE / "privacy-policy.md").read_text()
    units = [set(tokenize(p)) for p in text.split("\n\n")] + [set()]
    index, unit_words = TermIndex(units), UnitWords(units)
    rows = np.arange(len(units))
    unit_bits = unit_words.matches(rows, unit_words.lookup(FIXED_GROUPS))
    named_any = 0
    for question in questions:
        practices, topics = practice_categories(question), topic_groups(question)
        practice_bits, practice_count, topic_bits, topic_count = fixed_group_bits(question)
        assert (practice_count, topic_count) == (len(practices), len(topics))
        assert np.array_equal(share_of_bits(unit_bits, practice_bits, practice_count), index.share_of_groups(practices))
        assert np.array_equal(missing_of_bits(unit_bits, topic_bits, topic_count), index.groups_missing(topics))
        named_any += bool(practices) and bool(topics)
    assert named_any > 10  # the comparison covers questions that name categories and topics


def test_the_first_pass_gives_each_sections_best_rough_cosines_and_bm25():
    rng = np.random.default_rng(5)
    owners = np.sort(np.r_[np.arange(30), rng.choice(30, size=25)])  # every section has rows, some several
    runs = Runs.of(owners, 30)
    matrix = rng.normal(size=(len(owners), 384)).astype(np.float32)
    queries = rng.normal(size=(384, 2)).astype(np.float32)
    bm25 = rng.gamma(1.0, size=len(owners)).astype(np.float32)
    sketch = Sketch.of(matrix, runs)
    assert len(sketch.extra_sections) > 0  # the extra-chunk path is exercised
    got = sketch.first_pass(queries, bm25)
    # The per-section best of the same signals, computed over the section-ordered rows.
    rough = (matrix @ sketch.basis.T) @ (sketch.basis @ queries)
    expected = runs.best(np.column_stack([rough, bm25]), 0.0).T
    assert got.shape == (3, 30)
    assert np.array_equal(got[2], expected[2])  # BM25: a gather and a max, bit for bit
    assert np.allclose(got[:2], expected[:2], rtol=1e-5, atol=1e-5)


def _plain_paths(patch):
    """The every-unit word signals, as before they were sped up."""
    patch.setattr(retrieval, "MAX_GROUPS", -1)


def test_candidates_are_the_same_numbers_on_the_fast_and_the_plain_path(shipped_assistant, indexes):
    full, short = indexes  # every section scored, and the shortlisted path (first pass, a few rows scored)
    ranker = ranking_model.ranker(full.info.model)
    questions = [g["question"] for g in yaml.safe_load((KNOWLEDGE / "golden.yaml").read_text())]
    vectors = [shipped_assistant.retriever.embeddings.encode_query(q) for q in questions]

    def signals(index):
        return [index.candidates(v, q, audience, ranker.adapt(v), every_section=every)
                for q, v in zip(questions, vectors) for audience in ("employee", "customer") for every in (False, True)]

    fast = {"full": signals(full), "short": signals(short)}
    # Nearly every section's words are its sentences' and its title's: their matches are used for it.
    assert all(scope.words_of_parts.mean() > 0.8 for index in indexes for scope in index.scopes.values())
    with pytest.MonkeyPatch.context() as patch:
        for index in indexes:  # every section's own word list read instead: the same numbers
            for scope in index.scopes.values():
                patch.setattr(scope, "words_of_parts", np.zeros_like(scope.words_of_parts))
        fast["own word lists"] = signals(full) + signals(short)
    with pytest.MonkeyPatch.context() as patch:
        _plain_paths(patch)
        plain = {"full": signals(full), "short": signals(short)}
    plain["own word lists"] = plain["full"] + plain["short"]
    for kind in fast:
        for a, b in zip(fast[kind], plain[kind], strict=True):
            assert np.array_equal(a.sections, b.sections)
            assert np.array_equal(a.features, b.features)  # bit for bit, not approximately
            assert np.array_equal(a.sentence_scores, b.sentence_scores)


def test_the_golden_answers_are_the_same_on_the_fast_and_the_plain_path(shipped_assistant):
    questions = [g["question"] for g in yaml.safe_load((KNOWLEDGE / "golden.yaml").read_text())]
    asked = [(q, audience) for q in questions for audience in ("employee", "customer")]
    fast = [shipped_assistant.ask(q, audience).to_dict() for q, audience in asked]
    with pytest.MonkeyPatch.context() as patch:
        _plain_paths(patch)
        plain = [shipped_assistant.ask(q, audience).to_dict() for q, audience in asked]
    assert fast == plain
    assert sum(a["covered"] for a in fast) > len(fast) // 2  # real answers were compared, not empty ones


def test_hashed_ngrams_are_the_same_with_the_per_word_memory():
    import zlib

    from bot.understanding.features import ngram_ids, ngrams

    texts = [g["question"] for g in yaml.safe_load((KNOWLEDGE / "golden.yaml").read_text())]
    texts += ["Don’t DELETE my data!!", "", "?", "I'd like it's x’y", "straße données 2026"]
    for text in texts:
        for kinds in (("words", "bigrams", "chars"), ("words",), ("chars",), ("bigrams",)):
            plain = np.unique(np.fromiter((zlib.crc32(g.encode()) % 997 for g in ngrams(text, kinds)), dtype=np.int64))
            assert np.array_equal(ngram_ids(text, kinds, 997), plain)


def test_the_question_patterns_find_the_same_in_the_lowered_question_as_with_re_i():
    import re

    from bot.understanding.ranking import answerability

    questions = [g["question"] for g in yaml.safe_load((KNOWLEDGE / "golden.yaml").read_text())]
    questions += ["HOW LONG DO YOU KEEP MY DATA?", "Where Is My Data Stored, In The EU?", "Who At Kimss Can Read It",
                  "Do you train ML models on GDPR data? What FEES for a DSAR?", "Delete My Account NOW", ""]
    for question in questions:
        assert answerability._concepts_asked(question.lower()) == tuple(
            i for i, (ask, _) in enumerate(answerability._CONCEPT_PATTERNS) if ask.search(question))
        assert answerability.asked_facts(question) == {
            kind: bool(re.compile(p.pattern, re.I).search(question)) for kind, p in answerability._ASKS.items()}
