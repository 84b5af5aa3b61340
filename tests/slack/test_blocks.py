"""Block Kit rendering within Slack's limits, and the state database's migrations."""

from __future__ import annotations

import json

from bot.answer import Answer, Escalation
from bot.slack.blocks import MAX_BLOCKS, SECTION_LIMIT, escape, render_answer, split_escaped
from bot.store import MIGRATIONS, Database, Migration, StateStore
from tests.slack.fakes import security_citation


def test_escape_neutralises_slack_control_characters():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_long_text_is_cut_into_sections_within_the_limit_without_breaking_entities():
    text = ("a&b " * 2000) + "\n\n" + ("<x> " * 1000)
    pieces = split_escaped(text)
    assert all(len(p) <= SECTION_LIMIT for p in pieces)
    joined = " ".join(pieces)
    assert "&amp;" in joined and "&lt;x&gt;" in joined
    for piece in pieces:
        assert not piece.endswith(("&", "&a", "&am", "&amp", "&l", "&lt", "&g", "&gt"))


def test_a_huge_answer_stays_within_fifty_blocks_and_says_it_was_shortened():
    answer = Answer("q", "word " * 60_000, True, 0.9, "employee", [security_citation(n) for n in range(1, 4)])
    blocks = render_answer(answer, "id1").blocks
    assert len(blocks) == MAX_BLOCKS
    assert "shortened" in json.dumps(blocks)
    assert blocks[-1]["type"] == "actions"
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks if b["type"] == "section")


def test_citation_without_a_url_is_plain_text_and_relative_urls_are_not_linked():
    answer = Answer("q", "text", True, 0.9, "employee", [security_citation(1, url=None)])
    context = [b for b in render_answer(answer, "id1").blocks if b["type"] == "context"][0]
    assert context["elements"][0]["text"] == "*[1]* Security Measures — Privacy Policy, updated April 30, 2026"


def test_an_escalating_answer_points_at_support_with_its_reference():
    answer = Answer("q", "This is a data request.", True, 0.9, "employee", [security_citation()],
                    Escalation("data_request", reference="ESC-42"))
    blocks = render_answer(answer, "id1").blocks
    assert "Talk to support" in json.dumps(blocks) and "ESC-42" in json.dumps(blocks)


def test_migrations_are_applied_once_in_order_and_a_new_one_is_trivial_to_add(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = StateStore.open(path)
    assert store.db.schema_version() == len(MIGRATIONS)
    assert store.claim_event("Ev1") is True
    store.close()

    extra = Migration(len(MIGRATIONS) + 1, "example", "CREATE TABLE example_extra (id INTEGER PRIMARY KEY)")
    db = Database(path, [*MIGRATIONS, extra])
    assert db.schema_version() == extra.number
    assert db.migrate([*MIGRATIONS, extra]) == []  # nothing left to apply
    assert StateStore(db).claim_event("Ev1") is False  # earlier data survives
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    db.close()


def test_the_manifest_subscribes_to_exactly_what_the_listeners_handle():
    from pathlib import Path

    import yaml

    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yaml").read_text())
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im", "app_home_opened"}
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/privacy"]
    assert manifest["features"]["app_home"]["home_tab_enabled"]
    assert manifest["features"]["app_home"]["messages_tab_enabled"]
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "reactions:write"} <= set(
        manifest["oauth_config"]["scopes"]["bot"])
    # Conversations: agent messaging (agent_view replaced assistant_view), thread history for follow-ups.
    assert manifest["features"]["agent_view"]["agent_description"] and "assistant_view" not in manifest["features"]
    assert {"assistant:write", "channels:history", "groups:history", "mpim:history"} <= set(
        manifest["oauth_config"]["scopes"]["bot"])
