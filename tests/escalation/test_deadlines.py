"""Deadline arithmetic: calendar months clamped to month end, leap years, extension limits per regime."""

from datetime import date

import pytest

from bot.errors import ConfigError
from bot.escalation import deadlines
from bot.settings import Settings


@pytest.mark.parametrize("received,due", [
    (date(2026, 1, 15), date(2026, 2, 15)),
    (date(2026, 1, 31), date(2026, 2, 28)),   # clamped to February's end
    (date(2028, 1, 31), date(2028, 2, 29)),   # leap year
    (date(2026, 3, 31), date(2026, 4, 30)),
    (date(2026, 12, 31), date(2027, 1, 31)),  # across the year
    (date(2026, 2, 28), date(2026, 3, 28)),   # not "end of month to end of month"
])
def test_gdpr_one_month_is_the_same_day_next_month_clamped(received, due):
    assert deadlines.due_date(received, "gdpr") == due


def test_gdpr_extension_reaches_three_months_from_receipt_clamped():
    assert deadlines.latest_extension(date(2026, 11, 30), "gdpr") == date(2027, 2, 28)
    assert deadlines.latest_extension(date(2027, 11, 30), "gdpr") == date(2028, 2, 29)
    assert deadlines.latest_extension(date(2026, 1, 10), "gdpr") == date(2026, 4, 10)


@pytest.mark.parametrize("regime", ["ccpa", "vcdpa"])
def test_45_day_regimes_in_calendar_days_and_one_45_day_extension(regime):
    assert deadlines.due_date(date(2026, 1, 31), regime) == date(2026, 3, 17)
    assert deadlines.due_date(date(2028, 2, 1), regime) == date(2028, 3, 17)  # 29 Feb counts
    assert deadlines.latest_extension(date(2026, 1, 31), regime) == date(2026, 5, 1)


def test_ccpa_receipt_is_confirmed_within_ten_business_days_and_gdpr_has_no_such_rule():
    assert deadlines.confirm_by(date(2026, 11, 27), "ccpa") == date(2026, 12, 11)  # a Friday → two weeks on
    assert deadlines.confirm_by(date(2026, 11, 28), "ccpa") == date(2026, 12, 11)  # Saturday: starts Monday
    assert deadlines.confirm_by(date(2026, 11, 27), "gdpr") is None


def test_extension_rules_per_regime():
    received = date(2026, 1, 31)
    due = deadlines.due_date(received, "gdpr")  # 2026-02-28

    def check(new, *, today=date(2026, 2, 10), extended=False, regime="gdpr", current=due):
        return deadlines.check_extension(received=received, regime_name=regime, current_due=current,
                                         extended=extended, new_date=new, today=today)

    assert check(date(2026, 4, 30)) is None  # exactly the maximum (31 Jan + 3 months, clamped)
    assert "at most 2026-04-30" in check(date(2026, 5, 1))
    assert "after the current deadline" in check(date(2026, 2, 28))
    assert "already extended once" in check(date(2026, 3, 31), extended=True)
    assert "before the original deadline" in check(date(2026, 3, 31), today=date(2026, 3, 1))
    ccpa_due = deadlines.due_date(received, "ccpa")
    assert check(date(2026, 5, 1), regime="ccpa", current=ccpa_due) is None
    assert "CCPA/CPRA allows at most 2026-05-01" in check(date(2026, 5, 2), regime="ccpa", current=ccpa_due)


def test_badges():
    due = date(2026, 3, 10)
    assert deadlines.badge(due, date(2026, 3, 1), 7) == "on_time"
    assert deadlines.badge(due, date(2026, 3, 3), 7) == "due_soon"
    assert deadlines.badge(due, date(2026, 3, 10), 7) == "due_soon"  # due today is not late
    assert deadlines.badge(due, date(2026, 3, 11), 7) == "overdue"


def test_regime_and_digest_settings_fail_fast_and_the_fake_clock_needs_the_test_flag(tmp_path):
    assert Settings.from_mapping({}).dsar_default_regime == "gdpr"
    assert Settings.from_mapping({"DSAR_DEFAULT_REGIME": "CCPA"}).dsar_default_regime == "ccpa"
    for env, variable in (({"DSAR_DEFAULT_REGIME": "lgpd"}, "DSAR_DEFAULT_REGIME"),
                          ({"DSAR_DIGEST_TIME": "25:00"}, "DSAR_DIGEST_TIME"),
                          ({"DSAR_REMINDER_DAYS": "-1"}, "DSAR_REMINDER_DAYS"),
                          ({"DSAR_RECORD_RETENTION_MONTHS": "0"}, "DSAR_RECORD_RETENTION_MONTHS"),
                          ({"DSAR_TEST_CLOCK_FILE": str(tmp_path / "clock")}, "DSAR_TEST_CLOCK_FILE")):
        with pytest.raises(ConfigError) as error:
            Settings.from_mapping(env)
        assert error.value.variable == variable
    settings = Settings.from_mapping({"DSAR_TEST_CLOCK_FILE": str(tmp_path / "clock"), "PRIVACY_BOT_TESTING": "1"})
    assert settings.dsar_test_clock_file == tmp_path / "clock"
