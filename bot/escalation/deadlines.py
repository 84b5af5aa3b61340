"""Statutory deadlines of data-subject requests, in calendar terms (the regimes: bot/settings.py).

One month from 31 January is 28 (or 29) February: the same day next month, clamped to the month's
end. Days are calendar days; "business days" (CCPA's confirmation of receipt) skip Saturdays and
Sundays (public holidays are not known here, so that date errs early, never late). A request is
due on the date shown (UTC) and overdue from the next day.

    due_date(received, regime)            the response deadline
    latest_extension(received, regime)    the furthest date an extension may set
    check_extension(record, new_date, today)   None, or why the extension is not allowed
    badge(due, today, reminder_days)      "on_time" | "due_soon" | "overdue"
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone

from bot.settings import DSAR_REGIMES

BADGES = {"on_time": ":large_green_circle: on time", "due_soon": ":large_yellow_circle: due soon",
          "overdue": ":red_circle: overdue", "closed_on_time": ":white_check_mark: closed on time",
          "closed_late": ":warning: closed late"}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_period(day: date, period: tuple[int, str]) -> date:
    amount, unit = period
    if unit == "months":
        return add_months(day, amount)
    if unit == "days":
        return day + timedelta(days=amount)
    raise ValueError(f"unknown period unit {unit!r}")


def add_business_days(day: date, days: int) -> date:
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def utc_date(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, timezone.utc).date()


def regime(name: str | None) -> dict:
    if name not in DSAR_REGIMES:
        raise ValueError(f"unknown regime {name!r}; expected one of {', '.join(DSAR_REGIMES)}")
    return DSAR_REGIMES[name]


def due_date(received: date, regime_name: str) -> date:
    return add_period(received, regime(regime_name)["period"])


def latest_extension(received: date, regime_name: str) -> date:
    """The regime's maximum: the response period plus its one extension, both from receipt."""
    rules = regime(regime_name)
    amount, unit = rules["period"]
    extra, extra_unit = rules["extension"]
    if unit == extra_unit:
        return add_period(received, (amount + extra, unit))
    return add_period(add_period(received, rules["period"]), rules["extension"])


def confirm_by(received: date, regime_name: str) -> date | None:
    days = regime(regime_name)["confirm_receipt"]
    return add_business_days(received, days) if days else None


def check_extension(*, received: date, regime_name: str, current_due: date, extended: bool, new_date: date,
                    today: date) -> str | None:
    """Why an extension to `new_date` is not allowed, or None when it is."""
    if extended:
        return "This request was already extended once; the law allows one extension."
    if today > current_due:
        return (f"The extension had to be made (and the person told) before the original deadline, "
                f"{current_due.isoformat()}.")
    limit = latest_extension(received, regime_name)
    if new_date <= current_due:
        return f"The new date must be after the current deadline, {current_due.isoformat()}."
    if new_date > limit:
        return (f"{regime(regime_name)['label']} allows at most {limit.isoformat()} "
                f"({_period_text(regime(regime_name)['extension'])} more).")
    return None


def badge(due: date, today: date, reminder_days: int) -> str:
    if today > due:
        return "overdue"
    if (due - today).days <= reminder_days:
        return "due_soon"
    return "on_time"


def closed_badge(due: date, closed: date) -> str:
    return "closed_on_time" if closed <= due else "closed_late"


def _period_text(period: tuple[int, str]) -> str:
    amount, unit = period
    return f"{amount} {unit if amount != 1 else unit[:-1]}"


def regime_summary(name: str) -> str:
    rules = regime(name)
    text = f"{rules['label']}: {_period_text(rules['period'])}, extendable once by {_period_text(rules['extension'])}"
    if rules["confirm_receipt"]:
        text += f"; confirm receipt within {rules['confirm_receipt']} business days"
    return text
