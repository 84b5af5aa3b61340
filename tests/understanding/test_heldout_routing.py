"""A sample of the held-out router set through `Assistant.ask` (real model, index, shipped router).

Aggregate floors, set before the held-out set was run and far below the targets (README "Routing"),
so the test catches a broken router (a stale artifact, a lost signal, routing on the wrong vector)
rather than re-measuring it: the figures themselves are printed by bench/bench_router.py.
Nothing here was used to choose anything; the lines are read only to ask them.
"""

from __future__ import annotations

import json

from tests.conftest import ROOT

HELDOUT = ROOT / "tests" / "heldout" / "v17" / "router.jsonl"
REQUESTS = ("data_request", "security", "user_request")
SAMPLE_EVERY = 3  # every third line: all registers and labels, a third of the time

MIN_REQUESTS_ESCALATED = 0.85  # targets: 0.97 data_request and security, 0.95 user_request
# Floors set on 2026-11-28 when the sample moved to set v5, before v5 was first run (the retired v1 sample
# had needed 0.25 for questions escalated once; the router has been retrained on far more authors since);
# kept unchanged when the sample moved to v7 (v5 retired into training), to v9 (v7 retired), to v11 (v9 retired), to v13 (v11 retired), to v15 (v13 retired) and to v17 (v15 retired), before each was first run.
MAX_QUESTIONS_ESCALATED = 0.20  # target 0.05
MIN_PROCESS_OFFERED = 0.70  # target: 0.90


def test_held_out_sample_through_ask_routes_requests_to_a_person_and_answers_questions(shipped_assistant):
    lines = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    sample = lines[::SAMPLE_EVERY]
    answers = [(item, shipped_assistant.ask(item["text"][:4000])) for item in sample]

    requests = [(i, a) for i, a in answers if i["label"] in REQUESTS]
    questions = [a for i, a in answers if i["label"] == "question"]
    process = [a for i, a in answers if i["label"] == "process_question"]
    assert len(requests) >= 30 and len(questions) >= 20 and len(process) >= 10

    escalated = sum(a.escalates for _, a in requests) / len(requests)
    right_reason = sum(a.escalates and a.escalation.reason == i["label"] for i, a in requests) / len(requests)
    assert escalated >= MIN_REQUESTS_ESCALATED, f"requests escalated {escalated:.2f}"
    assert right_reason >= MIN_REQUESTS_ESCALATED - 0.05, f"to the right reason {right_reason:.2f}"
    questions_escalated = sum(a.escalates for a in questions) / len(questions)
    assert questions_escalated <= MAX_QUESTIONS_ESCALATED, f"questions escalated {questions_escalated:.2f}"
    offered = sum(a.offer is not None and not a.escalates for a in process) / len(process)
    assert offered >= MIN_PROCESS_OFFERED, f"process questions offered {offered:.2f}"
    # Every escalation names a kind of its reason; every offer is one of the request reasons.
    assert all(a.escalation.kind for _, a in answers if a.escalates)
    assert {a.offer for _, a in answers} <= {None, *REQUESTS}
