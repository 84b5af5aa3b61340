"""Follow-ups that cannot stand alone ("and how long do you keep it?") made standalone.

Two steps, both explainable:
1. *Detect*: a logistic regression over named features of the new message and the previous turn
   (does it open with "and"/"what about", point back with "it"/"that"/"them", name no topic of its
   own, have no verb, is it short, does it share words with the previous question?). Weights:
   `bot/data/followup_weights.json`, trained by `bench/train_followup.py` on every author's
   `bot/data/followup_<author>.yaml` plus the golden questions (never on tests/heldout/).
2. *Rewrite* (bot/followup_rewrite.py, followup_frames.py): the previous turn's topic carried into the
   new message, or the new message asked in the previous question's frame.
`resolve` also says what the answering core needs beyond the rewrite (`FollowUp`): the question the
message asks of its own, whose words vote on the section, and whether the previous turn was on topic.

No retrieval here: deciding costs microseconds. The core then ranks sections for the rewrite and, when
the message asks something of its own, for that too (two queries, one forward pass of the model).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from bot import followup_words as w
from bot.conversation import Turn
from bot.followup_rewrite import rewrite, rewrite_with_rule, topic_phrase  # noqa: F401  (the rewriting API lives there)
from bot.lexical import tokenize

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "followup_weights.json"
MAX_STANDALONE_CHARS = 1000  # a rewrite is one question, not a transcript

FEATURES = ("bias", "connector", "what_about", "object_pointer", "subject_pointer", "any_pointer", "additive",
            "wh_only", "no_topic_noun", "few_words", "many_words", "request_pointer", "no_verb", "topic_switch",
            "full_question", "shares_previous_words", "discourse", "self_contained", "new_subject_matter",
            "preposition_opening", "own_antecedent")


def features(question: str, previous: str | None = None) -> dict[str, float]:
    """The detector's inputs for one message (and the previous question), each 0/1: named, so explainable."""
    tokens = tokenize(question)
    words = re.findall(r"[a-z']+", question.lower())
    topic = any(t in w.TOPIC_NOUNS for t in tokens)
    earlier = set(tokenize(previous or ""))
    return {
        "bias": 1.0,
        "connector": float(bool(w.CONNECTOR.match(question))),
        "what_about": float(bool(w.WHAT_ABOUT.match(question))),
        "object_pointer": float(bool(w.OBJECT_POINTER.search(question))),
        "subject_pointer": float(bool(w.SUBJECT_POINTER.match(question))),
        "any_pointer": float(bool(w.POINTER.search(question))),
        "additive": float(bool(w.ADDITIVE.search(question))),
        "wh_only": float(bool(w.WH_ONLY.match(question))),
        "no_topic_noun": float(not topic),
        "few_words": float(len(words) <= 4),
        "many_words": float(len(words) >= 10),
        "request_pointer": float(bool(w.REQUEST_POINTER.search(question))),
        # An opening request verb is a verb too ("write me a poem…", "recommend…"): VERB_LIKE lists the
        # verbs of privacy questions, not every imperative.
        "no_verb": float(not (w.VERB_LIKE.search(question) or w.IMPERATIVE.match(question))),
        "topic_switch": float(bool(w.TOPIC_SWITCH.search(question))),
        # "Do you sell customer data?": asks something of someone about a named topic, all in itself.
        "full_question": float(bool(w.QUESTION_START.match(question)) and bool(w.ACTOR.search(question)) and topic
                               and not w.POINTER.search(question)),
        # Repeating the previous question's words is a refinement of it; none at all, usually a new topic
        # or a fragment: the weight says which, learned.
        "shares_previous_words": float(bool(earlier & set(tokens))),
        "discourse": float(bool(w.DISCOURSE.search(question))),
        # "What's the weather in Berlin tomorrow?", "can you recommend a good pizza place": asks, names who or
        # what it is about, has a verb, points at nothing and opens with no connector; it stands alone,
        # on a privacy topic or not.
        "self_contained": float(len(words) >= 5 and bool(w.SELF_OPENING.match(question))
                                and bool(w.OWN_NOUN_PHRASE.search(question)) and bool(w.VERB_LIKE.search(question) or w.IMPERATIVE.match(question))
                                and not w.POINTER.search(question) and not w.CONNECTOR.match(question)),
        # Two or more words of subject matter the previous question did not have ("weather", "Berlin"):
        # a new subject, where a follow-up brings at most one ("do you get my *password* too?").
        "new_subject_matter": float(len(set(tokens) - earlier - w.GENERIC_WORDS) >= 2),
        "preposition_opening": float(bool(w.PREPOSITION_OPENING.match(question))),
        # "I found a vulnerability in your login page and want to report it": the pointer's thing is named
        # earlier in the message itself ("a vulnerability", "my API key"), not in the previous turn.
        "own_antecedent": float(_named_before_pointer(question)),
    }


