"""A rewritten follow-up's "covered" decided again with the conversation (bot/followup_coverage.py)."""

from __future__ import annotations

import json

from bot import followup_coverage
from bot.conversation import Turn, turn_of
from bot.coverage import Verdict
from bot.followup_coverage import FEATURES, WEIGHTS_FILE, adjust, features, load_weights

CONTACT_TOKENS = {"privacy", "question", "questions", "data", "request", "requests", "contact", "support", "channel",
                  "app", "kimss", "ai", "security", "account", "workspace", "communication", "team"}
PREVIOUS = Turn("Where do I send privacy questions?", ("Contact Information",))


def test_a_new_detail_the_section_lacks_is_named_as_a_feature():
    values = features("is there an email too?", PREVIOUS, 0.4, "Contact Information", CONTACT_TOKENS)
    assert values["asks_is_there"] == 1.0 and values["new_word_missing"] == 1.0 and values["no_new_word"] == 0.0
    assert values["same_section"] == 1.0 and values["previous_answered"] == 1.0
    # Words the previous question had are not new: "and privacy questions?" brings nothing of its own.
    assert features("and privacy questions?", PREVIOUS, 0.4, "Contact Information", CONTACT_TOKENS)["no_new_word"] == 1.0


def test_the_shipped_adjuster_turns_away_a_detail_the_previous_section_does_not_state():
    covered = Verdict(True, 0.6, False, margin=0.4)
    decided = adjust(covered, "is there an email too?", PREVIOUS, "Contact Information", CONTACT_TOKENS, related=True)
    assert not decided.covered and decided.related and decided.confidence < 0.5
    # A clearly answered follow-up that asks nothing new stays answered.
    sure = Verdict(True, 0.99, False, margin=5.0)
    assert adjust(sure, "and how?", PREVIOUS, "Contact Information", CONTACT_TOKENS, related=True).covered


def test_not_covered_is_never_turned_into_covered():
    weights = {name: 0.0 for name in FEATURES} | {"bias": 10.0}  # an adjuster that would call everything covered
    ruled = Verdict(False, 0.4, True, lacks_fact=True, margin=3.0, ruled_out=True)  # a coverage rule decided
    assert adjust(ruled, "how long?", PREVIOUS, "Contact Information", CONTACT_TOKENS, related=True,
                  weights=weights) is ruled
    declined = Verdict(False, 0.3, True, margin=-0.8)  # the verifier said not covered
    assert adjust(declined, "and how?", PREVIOUS, "Contact Information", CONTACT_TOKENS, related=True,
                  weights=weights) is declined
    assert adjust(Verdict(True, 0.6, False, margin=0.4), "and how?", PREVIOUS, "Contact Information",
                  CONTACT_TOKENS, related=True, weights=weights).covered


def test_the_artifact_names_its_data_and_validation():
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert set(load_weights()) >= set(FEATURES)
    assert "bot/data/followup_writer-v10.yaml" in data["data"]["files"] and len(data["data"]["sha256"]) == 64
    assert data["validation"]["scheme"].startswith("leave-one-author-out")


def test_a_follow_up_asking_a_detail_the_policy_lacks_is_not_called_answered(shipped_assistant):
    first = shipped_assistant.ask("where do I send privacy questions?", "customer")
    assert first.covered and first.citations[0].section == "Contact Information"
    follow = shipped_assistant.ask("is there an email too?", "customer", context=[turn_of(first)])
    assert follow.answering  # rewritten against the contact question
    # The policy names a support channel, no email address: said so, with the Contact section quoted as
    # related and support offered (the verifier alone called the rewrite answered).
    assert not follow.covered and follow.escalation and follow.escalation.reason == "not_covered"
    assert follow.citations and follow.citations[0].section == "Contact Information"


def test_the_adjuster_acts_only_on_rewritten_follow_ups(shipped_assistant, monkeypatch):
    calls = []
    monkeypatch.setattr(followup_coverage, "adjust", lambda verdict, *a, **k: calls.append(a) or verdict)
    shipped_assistant.ask("is there an email for privacy questions?", "customer")
    shipped_assistant.ask("What data do you collect?", "customer", context=[PREVIOUS])  # stands alone
    assert calls == []
    shipped_assistant.ask("is there an email too?", "customer", context=[PREVIOUS])
    assert len(calls) == 1
