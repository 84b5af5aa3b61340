"""The router artifact: numpy serving equals the trained model, stale artifacts are refused, no sklearn at serve time."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from bot.errors import KnowledgeError, RouterMismatch
from bot.understanding import artifact
from bot.understanding.corpus import LABELS, TEAM_FILE, corpus_hash, fine_labels, load_corpus, load_team_examples
from bot.understanding.features import CODE_VERSION, SIGNAL_NAMES, feature_matrix
from bot.understanding.router import Router, RouterHandle
from tests.conftest import ROOT

BUNDLED = "sentence-transformers/all-MiniLM-L6-v2"


def test_the_corpus_is_big_labelled_and_grouped():
    rows = load_corpus()
    written = [r for r in rows if not r.register.startswith("public_")]
    assert len(written) >= 2000
    assert {r.label for r in rows} == set(LABELS)
    assert {r.fine for r in rows} == set(fine_labels())  # every kind of every request has examples
    registers = {r.register for r in written}
    assert {"plain", "casual", "typo", "non_native", "story", "formal"} <= registers
    # Grouped CV needs many groups, and no group may hold a large share of the corpus.
    groups = {r.group for r in rows}
    assert len(groups) > 300 and max(sum(r.group == g for r in rows) for g in groups) < len(rows) / 20


def test_the_shipped_artifact_matches_the_repo_corpus_and_the_bundled_model():
    weights = artifact.load(artifact.SHIPPED)
    assert weights.provenance == artifact.Provenance(corpus_hash(None), BUNDLED, CODE_VERSION)
    assert weights.meta["signals"] == list(SIGNAL_NAMES) and set(weights.classes) == set(fine_labels())
    assert 0 < weights.offer_at < weights.escalate_at < 1
    # A small artifact, not a data dump: 21 classes × (392 dense + 4096 word + 8192 character n-gram) weights,
    # compressed (~1 MB; router-2 without character n-grams was ~350 KB).
    assert artifact.SHIPPED.stat().st_size < 1_300_000


def test_numpy_serving_gives_the_trained_models_probabilities(tmp_path):
    """The router folds standardisation and temperature into one affine map: check it against sklearn."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    classes = fine_labels()
    vectors = rng.normal(size=(400, 384)).astype(np.float32)
    texts = ["delete my data" if i % 3 else "how do I delete my data?" for i in range(400)]
    x = feature_matrix(texts, vectors)
    y = np.array([classes[i % len(classes)] for i in range(400)])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    model = LogisticRegression(max_iter=500).fit((x - mean) / scale, y)
    temperature = 1.7
    meta = {"corpus_sha256": "x", "embedding_model": BUNDLED, "code_version": CODE_VERSION}
    weights = artifact.RouterWeights(list(model.classes_), model.coef_, model.intercept_, mean, scale, temperature,
                                     0.4, 0.2, meta)
    artifact.save(weights, tmp_path / "r.npz")
    router = Router(artifact.load(tmp_path / "r.npz"))
    logits = model.decision_function((x[:20] - mean) / scale) / temperature
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(router.fine_probabilities(x[:20]), expected, atol=1e-4)
    route = router.route(texts[1], vectors[1])
    assert route.label in LABELS and abs(sum(route.probabilities.values()) - 1) < 1e-4


