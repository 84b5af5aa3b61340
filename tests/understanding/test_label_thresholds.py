"""One escalation threshold per request label (router-9, policy.label_at): chosen under every author's recall
floors, kept only when it hands fewer questions to a person than the summed request mass, saved in the artifact.
Off in the shipped training config (train.Config.label_thresholds); these test the rule itself."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.understanding import artifact
from bot.understanding.corpus import LABELS
from bot.understanding.policy import OperatingPoint, choose_operating_point, decide_all, decide_index
from bot.understanding.router import Router

BUNDLED = "sentence-transformers/all-MiniLM-L6-v2"


def row(**p) -> np.ndarray:
    return np.array([p.get(label, 0.0) for label in LABELS])


def corpus():
    """Person requests the router half-sees (0.2 / 0.8 question) hold the summed threshold at 0.2; questions read as
    0.7 question / 0.15 data / 0.15 security (mass 0.3) then go to a person, though no request label reaches 0.2."""
    probs = np.array([row(user_request=0.2, question=0.8)] * 20 + [row(data_request=0.9, question=0.1)] * 40
                     + [row(security=0.9, question=0.1)] * 40 + [row(question=0.7, data_request=0.15, security=0.15)] * 10
                     + [row(question=0.95, data_request=0.05)] * 30)
    labels = ["user_request"] * 20 + ["data_request"] * 40 + ["security"] * 40 + ["question"] * 40
    return probs, labels, np.array(["a", "b"] * 70)


def test_a_question_spread_over_request_labels_is_answered_with_the_offer_and_every_request_still_escalates():
    probs, labels, groups = corpus()
    point, _ = choose_operating_point(probs, labels, groups, per_label=True)
    assert choose_operating_point(probs, labels, groups)[0].label_at is None  # off unless asked
    summed = replace(point, label_at=None)
    assert (decide_all(probs, summed)[0][100:110] == 2).all()  # the summed mass hands these questions to a person
    assert point.label_at is not None
    action, reason = decide_all(probs, point)
    assert (action[:100] == 2).all()  # every request of every author still escalated: the floors hold
    assert [LABELS[i] for i in reason[:100]] == labels[:100]  # each to its own queue
    assert not (action[100:] == 2).any() and (action[100:110] == 1).all()  # answered, with the offer
    # A line the language guard hands to a person stays escalated whatever the thresholds.
    forced = np.zeros(len(labels), dtype=bool)
    forced[-1] = True
    assert decide_all(probs, point, forced)[0][-1] == 2


def test_the_summed_rule_stays_when_per_label_thresholds_would_not_escalate_fewer_questions():
    probs, labels, groups = corpus()
    # Without the spread questions the summed rule escalates no question: nothing to gain.
    probs, labels, groups = probs[np.r_[0:100, 110:140]], labels[:100] + labels[110:], groups[np.r_[0:100, 110:140]]
    point, _ = choose_operating_point(probs, labels, groups, per_label=True)
    assert point.label_at is None
    # Without authors (no floors to keep per author) the per-label search is not run at all.
    assert choose_operating_point(*corpus()[:2], per_label=True)[0].label_at is None


def test_decide_index_agrees_with_decide_all_under_per_label_thresholds():
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.full(len(LABELS), 0.4), size=500)
    for point in (OperatingPoint(0.2, 0.06, 0.15, 1.5, (0.425, 0.35, 0.175)),
                  OperatingPoint(0.3, 0.1, 1.0, float("inf"), (0.2, 0.2, 0.2))):
        actions, indices = decide_all(probs, point)
        assert 0 < (actions == 2).sum() < len(probs)
        for p, a, i in zip(probs, actions, indices):
            assert decide_index(p, point) == (["answer", "offer", "escalate", "decline"][a], int(i))


def weights(label_at):
    classes = ["question", "data_request:deletion", "security:phishing", "user_request:human"]
    rng = np.random.default_rng(0)
    meta = {"corpus_sha256": "x", "embedding_model": BUNDLED, "code_version": "router-9", "signals": [],
            "foreign_escalate_at": 0.15}
    return artifact.RouterWeights(classes, rng.normal(size=(4, 8)), np.zeros(4), np.zeros(8), np.ones(8), 1.2, 0.2,
                                  0.06, meta, offer_process_at=0.15, process_ratio=1.5, label_at=label_at)


def test_the_thresholds_travel_in_the_artifact_and_an_older_artifact_keeps_the_summed_rule(tmp_path):
    artifact.save(weights((0.425, 0.35, 0.175)), tmp_path / "new.npz")
    loaded = artifact.load(tmp_path / "new.npz")
    assert loaded.point == OperatingPoint(0.2, 0.06, 0.15, 1.5, (0.425, 0.35, 0.175))
    artifact.save(weights(None), tmp_path / "old.npz")  # five numbers: what router-8 artifacts hold
    assert artifact.load(tmp_path / "old.npz").point.label_at is None
    with np.load(tmp_path / "old.npz") as data:
        assert len(data["numbers"]) == 5
    # A glossed message keeps the summed rule at its own point: the per-label thresholds were chosen on English lines.
    router = Router(loaded)
    assert router.point.label_at == (0.425, 0.35, 0.175)
    assert router.foreign_point == OperatingPoint(0.15, 0.06, 0.15, 1.5, None)
