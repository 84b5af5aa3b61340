"""Mark identity verified, Extend and Resolve on a data request: buttons open modals through the Slack
stand-in, submissions are signed view_submission payloads over real HTTP to the real service."""

from __future__ import annotations

import json
from datetime import date, timedelta

from bot.answer import Escalation
from bot.escalation import ACTION_RESOLVE, deadlines
from bot.escalation.audit import history
from bot.escalation.render import ACTION_EXTEND, ACTION_SET_KIND, ACTION_SET_REGIME, ACTION_VERIFY
from bot.slack.request_modals import EXTEND_MODAL, RESOLVE_MODAL, VERIFY_MODAL
from bot.store.database import Database
from tests.escalation.conftest import (OUTSIDER, SUPPORTER, buttons, choose_in_menu, click_support_message,
                                       date_value, option_value, records, submit_view, text_value)
from tests.escalation.test_slack_flow import dm_replies, wait_record
from tests.slack.harness import direct_message


def _data_request(escalating, standin, assistant):
    assistant.escalation = Escalation("data_request", kind="deletion")
    escalating.send_event(direct_message("Please delete all my data", ts="1700000000.000501"))
    return wait_record(escalating, lambda r: r.delivery == "delivered", standin)


def _opened(standin, callback_id: str):
    return [c for c in standin.of("views.open") if c.args["view"]["callback_id"] == callback_id]


def test_extend_opens_a_modal_checks_the_regime_maximum_and_tells_the_asker_the_reason(escalating, standin, assistant):
    record = _data_request(escalating, standin, assistant)
    assert record.kind == "deletion"  # the router's kind, passed from the Slack call site
    received = deadlines.utc_date(record.created_at)
    latest = deadlines.latest_extension(received, "gdpr")

    # Outside the support team: refused privately, no modal.
    click_support_message(escalating, ACTION_EXTEND, record.reference, user=OUTSIDER, message_ts=record.support_ts)
    escalating.wait_idle()
    assert "Only the privacy support team" in standin.of("chat.postEphemeral")[-1].args["text"]
    assert not standin.of("views.open")

    click_support_message(escalating, ACTION_EXTEND, record.reference, user=SUPPORTER, message_ts=record.support_ts)
    escalating.wait_idle()
    [opened] = _opened(standin, EXTEND_MODAL)
    view = opened.args["view"]
    assert opened.args["trigger_id"] == "1.2.3" and view["private_metadata"] == record.reference
    assert f"Latest possible date: *{latest.isoformat()}*" in json.dumps(view)

    # A date past GDPR's maximum: the error shows on the date field, nothing changes.
    too_late = submit_view(escalating, EXTEND_MODAL, record.reference,
                           {"new_date": date_value((latest + timedelta(days=1)).isoformat()),
                            "reason": text_value("Huge archive")}, user=SUPPORTER)
    assert too_late.status_code == 200
    assert too_late.json()["response_action"] == "errors" and "at most" in too_late.json()["errors"]["new_date"]
    # Someone outside the team submitting (a forwarded form): refused too.
    outsider = submit_view(escalating, EXTEND_MODAL, record.reference,
                           {"new_date": date_value(latest.isoformat()), "reason": text_value("x")}, user=OUTSIDER)
    assert "Only the privacy support team" in outsider.json()["errors"]["new_date"]
    assert records(escalating.settings)[0].extended_until is None

    done = submit_view(escalating, EXTEND_MODAL, record.reference,
                       {"new_date": date_value(latest.isoformat()),
                        "reason": text_value("The <!channel> archive spans three systems")}, user=SUPPORTER)
    assert done.status_code == 200 and not done.content  # an empty 200 closes the modal
    extended = wait_record(escalating, lambda r: r.extension_notice == "sent" and r.support_stale == 0, standin)
    assert (extended.extended_until, extended.extended_by) == (latest.isoformat(), SUPPORTER)
    [notice] = [c for c in dm_replies(standin) if "needs more time" in c.args["text"]]
    assert latest.isoformat() in notice.args["text"] and "three systems" in notice.args["text"]
    assert "<!channel>" not in notice.args["text"] and "&lt;!channel&gt;" in notice.args["text"]
    update = json.dumps(standin.of("chat.update")[-1].args["blocks"])
    assert f"*Due:* {latest.isoformat()}" in update and "Extended* from" in update
    assert ACTION_EXTEND not in buttons(standin.of("chat.update")[-1])  # once only


