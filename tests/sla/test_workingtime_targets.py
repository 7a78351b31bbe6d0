"""Working-time targets with units (contract section 8): the contract's examples, DAYS,
WEEKS, MONTHS and YEARS, MINUTES and HOURS over weekends and holidays, a target of 0 and
deadlines in UTC whatever the input zone. Pure Python, no database."""

from __future__ import annotations

from datetime import UTC

import pytest

from sla.workingtime import UNITS
from tests.sla.workingtime_helpers import ATHENS_OFFICE, OFFICE, SHORT_FRIDAY, SPLIT, athens, utc

# -- the contract's examples ----------------------------------------------------------------


def test_friday_afternoon_plus_8_hours_is_monday_afternoon():
    assert OFFICE.add(utc(2026, 12, 4, 16), 8, "HOURS") == utc(2026, 12, 7, 16)


def test_christmas_eve_plus_8_hours_skips_the_holiday_and_the_weekend():
    assert OFFICE.add(utc(2026, 12, 24, 16), 8, "HOURS") == utc(2026, 12, 28, 16)


def test_a_start_outside_working_hours_counts_from_the_next_working_moment():
    assert OFFICE.add(utc(2026, 12, 4, 18), 1, "HOURS") == utc(2026, 12, 7, 10)
    assert OFFICE.add(utc(2026, 12, 5, 12), 1, "HOURS") == utc(2026, 12, 7, 10)


# -- DAYS, WEEKS, MONTHS, YEARS ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "value", "deadline"),
    [
        (utc(2026, 12, 1, 10, 30), 1, utc(2026, 12, 2, 10, 30)),  # Tuesday -> Wednesday
        (utc(2026, 12, 4, 10, 30), 1, utc(2026, 12, 7, 10, 30)),  # Friday -> Monday
        (utc(2026, 12, 24, 10, 30), 1, utc(2026, 12, 28, 10, 30)),  # over Christmas
        (utc(2026, 12, 30, 10), 5, utc(2027, 1, 7, 10)),  # over New Year's Day
        # Outside working hours: from the next working moment.
        (utc(2026, 12, 5, 12), 1, utc(2026, 12, 8, 9)),  # Saturday -> Monday 09:00 -> Tuesday
        (utc(2026, 12, 7, 17), 1, utc(2026, 12, 9, 9)),  # Monday 17:00 -> Tuesday 09:00 -> ...
        (utc(2026, 12, 7, 7), 1, utc(2026, 12, 8, 9)),
    ],
)
def test_days_count_working_days(start, value, deadline):
    assert OFFICE.add(start, value, "DAYS") == deadline


def test_days_onto_a_shorter_day_move_to_the_next_working_moment():
    """Thursday 15:00 + 1 DAYS: Friday 15:00 is after Friday's only window (09:00-13:00), so
    the deadline is the next working moment, Monday 09:00; Friday is not counted again."""
    assert SHORT_FRIDAY.add(utc(2026, 12, 3, 15), 1, "DAYS") == utc(2026, 12, 7, 9)
    assert SHORT_FRIDAY.add(utc(2026, 12, 3, 11), 1, "DAYS") == utc(2026, 12, 4, 11)
    assert SHORT_FRIDAY.add(utc(2026, 12, 3, 15), 2, "DAYS") == utc(2026, 12, 7, 15)


def test_days_from_a_lunch_break_land_after_it():
    assert SPLIT.add(utc(2026, 12, 7, 13, 30), 1, "DAYS") == utc(2026, 12, 8, 14)


