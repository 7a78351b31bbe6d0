"""Business calendars of ``sla.workingtime`` (contract section 8): windows and calendars
refused or accepted, several windows a day, half-open windows, one-off and yearly holidays,
wrong inputs (naive datetimes, dates, units, values) and the bounds (400 days without
working time, 50 years). Pure Python, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sla.workingtime import ALWAYS, Calendar, Window
from tests.sla.workingtime_helpers import HOUR, MONDAY_TO_FRIDAY, OFFICE, SPLIT, utc, windows

# -- windows --------------------------------------------------------------------------------


def test_window_parse():
    assert Window.parse(0, "09:00", "17:30") == Window(0, 540, 1050)
    assert Window.parse(6, "00:00", "24:00") == Window(6, 0, 1440)
    assert str(Window.parse(4, "9:05", "13:00")) == "Friday 09:05-13:00"


def test_a_window_crossing_midnight_is_refused():
    with pytest.raises(ValueError, match="crosses midnight: split it into two windows, one each"):
        Window.parse(0, "22:00", "06:00")
    with pytest.raises(ValueError, match="write 24:00 for the end of the day"):
        Window.parse(0, "22:00", "00:00")


def test_a_window_crossing_midnight_is_refused_in_minutes_too():
    with pytest.raises(ValueError, match="split it into two windows"):
        Window(0, 22 * 60, 6 * 60)


@pytest.mark.parametrize(
    ("weekday", "start", "end", "message"),
    [
        (0, "09:00", "09:00", "is empty"),
        (0, "24:00", "24:00", "the start before 24:00"),
        (7, "09:00", "17:00", "weekday must be 0"),
        (-1, "09:00", "17:00", "weekday must be 0"),
        (0, "09:00", "24:30", "not a time of day"),
        (0, "09:00", "25:00", "not a time of day"),
        (0, "9am", "17:00", "not a time of day"),
        (0, "09:60", "17:00", "not a time of day"),
        (0, "09:0", "17:00", "not a time of day"),
        (0, "", "17:00", "not a time of day"),
    ],
)
def test_bad_windows_are_refused(weekday, start, end, message):
    with pytest.raises(ValueError, match=message):
        Window.parse(weekday, start, end)


def test_overlapping_windows_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        Calendar("UTC", windows([0], ("09:00", "13:00"), ("12:00", "18:00")))
    with pytest.raises(ValueError, match="overlap"):
        Calendar("UTC", windows([2], ("09:00", "17:00"), ("09:00", "17:00")))
    with pytest.raises(ValueError, match="overlap"):
        Calendar("UTC", windows([2], ("00:00", "24:00"), ("10:00", "11:00")))


def test_the_same_hours_on_different_days_and_touching_windows_are_fine():
    touching = Calendar("UTC", windows(MONDAY_TO_FRIDAY, ("09:00", "13:00"), ("13:00", "17:00")))
    start = utc(2026, 12, 2, 12)
    for hours in (0, 1, 4, 5, 13, 40):
        assert touching.add(start, hours, "HOURS") == OFFICE.add(start, hours, "HOURS")


def test_a_calendar_without_windows_is_refused():
    with pytest.raises(ValueError, match="at least one working window"):
        Calendar("UTC", [])


def test_bad_calendars_are_refused():
    with pytest.raises(ValueError, match="not a time zone"):
        Calendar("Europe/Atlantis", windows([0], ("09:00", "17:00")))
    with pytest.raises(ValueError, match="Not a Window"):
        Calendar("UTC", [(0, 540, 1020)])
    with pytest.raises(ValueError, match="yearly holiday"):
        Calendar("UTC", windows([0], ("09:00", "17:00")), yearly_holidays=[(2, 30)])
    with pytest.raises(ValueError, match="holiday must be a date"):
        Calendar("UTC", windows([0], ("09:00", "17:00")), holidays=[utc(2026, 12, 8)])


def test_several_windows_a_day():
    assert SPLIT.add(utc(2026, 12, 7, 12, 30), 1, "HOURS") == utc(2026, 12, 7, 14, 30)
    assert SPLIT.working_seconds(utc(2026, 12, 7, 12, 30), utc(2026, 12, 7, 14, 30)) == HOUR
    assert not SPLIT.is_working(utc(2026, 12, 7, 13, 30))
    assert SPLIT.next_working_moment(utc(2026, 12, 7, 13, 30)) == utc(2026, 12, 7, 14)
    # 8 working hours a day: from Monday 12:30, 8 hours end on Tuesday 12:30, and the ninth
    # skips Tuesday's lunch break.
    assert SPLIT.add(utc(2026, 12, 7, 12, 30), 8, "HOURS") == utc(2026, 12, 8, 12, 30)
    assert SPLIT.add(utc(2026, 12, 7, 12, 30), 9, "HOURS") == utc(2026, 12, 8, 14, 30)


def test_windows_are_half_open():
    assert OFFICE.is_working(utc(2026, 12, 7, 9))
    assert OFFICE.is_working(utc(2026, 12, 7, 16, 59, 59))
    assert not OFFICE.is_working(utc(2026, 12, 7, 17))
    assert not OFFICE.is_working(utc(2026, 12, 5, 12))  # Saturday


def test_a_target_used_up_at_the_end_of_a_window_is_due_at_that_end():
    assert OFFICE.add(utc(2026, 12, 4, 16), 1, "HOURS") == utc(2026, 12, 4, 17)
    assert SPLIT.add(utc(2026, 12, 7, 12), 1, "HOURS") == utc(2026, 12, 7, 13)


# -- holidays ---------------------------------------------------------------------------------


def test_one_off_holidays_count_once():
    calendar = Calendar(
        "UTC", windows(MONDAY_TO_FRIDAY, ("09:00", "17:00")), holidays=[date(2026, 12, 8)]
    )
    assert not calendar.is_working(utc(2026, 12, 8, 10))
    assert calendar.add(utc(2026, 12, 7, 16), 2, "HOURS") == utc(2026, 12, 9, 10)
    assert calendar.is_working(utc(2027, 12, 8, 10))  # a Wednesday, not a holiday that year


def test_yearly_holidays_recur():
    for year in (2026, 2027, 2030, 2044):
        for month, day in ((12, 25), (1, 1)):
            assert not OFFICE.is_working(utc(year, month, day, 10))
    assert OFFICE.is_working(utc(2030, 12, 24, 10))  # Tuesday
    assert OFFICE.add(utc(2030, 12, 24, 16), 2, "HOURS") == utc(2030, 12, 26, 10)


def test_29_february_is_a_yearly_holiday_of_leap_years_only():
    calendar = Calendar("UTC", windows(range(7), ("09:00", "17:00")), yearly_holidays=[(2, 29)])
    assert not calendar.is_working(utc(2028, 2, 29, 10))
    assert calendar.is_working(utc(2029, 2, 28, 10))
    assert calendar.is_working(utc(2029, 3, 1, 10))


# -- wrong inputs, bounds ---------------------------------------------------------------------


NAIVE = datetime(2026, 12, 7, 10)
AWARE = utc(2026, 12, 7, 10)


@pytest.mark.parametrize("calendar", [OFFICE, ALWAYS], ids=repr)
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_working(NAIVE),
        lambda c: c.next_working_moment(NAIVE),
        lambda c: c.add(NAIVE, 1, "HOURS"),
        lambda c: c.add(NAIVE, 1, "MONTHS"),
        lambda c: c.add_seconds(NAIVE, 1),
        lambda c: c.subtract_seconds(NAIVE, 1),
        lambda c: c.working_seconds(NAIVE, AWARE),
        lambda c: c.working_seconds(AWARE, NAIVE),
    ],
)
def test_naive_datetimes_are_refused(calendar, call):
    with pytest.raises(ValueError, match="naive datetime: give a timezone-aware one"):
        call(calendar)


@pytest.mark.parametrize("calendar", [OFFICE, ALWAYS], ids=repr)
def test_dates_are_refused(calendar):
    with pytest.raises(ValueError, match="must be a datetime"):
        calendar.add(date(2026, 12, 7), 1, "HOURS")


@pytest.mark.parametrize("calendar", [OFFICE, ALWAYS], ids=repr)
@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (1, "SECONDS", "Unknown unit"),
        (1, "hours", "Unknown unit"),
        (-1, "HOURS", "must not be negative"),
        (1.5, "HOURS", "must be an integer"),
        (True, "HOURS", "must be an integer"),
        ("1", "HOURS", "must be an integer"),
        (51, "YEARS", "past 50 years"),
        (601, "MONTHS", "past 50 years"),
        (50 * 366 * 24 + 1, "HOURS", "past 50 years"),
        (10**9, "MINUTES", "past 50 years"),
        (10**6, "DAYS", "past 50 years"),
        (10**6, "WEEKS", "past 50 years"),
    ],
)
def test_wrong_targets_are_refused(calendar, value, unit, message):
    with pytest.raises(ValueError, match=message):
        calendar.add(AWARE, value, unit)


@pytest.mark.parametrize("calendar", [OFFICE, ALWAYS], ids=repr)
def test_wrong_seconds_and_spans_are_refused(calendar):
    with pytest.raises(ValueError, match="must not be negative"):
        calendar.add_seconds(AWARE, -1)
    with pytest.raises(ValueError, match="must not be negative"):
        calendar.subtract_seconds(AWARE, -1)
    with pytest.raises(ValueError, match="50 years"):
        calendar.working_seconds(AWARE, AWARE + timedelta(days=51 * 366))
    with pytest.raises(ValueError, match="between the years"):
        calendar.add(datetime(9990, 1, 1, tzinfo=UTC), 1, "HOURS")


def test_a_calendar_without_working_time_for_400_days_is_refused_not_hung():
    mondays = [date(2026, 1, 5) + timedelta(weeks=week) for week in range(120)]
    calendar = Calendar("UTC", windows([0], ("09:00", "17:00")), holidays=mondays, name="Closed")
    for call in (
        lambda: calendar.next_working_moment(utc(2026, 1, 1)),
        lambda: calendar.add(utc(2026, 1, 1), 1, "HOURS"),
        lambda: calendar.add(utc(2026, 1, 1), 1, "DAYS"),
        lambda: calendar.subtract_seconds(utc(2028, 3, 1), 1),
    ):
        with pytest.raises(ValueError, match="400 days"):
            call()
    assert not calendar.is_working(utc(2026, 1, 5, 10))
    assert calendar.working_seconds(utc(2026, 1, 1), utc(2027, 12, 31)) == 0
    # After the holidays (the last is Monday 17 April 2028) it works again.
    assert calendar.add(utc(2028, 4, 18), 1, "HOURS") == utc(2028, 4, 24, 10)


def test_a_target_past_50_years_of_calendar_time_is_refused():
    sparse = Calendar("UTC", windows([0], ("09:00", "09:01")))  # one minute a week
    with pytest.raises(ValueError, match="50 years"):
        sparse.add(utc(2026, 1, 1), 3000, "HOURS")
    with pytest.raises(ValueError, match="50 years"):
        sparse.subtract_seconds(utc(2026, 1, 1), 3000 * HOUR)
