"""Redaction is fed unauthenticated input (URLs, refused bodies): it must stay linear in the text's length.

Before the fix a run of 16,000 letters took 0.7 s in the email pattern and doubling the length
quadrupled it, so the inputs below (200,000 characters) took minutes to hours and held the GIL.
This is a hang guard, not a speed measurement: the deadline is hundreds of times what the linear
patterns need (bench/bench_hardening.py prints real figures).
"""

from __future__ import annotations

import threading

import pytest

from bot.analytics.redact import redact, redact_text

LENGTH = 200_000
HANG_DEADLINE_S = 30
ADVERSARIAL = ["A", "1", "1 ", "<@U", "<@UA|", "a@", "a.a.", "1.1.", "::", "+1 ", "1a", "-", "a-", "<!subteam^A|"]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_redaction_of_a_long_adversarial_run_finishes(unit):
    text = (unit * (LENGTH // len(unit) + 1))[:LENGTH]
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(redact_text(text)), daemon=True)
    worker.start()
    worker.join(HANG_DEADLINE_S)
    assert done, f"redacting {LENGTH:,} characters of {unit!r} did not finish in {HANG_DEADLINE_S} s"


def test_bounded_patterns_still_redact_what_they_did():
    text = ("mail john.doe@mail.example.co.uk, <@U0123ABC|john>, <!subteam^S0TEAM|privacy> "
            "call +44 20 7946 0958, card 4111 1111 1111 1111, ip 10.0.0.12, on 2026-04-30")
    result = redact(text)
    assert result.text == ("mail [email], [user], [user] call [phone], card [card], ip [ip], on 2026-04-30")


def test_a_long_local_part_is_still_redacted_with_its_domain():
    result = redact_text("x" * 100 + "@example.com")
    assert "@example.com" not in result and "[email]" in result