def _named_before_pointer(question: str) -> bool:
    pointer = w.POINTER.search(question)
    if not pointer:
        return False
    before = question[:pointer.start()]
    return len(before.split()) >= 4 and bool(w.OWN_ANTECEDENT.search(before))


@lru_cache(maxsize=1)
def load_weights(path: str = str(WEIGHTS_FILE)) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    missing = set(FEATURES) - set(data["weights"])
    if missing:
        raise ValueError(f"{path}: weights missing for {sorted(missing)}; retrain with bench/train_followup.py")
    return data


def follow_up_probability(question: str, previous: str | None = None, weights: dict[str, float] | None = None) -> float:
    weights = weights or load_weights()["weights"]
    z = sum(weights[name] * value for name, value in features(question, previous).items())
    return 1.0 / (1.0 + math.exp(-z))


def needs_context(question: str, previous: str | None = None, weights: dict[str, float] | None = None) -> bool:
    return follow_up_probability(question, previous, weights) >= load_weights().get("threshold", 0.5)


@dataclass(frozen=True)
class FollowUp:
    """A message resolved against the previous turn (what `Assistant.ask` needs beyond the rewrite)."""

    message: str  # as the asker wrote it
    standalone: str  # the rewritten, standalone question (answered, and shown as "Answering: …")
    previous: Turn
    # The question the message asks of its own, without the previous topic: the message itself when it has
    # a verb ("are they used for billing?", "how is it protected?"), the question a bare fragment stands for
    # ("what for?" -> "What do you use it for?"). Its words say which practice is asked about, so they vote
    # on the section (see Assistant). None for a fragment that completes the previous question ("and for
    # security stuff?", "what about backups?"), whose practice stays.
    own_question: str | None

    @property
    def previous_on_topic(self) -> bool:
        """The previous turn was answered from the policy or handed off (the off-topic reply cites nothing and
        hands nothing off): a follow-up of it is on topic too."""
        return bool(self.previous.sections) or self.previous.escalation is not None


def resolve(question: str, context: Sequence[Turn] | None, weights: dict[str, float] | None = None) -> FollowUp | None:
    """The follow-up resolved when `question` needs the last turn of `context`, else None.

    `weights`: another detector's (validation trains one per fold); the shipped one by default."""
    if not context:
        return None
    previous = context[-1]
    if not previous.question or not needs_context(question, previous.question, weights):
        return None
    leaned_on = _previous_question(context)
    text, rule = rewrite_with_rule(question, leaned_on)
    if not text or len(text) > MAX_STANDALONE_CHARS:
        return None
    body = w.CONNECTOR.sub("", question)
    # "does that include billing?" after "What do you use my data for?" asks about the previous question's
    # practice (use), whatever its own verb: rewritten as "Do you use my data for billing?", it has no vote.
    if rule in ("request", "policy_fact", "policy_date"):
        own = None  # asked as it is: nothing of the previous question to vote against
    elif w.VERB_LIKE.search(body) and not w.WHAT_ABOUT.match(question) and rule != "purpose":
        own = question
    elif rule == "fragment":  # "what for?" -> "What do you use my chat logs for?": the question it asks is
        topic = topic_phrase(leaned_on)  # "What do you use it for?"
        own = text.replace(topic, "it") if topic and topic in text else None
    else:
        own = None
    return FollowUp(question, text, previous, own)


def _previous_question(context: Sequence[Turn]) -> str:
    """The question a follow-up leans on: the last turn's standalone question, or, when that turn was a fragment
    left as it was (it names no topic: "like what I click on?" after "do you collect product usage events?"),
    that fragment said in full against the turn before it. Resolved against the bare fragment, "why?" asked
    "Like what I click on — why?", which names nothing the policy speaks of."""
    previous = context[-1].question
    if len(context) < 2 or topic_phrase(previous) or not context[-2].question:
        return previous
    return rewrite(previous, context[-2].question) or previous


def standalone_question(question: str, context: Sequence[Turn] | None,
                        weights: dict[str, float] | None = None) -> str | None:
    """The rewritten question when `question` is a follow-up of the last turn, else None."""
    resolved = resolve(question, context, weights)
    return resolved.standalone if resolved else None
