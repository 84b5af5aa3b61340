"""Settings for escalation, and the record's guarantees as another process sees them."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.escalation import Asker, EscalationStore, ReplyTo
from bot.settings import Settings
from bot.store.database import Database


def test_escalation_settings_are_validated_with_the_variable_named():
    settings = Settings.from_mapping({"SUPPORT_TEAM_USER_IDS": "U0AAA, U0BBB", "SUPPORT_RESPONSE_TIME": "within a day"})
    assert settings.support_team_user_ids == ("U0AAA", "U0BBB")
    assert settings.support_response_time == "within a day"
    assert Settings.from_mapping({}).support_response_time == "within 2 business days"
    with pytest.raises(ConfigError, match="SUPPORT_TEAM_USER_IDS"):
        Settings.from_mapping({"SUPPORT_TEAM_USER_IDS": "alice"})
    with pytest.raises(ConfigError, match="ESCALATION_FAULT"):
        Settings.from_mapping({"ESCALATION_FAULT": "sometimes"})


def test_references_are_unique_and_a_repeated_key_returns_the_first_record(tmp_path):
    database = Database(tmp_path / "state.sqlite3")
    store = EscalationStore(database)
    made = [store.create(reason="data_request", audience="employee", asker=Asker.employee(f"U0{n}"),
                         reply_to=ReplyTo("slack", "D0X"), question="q", sections=[], answer_id=None,
                         dedupe_key=f"k{n}", support_channel="C0SUP") for n in range(300)]
    assert len({m.record.reference for m in made}) == 300
    again = store.create(reason="data_request", audience="employee", asker=Asker.employee("U00"),
                         reply_to=None, question="q", sections=[], answer_id=None, dedupe_key="k0",
                         support_channel="C0SUP")
    assert not again.created and again.record.reference == made[0].record.reference
    database.close()


def test_only_one_worker_holds_a_record_at_a_time(tmp_path):
    first, second = Database(tmp_path / "s.sqlite3"), Database(tmp_path / "s.sqlite3")
    store_a, store_b = EscalationStore(first), EscalationStore(second)
    ref = store_a.create(reason="security", audience="customer", asker=Asker.customer(email="a@b.c"), reply_to=None,
                         question="q", sections=[], answer_id=None, dedupe_key=None, support_channel=None).record.reference
    assert store_a.lease(ref, "service") and not store_b.lease(ref, "cli")
    store_a.release(ref, "service")
    assert store_b.lease(ref, "cli")
    first.close(), second.close()


def test_a_customer_needs_something_that_identifies_them():
    with pytest.raises(ValueError):
        Asker.customer()
