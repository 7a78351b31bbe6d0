"""Time periods: the Web API's ``{time_period_value, time_period_uot}`` objects.

Months and years are calendar units (``2024-01-31`` plus one month is ``2024-02-29``), so a
period is always applied to, or measured from, a concrete start.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models


class TimeUnit(models.TextChoices):
    MINUTES = "MINUTES", "minutes"
    HOURS = "HOURS", "hours"
    DAYS = "DAYS", "days"
    WEEKS = "WEEKS", "weeks"
    MONTHS = "MONTHS", "months"
    YEARS = "YEARS", "years"


_FIXED = {
    TimeUnit.MINUTES: timedelta(minutes=1),
    TimeUnit.HOURS: timedelta(hours=1),
    TimeUnit.DAYS: timedelta(days=1),
    TimeUnit.WEEKS: timedelta(weeks=1),
}
# Largest first: a measured period is expressed in the largest unit that fits at least once.
_LARGEST_FIRST = [
    TimeUnit.YEARS,
    TimeUnit.MONTHS,
    TimeUnit.WEEKS,
    TimeUnit.DAYS,
    TimeUnit.HOURS,
    TimeUnit.MINUTES,
]


@dataclass(frozen=True)
class TimePeriod:
    value: int
    uot: str

    def after(self, start: datetime) -> datetime:
        return add_period(start, self.value, self.uot)


def add_months(start: datetime, months: int) -> datetime:
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


class PeriodOverflow(ValueError):
    """The period ends beyond the calendar (after year 9999)."""


def add_period(start: datetime, value: int, uot: str) -> datetime:
    try:
        if uot == TimeUnit.YEARS:
            return add_months(start, 12 * value)
        if uot == TimeUnit.MONTHS:
            return add_months(start, value)
        return start + _FIXED[TimeUnit(uot)] * value
    except (OverflowError, ValueError) as exc:
        raise PeriodOverflow(
            f"{value} {uot.lower()} after {start:%Y-%m-%d} is past the calendar"
        ) from exc


def _whole_months(start: datetime, end: datetime) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _count(start: datetime, end: datetime, unit: TimeUnit) -> int:
    if unit == TimeUnit.YEARS:
        return _whole_months(start, end) // 12
    if unit == TimeUnit.MONTHS:
        return _whole_months(start, end)
    return (end - start) // _FIXED[unit]


def period_between(start: datetime, end: datetime) -> TimePeriod | None:
    """The time from ``start`` to ``end`` in the largest unit that fits, rounded down.

    Seed 004: 2 days and 22 minutes is ``{2, DAYS}``. Returns ``None`` when ``end`` is not
    after ``start`` by at least a minute (the API then shows null members).
    """
    if end <= start:
        return None
    for unit in _LARGEST_FIRST:
        count = _count(start, end, unit)
        if count >= 1:
            return TimePeriod(count, unit.value)
    return None