@pytest.mark.parametrize("blocks", [
    dict(ngram_kinds=("words", "bigrams"), ngram_buckets=512, ngram_weight=3.0),
    dict(ngram_kinds=("words", "bigrams"), ngram_buckets=512, ngram_weight=3.0, char_buckets=1024, char_weight=2.0,
         sentence_buckets=256, sentence_weight=4.0),
], ids=["words", "words+chars+sentences"])
def test_numpy_serving_with_hashed_ngrams_gives_the_trained_models_probabilities(tmp_path, blocks):
    """N-gram columns are looked up at serve time, not multiplied: the same probabilities as training."""
    from bot.understanding import train as training

    rng = np.random.default_rng(1)
    texts = ["nuke my stuff", "how do i nuke my stuff?", "do you keep my stuff", "nuke it pls",
             "someone logged in as me", "what do u store abt me",
             "We use it for homework. My kid is 12. Please nuke his account.", "I like it. Do you keep my stuff?"] * 30
    vectors = rng.normal(size=(len(texts), 384)).astype(np.float32)
    y = np.array(["data_request:deletion", "process_question:data_request", "question",
                  "data_request:deletion", "security:account_compromise", "question", "data_request:deletion",
                  "question"] * 30)
    config = training.Config(**blocks)
    x = training.design(texts, vectors, config)
    fitted = training.fit(x, y, config=config)
    meta = {"corpus_sha256": "x", "embedding_model": BUNDLED, "code_version": CODE_VERSION,
            **training.serving_meta(config)}
    weights = artifact.RouterWeights([str(c) for c in fitted.classes_], fitted.model.coef_, fitted.model.intercept_,
                                     fitted.mean, fitted.scale, 1.0, 0.4, 0.2, meta)
    artifact.save(weights, tmp_path / "r.npz")
    router = Router(artifact.load(tmp_path / "r.npz"))
    expected = training.softmax(training.logits(fitted, x[:16]))
    dense = feature_matrix(texts[:16], vectors[:16])
    assert np.allclose(router.fine_probabilities(dense, texts[:16]), expected, atol=1e-4)
    one = router.route(texts[0], vectors[0])  # one message at a time, as ask() routes
    assert np.isclose(one.probabilities["data_request"], expected[0, list(fitted.classes_).index("data_request:deletion")],
                      atol=1e-4)
    # The n-grams carry weight: the same vector with other words routes differently.
    assert not np.allclose(router.fine_probabilities(dense[:1], ["zzz"]), expected[:1], atol=1e-3)


def test_an_artifact_of_the_previous_feature_code_is_still_served_as_trained(tmp_path):
    """router-2 artifacts named one n-gram block ("ngrams"): bench/router_on_authors.py still reads them."""
    from bot.understanding import train as training

    rng = np.random.default_rng(2)
    texts = ["nuke my stuff", "do you keep my stuff", "someone logged in as me"] * 20
    vectors = rng.normal(size=(len(texts), 384)).astype(np.float32)
    y = np.array(["data_request:deletion", "question", "security:account_compromise"] * 20)
    config = training.Config(ngram_kinds=("words", "bigrams"), ngram_buckets=256, ngram_weight=5.0)
    fitted = training.fit(training.design(texts, vectors, config), y, config=config)
    meta = {"corpus_sha256": "x", "embedding_model": BUNDLED, "code_version": "router-2",
            "signals": list(SIGNAL_NAMES), "ngrams": {"kinds": ["words", "bigrams"], "buckets": 256}}
    router = Router(artifact.RouterWeights([str(c) for c in fitted.classes_], fitted.model.coef_,
                                           fitted.model.intercept_, fitted.mean, fitted.scale, 1.0, 0.4, 0.2, meta))
    expected = training.softmax(training.logits(fitted, training.design(texts[:3], vectors[:3], config)))
    assert np.allclose(router.fine_probabilities(feature_matrix(texts[:3], vectors[:3]), texts[:3]), expected, atol=1e-4)


def test_a_router_trained_for_another_model_is_refused_naming_the_model_and_the_fix():
    with pytest.raises(RouterMismatch) as error:
        RouterHandle("some/other-model")
    message = str(error.value)
    assert "some/other-model" in message and BUNDLED in message and "privacy-bot train-router" in message


def test_new_team_examples_make_the_trained_router_stale_until_retrained(tmp_path):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    RouterHandle(BUNDLED, knowledge, tmp_path / "data")  # no team examples: the shipped artifact matches
    (knowledge / TEAM_FILE).write_text("- text: zorp my records\n  label: data_request\n  kind: deletion\n")
    with pytest.raises(RouterMismatch, match=r"corpus .*privacy-bot train-router"):
        RouterHandle(BUNDLED, knowledge, tmp_path / "data")


@pytest.mark.parametrize("content,problem", [
    ("- text: delete me\n  label: data_request\n", r"item 1: data_request needs a kind"),
    ("- text: hi\n  label: greeting\n", r"item 1: unknown label 'greeting'"),
    ("- text: ''\n  label: question\n", r"item 1: each item needs a non-empty text"),
    ("- text: [unclosed\n", r"not valid YAML"),
    ("text: not a list\n", r"expected a list"),
])
def test_a_broken_team_examples_file_is_refused_naming_the_problem(tmp_path, content, problem):
    (tmp_path / TEAM_FILE).write_text(content)
    with pytest.raises(KnowledgeError, match=problem):
        load_team_examples(tmp_path)


def test_serving_never_imports_scikit_learn():
    code = ("import sys; import bot.assistant, bot.understanding.router; "
            "from bot.understanding.router import RouterHandle; RouterHandle('" + BUNDLED + "'); "
            "assert not any(m.startswith('sklearn') for m in sys.modules), 'sklearn imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