def test_identity_verified_and_resolve_with_an_outcome_notify_and_audit(escalating, standin, assistant):
    record = _data_request(escalating, standin, assistant)
    click_support_message(escalating, ACTION_VERIFY, record.reference, user=SUPPORTER, message_ts=record.support_ts)
    escalating.wait_idle()
    assert _opened(standin, VERIFY_MODAL)
    empty = submit_view(escalating, VERIFY_MODAL, record.reference, {"how": text_value("  ")}, user=SUPPORTER)
    assert "how" in empty.json()["errors"]
    ok = submit_view(escalating, VERIFY_MODAL, record.reference,
                     {"how": text_value("Replied from the account's sign-in email")}, user=SUPPORTER)
    assert ok.status_code == 200 and not ok.content
    verified = wait_record(escalating, lambda r: r.verified_at is not None and r.support_stale == 0, standin)
    assert (verified.verified_by, verified.verified_how) == (SUPPORTER, "Replied from the account's sign-in email")
    assert "Identity verified* by" in json.dumps(standin.of("chat.update")[-1].args["blocks"])

    # Resolve on a data request opens the outcome modal; a refusal needs its reason.
    click_support_message(escalating, ACTION_RESOLVE, record.reference, user=SUPPORTER, message_ts=record.support_ts)
    escalating.wait_idle()
    [opened] = _opened(standin, RESOLVE_MODAL)
    assert records(escalating.settings)[0].status == "open"  # the click alone closes nothing
    no_reason = submit_view(escalating, RESOLVE_MODAL, record.reference, {"outcome": option_value("refused")},
                            user=SUPPORTER)
    assert "reason" in no_reason.json()["errors"]["reason"]
    refused = submit_view(escalating, RESOLVE_MODAL, record.reference,
                          {"outcome": option_value("refused"), "reason": text_value("We hold no data on this account"),
                           "note": text_value("Write to us if you have another account")}, user=SUPPORTER)
    assert refused.status_code == 200 and not refused.content
    closed = wait_record(escalating, lambda r: r.resolution_notice == "sent", standin)
    assert (closed.status, closed.outcome, closed.outcome_reason) == ("resolved", "refused",
                                                                      "We hold no data on this account")
    [notice] = [c for c in dm_replies(standin) if "could not fulfil" in c.args["text"]]
    assert "We hold no data on this account" in notice.args["text"] and "another account" in notice.args["text"]
    # A second submission (the modal submitted twice) changes nothing.
    again = submit_view(escalating, RESOLVE_MODAL, record.reference, {"outcome": option_value("fulfilled")},
                        user=SUPPORTER)
    assert "changed meanwhile" in again.json()["errors"]["outcome"]

    database = Database(escalating.settings.state_db)
    try:
        trail = [(e.action, e.actor) for e in history(database, record.reference)]
    finally:
        database.close()
    assert trail == [("received", "assistant"), ("verified", SUPPORTER), ("resolved", SUPPORTER)]


def test_a_closed_or_past_deadline_request_does_not_open_the_extend_form(escalating, standin, assistant):
    record = _data_request(escalating, standin, assistant)
    database = Database(escalating.settings.state_db)
    try:  # as if received long ago: the original deadline has passed
        with database.transaction() as conn:
            conn.execute("UPDATE escalations SET due_at = ? WHERE reference = ?",
                         ((date.today() - timedelta(days=2)).isoformat(), record.reference))
    finally:
        database.close()
    click_support_message(escalating, ACTION_EXTEND, record.reference, user=SUPPORTER, message_ts=record.support_ts)
    escalating.wait_idle()
    assert not standin.of("views.open")
    assert "before the original deadline" in standin.of("chat.postEphemeral")[-1].args["text"]


def test_kind_and_regime_menus_correct_the_record_for_support_only(escalating, standin, assistant):
    record = _data_request(escalating, standin, assistant)
    menu = buttons([c for c in standin.of("chat.postMessage") if c.args.get("channel") == "C0SUPPORT"][0])
    assert menu[ACTION_SET_KIND]["initial_option"]["value"] == f"{record.reference}|deletion"
    assert menu[ACTION_SET_REGIME]["initial_option"]["value"] == f"{record.reference}|gdpr"

    choose_in_menu(escalating, ACTION_SET_REGIME, f"{record.reference}|ccpa", user=OUTSIDER,
                   message_ts=record.support_ts)
    escalating.wait_idle()
    assert "Only the privacy support team" in standin.of("chat.postEphemeral")[-1].args["text"]
    assert records(escalating.settings)[0].regime == "gdpr"

    choose_in_menu(escalating, ACTION_SET_REGIME, f"{record.reference}|ccpa", user=SUPPORTER,
                   message_ts=record.support_ts)
    choose_in_menu(escalating, ACTION_SET_KIND, f"{record.reference}|portability", user=SUPPORTER,
                   message_ts=record.support_ts)
    escalating.wait_idle()
    changed = wait_record(escalating, lambda r: r.regime == "ccpa" and r.kind == "portability"
                          and r.support_stale == 0, standin)
    expected_due = (deadlines.utc_date(record.created_at) + timedelta(days=45)).isoformat()
    assert changed.due_at == expected_due
    update = json.dumps(standin.of("chat.update")[-1].args["blocks"])
    assert f"*Due:* {expected_due}" in update and "CCPA/CPRA" in update and "Confirm receipt by" not in update
    choose_in_menu(escalating, ACTION_SET_KIND, f"{record.reference}|phishing", user=SUPPORTER,
                   message_ts=record.support_ts)
    escalating.wait_idle()
    assert "not a kind of data_request" in standin.of("chat.postEphemeral")[-1].args["text"]
