"""Shared calendars and helpers for the working-time tests (``sla.workingtime``): moments in
UTC and Europe/Athens, windows over several weekdays, the contract's office calendar and the
other calendars the tests use, and the 2026 daylight-saving dates in Athens. Not a test
module."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sla.workingtime import Calendar, Window

ATHENS = ZoneInfo("Europe/Athens")
HOUR = 3600
MONDAY_TO_FRIDAY = range(5)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def athens(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ATHENS, fold=fold)


def windows(days, *spans: tuple[str, str]) -> list[Window]:
    return [Window.parse(day, start, end) for day in days for start, end in spans]


# The contract's calendar.
OFFICE = Calendar(
    "UTC",
    windows(MONDAY_TO_FRIDAY, ("09:00", "17:00")),
    yearly_holidays=[(12, 25), (1, 1)],
    name="Office hours",
)
SPLIT = Calendar("UTC", windows(MONDAY_TO_FRIDAY, ("09:00", "13:00"), ("14:00", "18:00")))
SHORT_FRIDAY = Calendar(
    "UTC", windows(range(4), ("09:00", "17:00")) + windows([4], ("09:00", "13:00"))
)
ATHENS_OFFICE = Calendar(
    "Europe/Athens", windows(MONDAY_TO_FRIDAY, ("09:00", "17:00")), yearly_holidays=[(12, 25)]
)
ATHENS_SUNDAY = Calendar("Europe/Athens", windows([6], ("00:00", "24:00")))
# 2026: clocks go forward on Sunday 29 March (03:00 -> 04:00) and back on Sunday 25 October
# (04:00 -> 03:00) in Athens.
SPRING = date(2026, 3, 29)
FALL = date(2026, 10, 25)


def local_day(day: date) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight."""
    return athens(day.year, day.month, day.day), athens(*(day + timedelta(days=1)).timetuple()[:3])
