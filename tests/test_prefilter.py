"""The literal prefilter (bot/prefilter.py) never changes what a pattern finds: it only skips patterns
that cannot match. Checked on hand-made patterns and on every question and router line in the repo."""

import json
import re
from pathlib import Path

import pytest
import yaml

from bot import policy_facts
from bot.prefilter import Prefiltered, required_literals
from bot.understanding import features
from bot.understanding.ranking import answerability

ROOT = Path(__file__).resolve().parent.parent


def test_required_literals_of_simple_patterns():
    def literals(pattern, matching):
        found = required_literals(re.compile(pattern))
        assert found, pattern
        for text in matching:  # each text matches; each must hold one of the literals
            assert re.search(pattern, text) and any(literal in text for literal in found), (pattern, text, found)
        return found

    assert literals(r"\bsell|\bsold\b|\bsale\b", ["sell", "sold", "sale"]) <= {"sell", "sold", "sale", "ell", "old", "ale"}
    assert literals(r"how (often|frequently)\b", ["how often", "how frequently"]) == {"often", "frequently"}
    assert literals(r"(chang|updat)\w*.{0,30}(polic|terms)", ["changed the policy", "updates to terms"])
    assert literals(r"\b(sent|send|passed) .{0,25}\bto (other|third)", ["sent it to other", "passed to third"])
    # Nothing can be required of an optional part, a class, or a pattern that matches the empty string.
    assert required_literals(re.compile(r"(data)?\w+")) is None
    assert required_literals(re.compile(r"[a-z]+|x")) is None
    assert required_literals(re.compile(r"(ab|)")) is None
    # Case-insensitive literals match other strings ("SELL"): no prefilter.
    assert required_literals(re.compile(r"sell", re.I)) is None


def test_a_prefiltered_pattern_finds_what_the_pattern_finds():
    pattern = re.compile(r"\b(sent|send|passed) .{0,25}\bto (other|third)")
    prefiltered = Prefiltered(pattern)
    for text in ["we sent it all to other firms", "passed along to third", "sen it to other", "sent", ""]:
        found, expected = prefiltered.search(text), pattern.search(text)
        assert (found and found.span()) == (expected and expected.span())


def _repo_texts() -> list[str]:
    texts = [g["question"] for g in yaml.safe_load((ROOT / "knowledge" / "golden.yaml").read_text())]
    for path in sorted((ROOT / "bot" / "understanding" / "ranking" / "data").glob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        for group in data.values() if isinstance(data, dict) else []:
            texts += [item["question"] for item in group or [] if isinstance(item, dict) and "question" in item]
    data_dir = ROOT / "bot" / "understanding" / "data"
    for path in [data_dir / "corpus.jsonl", *sorted((data_dir / "authors").glob("*.jsonl"))]:
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    return texts


# Every prefiltered pattern searched on an ask, with the text it is searched in.
PATTERNS = (
    [("concept", p, str.lower) for p in answerability._CONCEPT_ASKS]
    + [("asks", p, str.lower) for p in answerability._ASKS_LOWER.values()]
    + [("signal", p, lambda t: t.replace("’", "'").lower()) for p in features._SIGNALS_LOWER.values()]
    + [("policy_fact", p, str.lower) for p in policy_facts._PATTERNS_LOWER.values()]
)


@pytest.fixture(scope="module")
def texts():
    found = _repo_texts()
    assert len(found) > 5000  # the router corpus is read: the check below covers thousands of phrasings
    return found


def test_every_ask_pattern_is_prefiltered_and_finds_the_same_in_every_repo_text(texts):
    assert all(isinstance(p, Prefiltered) for _, p, _ in PATTERNS)
    # Most patterns do get literals (a pattern without any would silently lose the saving).
    assert sum(p.literals is not None for _, p, _ in PATTERNS) >= len(PATTERNS) - 4
    for name, prefiltered, prepare in PATTERNS:
        matched = 0
        for text in texts:
            text = prepare(text)
            found, expected = prefiltered.search(text), prefiltered.pattern.search(text)
            assert (found and found.span()) == (expected and expected.span()), (name, prefiltered.pattern.pattern)
            matched += expected is not None
        assert matched or name == "policy_fact", (name, prefiltered.pattern.pattern)  # the check is not vacuous
