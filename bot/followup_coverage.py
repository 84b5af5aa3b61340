"""A rewritten follow-up's "covered", decided again with what the verifier cannot see: the conversation.

Why: the verifier (bot/coverage.py) judges the rewritten question, and a rewrite carries the previous,
answered question's words ("since when?" -> "since when is this privacy policy the current one?", "is there an
email too?" after a contact question). Those words match the section the previous answer cited, so the verifier
calls the follow-up answered where the policy is silent on the detail it asks. Leave-one-author-out over the
training conversations, that was the largest cause of follow-up misses (README, Conversations).

The adjuster is a logistic regression over named features of the follow-up, each explainable: the verifier's
margin on the rewrite, whether the first section is the one the previous answer cited first, whether the
previous turn was answered, whether the message brings a content word of its own that the section lacks (or
brings none), and whether it asks "when / since when / how long" or "is there …". Weights:
`bot/data/followup_coverage_weights.json`, trained by `bench/train_followup_coverage.py` on the replayed
training conversations (never on tests/heldout/). It only turns "covered" into "not covered": a "not covered"
from the verifier or from the coverage rules (a fact asked that the section does not state, a practice its
document never names) is left as it is.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from bot.conversation import Turn
from bot.coverage import Verdict
from bot.followup_words import GENERIC_WORDS
from bot.lexical import STOPWORDS, tokenize

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "followup_coverage_weights.json"
FEATURES = ("bias", "margin", "same_section", "previous_answered", "new_word_missing", "no_new_word", "asks_when",
            "asks_is_there")
_WHEN = re.compile(r"\b(since when|when|how long|how fast|how soon|how quickly)\b", re.I)
_IS_THERE = re.compile(r"\bis there\b|\bare there\b|\bdo you have\b", re.I)


def new_words(message: str, previous_question: str) -> list[str]:
    """The message's content words that the previous question did not have ("email" in "is there an email
    too?"): what the follow-up asks beyond the previous turn."""
    earlier = set(tokenize(previous_question or ""))
    return [t for t in tokenize(message) if t not in earlier and t not in GENERIC_WORDS and t not in STOPWORDS]


def features(message: str, previous: Turn, margin: float, first_section: str, section_tokens) -> dict[str, float]:
    """The adjuster's inputs. `margin`: the verifier's log-odds minus its threshold on the rewrite;
    `first_section`: the label of the section judged (as `Turn.sections` holds them); `section_tokens`: its words."""
    new = new_words(message, previous.question)
    return {
        "bias": 1.0,
        "margin": float(margin),
        "same_section": float(bool(previous.sections) and first_section == previous.sections[0]),
        "previous_answered": float(bool(previous.sections) and previous.escalation is None),
        "new_word_missing": float(any(t not in section_tokens for t in new)),
        "no_new_word": float(not new),
        "asks_when": float(bool(_WHEN.search(message))),
        "asks_is_there": float(bool(_IS_THERE.search(message))),
    }


@lru_cache(maxsize=1)
def load_weights(path: str = str(WEIGHTS_FILE)) -> dict[str, float]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    missing = set(FEATURES) - set(data["weights"])
    if missing:
        raise ValueError(f"{path}: weights missing for {sorted(missing)}; retrain with bench/train_followup_coverage.py")
    return data["weights"]


def covered_probability(values: dict[str, float], weights: dict[str, float]) -> float:
    z = sum(weights[name] * values[name] for name in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def adjust(verdict: Verdict, message: str, previous: Turn, first_section: str, section_tokens, related: bool,
           weights: dict[str, float] | None = None) -> Verdict:
    """`verdict` on a rewritten follow-up, decided again by the adjuster. `related`: whether the best section
    shares the question's words (quoted as related when it is not covered). `weights`: another adjuster's
    (validation trains one per fold); the shipped one by default."""
    if verdict.ruled_out or not verdict.covered:
        # Only "covered" is decided again: the failure the rewrite causes is the previous question's words
        # making a detail look answered. Turning the verifier's "not covered" into "covered" as well won 1
        # last turn and lost 4 leave-one-author-out (27 authors); one way it is +24 −16.
        return verdict
    values = features(message, previous, verdict.margin, first_section, section_tokens)
    probability = covered_probability(values, weights or load_weights())
    covered = probability >= 0.5
    return replace(verdict, covered=covered, confidence=probability, related=not covered and related)
