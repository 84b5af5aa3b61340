"""Every golden question, through the real model and an embedded Chroma index."""

import pytest

from tests.conftest import KNOWLEDGE
from tests.golden import failure, load_golden

GOLDEN = load_golden(KNOWLEDGE / "golden.yaml")


def test_golden_set_is_big_enough_and_balanced():
    kinds = {k for item in GOLDEN for k in ("section", "escalation", "not_covered", "off_topic") if k in item}
    assert len(GOLDEN) >= 30 and kinds == {"section", "escalation", "not_covered", "off_topic"}


@pytest.mark.parametrize("item", GOLDEN, ids=[g["question"][:60] for g in GOLDEN])
def test_golden_question(shipped_assistant, item):
    answer = shipped_assistant.ask(item["question"])
    assert failure(item, answer) is None, failure(item, answer)
