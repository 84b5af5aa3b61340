"""Messages read through their English gloss (bot/gloss.py) escalate at their own, lower point: chosen on the
training lines' out-of-fold probabilities (train.choose_foreign_escalate) and served by the router."""

from __future__ import annotations

import numpy as np

from bot.understanding import artifact, train as training
from bot.understanding.corpus import LABELS, Example
from bot.understanding.features import CODE_VERSION
from bot.understanding.policy import OperatingPoint
from bot.understanding.router import Router

BUNDLED = "sentence-transformers/all-MiniLM-L6-v2"


def row(**p) -> np.ndarray:
    return np.array([p.get(label, 0.0) for label in LABELS])


def test_the_glossed_point_is_lowered_only_as_far_as_the_missed_requests_pay_for():
    point = OperatingPoint(0.5, 0.2, 1.0)
    # Glossed requests the router is unsure of (request mass 0.35) and glossed questions at mass 0.1.
    probs = np.array([row(data_request=0.35, question=0.65)] * 10 + [row(question=0.9, data_request=0.1)] * 30)
    labels = ["data_request"] * 10 + ["question"] * 30
    glossed = np.ones(len(labels), dtype=bool)
    chosen = training.choose_foreign_escalate(probs, labels, point, glossed)
    assert 0.1 < chosen <= 0.35  # every request escalated, no question
    # No glossed lines: the main point.
    assert training.choose_foreign_escalate(probs, labels, point, np.zeros(len(labels), dtype=bool)) == 0.5
    # Nothing missed at the main point: no reason to hand more to a person.
    sure = np.array([row(data_request=0.9, question=0.1)] * 10 + [row(question=0.9, data_request=0.1)] * 30)
    assert training.choose_foreign_escalate(sure, labels, point, glossed) == 0.5


def test_the_router_escalates_a_glossed_message_at_the_glossed_point(tmp_path):
    rng = np.random.default_rng(5)
    texts = ["do you keep my chats", "delete my data", "what is the weather"] * 30
    y = np.array(["question", "data_request:deletion", "off_topic"] * 30)
    vectors = rng.normal(size=(len(texts), 384)).astype(np.float32)
    config = training.Config()
    fitted = training.fit(training.design(texts, vectors, config), y, config=config)
    meta = {"corpus_sha256": "x", "embedding_model": BUNDLED, "code_version": CODE_VERSION,
            **training.serving_meta(config), "foreign_escalate_at": 0.0}
    weights = artifact.RouterWeights([str(c) for c in fitted.classes_], fitted.model.coef_, fitted.model.intercept_,
                                     fitted.mean, fitted.scale, 1.0, 0.999, 0.99, meta)
    artifact.save(weights, tmp_path / "r.npz")
    router = Router(artifact.load(tmp_path / "r.npz"))
    vector = np.zeros(384, dtype=np.float32)
    assert router.route("do you keep my chats", vector).action != "escalate"
    assert router.route("do you keep my chats", vector, glossed=True).action == "escalate"  # every glossed message


def test_the_router_reads_glossed_lines_in_training_and_the_guard_keeps_the_rest():
    examples = [Example("¿Pueden borrar todos mis datos, por favor?", "data_request", "deletion", "f", "plain"),
                Example("Oye tío, la peña flipa con los curros chungos del finde", "off_topic", None, "f", "plain"),
                Example("Please delete my data", "data_request", "deletion", "f", "plain")]
    assert training.routed_texts(examples) == ["can you delete all my data, please?", examples[1].text,
                                               "Please delete my data"]
    assert training.guarded(examples).tolist() == [False, True, False]
    assert training.glossed_rows(examples).tolist() == [True, False, False]
