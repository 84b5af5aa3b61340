"""The held-out sets stay well-formed: every label, kind, section and pair is one a bench can score."""
import re

import pytest
from collections import Counter
from pathlib import Path

from tests.heldout.load import SETS, conversations, kimss_questions, router_items

# Minimum sizes asked of each set's writer (the issues ask at least 60 conversations and 150 Kimss questions).
MINIMUM = {"v17": {"router": 520, "pairs": 40, "kimss": 165, "conversations": 85},
           "v18": {"router": 520, "pairs": 40, "kimss": 165, "conversations": 85}}
versions = pytest.mark.parametrize("version", sorted(SETS))

KINDS = {
    "question": {None},
    "process_question": {None},
    "off_topic": {None},
    "instruction": {None},
    "data_request": {"access", "deletion", "correction", "portability", "objection",
                     "do_not_sell_or_share", "restriction", "withdraw_consent"},
    "security": {"account_compromise", "vulnerability", "credential_leak", "phishing", "data_exposure"},
    "user_request": {"human", "complaint"},
}
REGISTERS = {"slack_casual", "typos_lowercase", "formal_legal", "long_story", "very_short", "non_native", "indirect"}
POLICY = Path(__file__).parents[2] / "knowledge" / "privacy-policy.md"


def policy_headings() -> set[str]:
    text = POLICY.read_text(encoding="utf-8")
    return set(re.findall(r"^#{1,2} (.+)$", text, flags=re.MULTILINE))  # title + sections


@versions
def test_router_labels_kinds_registers_and_pairs(version):
    items = router_items(version)
    for item in items:
        assert item["kind"] in KINDS[item["label"]], item
        assert item["register"] in REGISTERS, item
        assert item["text"].strip(), item
    texts = Counter(i["text"].strip().lower() for i in items)
    assert [t for t, n in texts.items() if n > 1] == []
    pairs = Counter(i["pair"] for i in items if "pair" in i)
    assert all(n == 2 for n in pairs.values()), pairs
    for pair_id in pairs:
        a, b = (i for i in items if i.get("pair") == pair_id)
        assert a["label"] != b["label"], pair_id  # a pair contrasts two different routes
    assert len(items) >= MINIMUM[version]["router"] and len(pairs) >= MINIMUM[version]["pairs"]
    assert {(i["label"], i["kind"]) for i in items} == {(label, kind) for label, kinds in KINDS.items() for kind in kinds}


@versions
def test_kimss_questions_sections_exist_in_the_policy(version):
    headings = policy_headings()
    questions = kimss_questions(version)
    assert len(questions) >= MINIMUM[version]["kimss"]
    for q in questions:
        assert q["audience"] in {"employee", "customer"}, q
        if q["expect"] == "not_covered":
            assert q["gap"].strip() and "sections" not in q, q
            assert set(q.get("related") or []) <= headings, q
        else:
            assert q["expect"] in {"answered", "policy_fact"}, q
            assert q["sections"] and set(q["sections"]) <= headings, q


@versions
def test_conversations_shape(version):
    headings = policy_headings()
    convs = conversations(version)
    assert len(convs) >= MINIMUM[version]["conversations"]
    assert len({c["id"] for c in convs}) == len(convs)
    for c in convs:
        assert c["type"] in {"follow_up", "topic_change", "request_after_question"}, c
        assert 2 <= len(c["turns"]) <= 3, c
        expect = c["expect"]
        assert isinstance(expect["covered"], bool) and set(expect["sections"]) <= headings, c
        assert expect["escalation"] in {None, "data_request", "security", "user_request"}, c
        assert (expect["escalation"] is not None) == (c["type"] == "request_after_question"), c
