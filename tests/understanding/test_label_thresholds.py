"""bench/router_label_thresholds.py: one escalation threshold per request label, chosen under every author's floors."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import router_label_thresholds as bench  # noqa: E402

from bot.understanding.corpus import LABELS  # noqa: E402
from bot.understanding.policy import OperatingPoint  # noqa: E402


def row(**p) -> np.ndarray:
    out = np.zeros(len(LABELS))
    for label, value in p.items():
        out[LABELS.index(label)] = value
    return out


def test_per_label_thresholds_answer_a_question_the_summed_mass_escalates_and_keep_every_floor():
    # Person requests the router half-sees (0.2) hold the summed-mass threshold at 0.2; a question read as
    # 0.7 question / 0.15 data / 0.15 security (mass 0.3) is then escalated. Per label, neither request reaches 0.2.
    point = OperatingPoint(0.2, 0.1, 0.1, 1.5)
    probs = np.array([row(user_request=0.2, question=0.8)] * 20 + [row(data_request=0.9, question=0.1)] * 40
                     + [row(security=0.9, question=0.1)] * 40 + [row(question=0.7, data_request=0.15, security=0.15)] * 10
                     + [row(question=0.95, data_request=0.05)] * 30)
    top = np.array(["user_request"] * 20 + ["data_request"] * 40 + ["security"] * 40 + ["question"] * 40)
    groups = np.array(["a", "b"] * 70)
    guarded = np.zeros(len(top), dtype=bool)
    assert (bench.actions(probs, point, guarded, None)[100:110] == 2).all()  # the summed mass escalates them
    label_at = bench.choose(probs, top, groups, point, guarded)
    action = bench.actions(probs, point, guarded, label_at)
    assert (action[:100] == 2).all()  # every request still escalated: the floors hold
    assert not (action[100:] == 2).any() and (action[100:110] == 1).all()  # answered, with the offer (mass ≥ offer_at)
    # A line the language guard hands to a person stays escalated whatever the thresholds.
    guarded[-1] = True
    assert bench.actions(probs, point, guarded, label_at)[-1] == 2