@pytest.mark.parametrize(
    ("start", "value", "deadline"),
    [
        (utc(2026, 12, 2, 10), 1, utc(2026, 12, 9, 10)),
        (utc(2026, 12, 23, 10), 1, utc(2026, 12, 31, 10)),  # 5 working days around Christmas
        (utc(2026, 12, 2, 10), 2, utc(2026, 12, 16, 10)),
        (utc(2026, 12, 5, 12), 1, utc(2026, 12, 14, 9)),  # Saturday: from Monday 09:00
    ],
)
def test_weeks_are_five_working_days(start, value, deadline):
    assert OFFICE.add(start, value, "WEEKS") == deadline
    assert OFFICE.add(start, value, "WEEKS") == OFFICE.add(start, 5 * value, "DAYS")


@pytest.mark.parametrize(
    ("start", "value", "unit", "deadline"),
    [
        (utc(2026, 3, 31, 10), 1, "MONTHS", utc(2026, 4, 30, 10)),  # clamped, a Thursday
        (utc(2026, 12, 31, 10), 2, "MONTHS", utc(2027, 3, 1, 9)),  # 28 Feb 2027 is a Sunday
        (utc(2026, 11, 25, 10), 1, "MONTHS", utc(2026, 12, 28, 9)),  # lands on Christmas
        (utc(2026, 1, 31, 12), 1, "MONTHS", utc(2026, 3, 2, 9)),  # Saturday: from Mon 2 Feb
        (utc(2026, 12, 2, 18), 1, "MONTHS", utc(2027, 1, 4, 9)),  # Wed 18:00 -> Thu 09:00
        (utc(2028, 2, 29, 10), 1, "YEARS", utc(2029, 2, 28, 10)),  # clamped
        (utc(2026, 1, 2, 10), 1, "YEARS", utc(2027, 1, 4, 9)),  # Saturday -> Monday
        (utc(2026, 12, 26, 12), 1, "YEARS", utc(2027, 12, 28, 9)),  # Saturday: from Monday
    ],
)
def test_months_and_years_are_calendar_months_then_the_next_working_moment(
    start, value, unit, deadline
):
    assert OFFICE.add(start, value, unit) == deadline


def test_months_keep_the_local_wall_clock():
    start = athens(2026, 3, 2, 12)  # UTC+2
    assert ATHENS_OFFICE.add(start, 1, "MONTHS") == athens(2026, 4, 2, 12)  # UTC+3
    assert ATHENS_OFFICE.add(start, 1, "MONTHS") == utc(2026, 4, 2, 9)


# -- MINUTES and HOURS over many days -------------------------------------------------------


def test_600_minutes_across_a_weekend():
    assert OFFICE.add(utc(2026, 12, 4, 12), 600, "MINUTES") == utc(2026, 12, 7, 14)


def test_minutes_over_many_days_and_holidays():
    # 50 hours from Wednesday 23 December 16:00: 1 + 8 (24th) + 8 x 4 (28th to 31st),
    # New Year's Day off, 8 (4 January), 1 on Tuesday 5 January.
    assert OFFICE.add(utc(2026, 12, 23, 16), 3000, "MINUTES") == utc(2027, 1, 5, 10)
    assert OFFICE.add(utc(2026, 12, 23, 16), 50, "HOURS") == utc(2027, 1, 5, 10)


# -- a target of 0, outputs in UTC ------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS)
def test_a_target_of_0_is_the_next_working_moment(unit):
    assert OFFICE.add(utc(2026, 12, 5, 12), 0, unit) == utc(2026, 12, 7, 9)
    assert OFFICE.add(utc(2026, 12, 7, 12, 34, 56), 0, unit) == utc(2026, 12, 7, 12, 34, 56)
    assert OFFICE.add(utc(2026, 12, 4, 17), 0, unit) == utc(2026, 12, 7, 9)


def test_outputs_are_utc_whatever_the_input_zone():
    deadline = OFFICE.add(athens(2026, 12, 4, 18), 8, "HOURS")  # 16:00 UTC
    assert deadline == utc(2026, 12, 7, 16)
    assert deadline.tzinfo is UTC
    assert OFFICE.next_working_moment(athens(2026, 12, 7, 12)).tzinfo is UTC
