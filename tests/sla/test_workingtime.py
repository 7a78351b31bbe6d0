"""Working-time arithmetic of business calendars (contract section 8): pure Python, no
database. The contract's examples, the rules ``sla.workingtime`` chose where the contract is
silent, daylight-saving changes in Europe/Athens, ``ALWAYS`` and properties over random
starts checked against each other and against a minute-by-minute count."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.workingtime import ALWAYS, UNITS, AlwaysCalendar, Calendar, Window

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


# -- the contract's examples ----------------------------------------------------------------


def test_friday_afternoon_plus_8_hours_is_monday_afternoon():
    assert OFFICE.add(utc(2026, 12, 4, 16), 8, "HOURS") == utc(2026, 12, 7, 16)


def test_christmas_eve_plus_8_hours_skips_the_holiday_and_the_weekend():
    assert OFFICE.add(utc(2026, 12, 24, 16), 8, "HOURS") == utc(2026, 12, 28, 16)


def test_a_start_outside_working_hours_counts_from_the_next_working_moment():
    assert OFFICE.add(utc(2026, 12, 4, 18), 1, "HOURS") == utc(2026, 12, 7, 10)
    assert OFFICE.add(utc(2026, 12, 5, 12), 1, "HOURS") == utc(2026, 12, 7, 10)


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


# -- working_seconds, add_seconds, subtract_seconds -------------------------------------------


def test_working_seconds_across_a_weekend_and_a_holiday():
    assert OFFICE.working_seconds(utc(2026, 12, 4, 16), utc(2026, 12, 7, 10)) == 2 * HOUR
    # Thursday 24th 12:00 to Tuesday 29th 12:00: 5 + 8 (Monday) + 3 hours.
    assert OFFICE.working_seconds(utc(2026, 12, 24, 12), utc(2026, 12, 29, 12)) == 16 * HOUR
    assert OFFICE.working_seconds(utc(2026, 12, 5), utc(2026, 12, 6, 23)) == 0  # weekend
    assert OFFICE.working_seconds(utc(2026, 12, 7, 12), utc(2026, 12, 7, 12)) == 0
    assert OFFICE.working_seconds(utc(2026, 12, 7, 12), utc(2026, 12, 4, 12)) == 0
    assert OFFICE.working_seconds(utc(2026, 1, 1), utc(2027, 1, 1)) == 259 * 8 * HOUR


def test_add_seconds():
    assert OFFICE.add_seconds(utc(2026, 12, 4, 16, 59, 30), 60) == utc(2026, 12, 7, 9, 0, 30)
    assert OFFICE.add_seconds(utc(2026, 12, 4, 17), 0) == utc(2026, 12, 7, 9)


def test_subtract_seconds_finds_where_the_remaining_time_falls_to_the_warning_period():
    deadline = utc(2026, 12, 7, 10)  # Monday
    # Over the weekend only Monday's hour is left: at risk from Friday 17:00 already.
    assert OFFICE.subtract_seconds(deadline, HOUR) == utc(2026, 12, 4, 17)
    assert OFFICE.subtract_seconds(deadline, 2 * HOUR) == utc(2026, 12, 4, 16)
    assert OFFICE.subtract_seconds(deadline, 0) == deadline
    assert OFFICE.subtract_seconds(utc(2026, 12, 28, 10), 2 * HOUR) == utc(2026, 12, 24, 16)
    assert OFFICE.subtract_seconds(utc(2026, 12, 6, 12), HOUR) == utc(2026, 12, 4, 16)  # Sunday


def starts(rng: random.Random, count: int) -> list[datetime]:
    """Random moments over 2026-2027 (both DST changes, Christmas), some with microseconds,
    some on whole hours (window boundaries)."""
    base = utc(2026, 1, 1)
    result = []
    for _ in range(count):
        moment = base + timedelta(seconds=rng.randrange(2 * 366 * 86400))
        kind = rng.random()
        if kind < 0.3:
            moment = moment.replace(minute=0, second=0)
        elif kind < 0.5:
            moment = moment.replace(microsecond=rng.randrange(1_000_000))
        result.append(moment)
    return result


PROPERTY_CALENDARS = [OFFICE, SPLIT, SHORT_FRIDAY, ATHENS_OFFICE, ATHENS_SUNDAY, ALWAYS]


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS, ids=repr)
def test_add_seconds_and_working_seconds_round_trip(calendar):
    rng = random.Random(20261204)
    for start in starts(rng, 400):
        seconds = rng.choice([0, 1, 59, 3600, 8 * 3600, rng.randrange(400 * 3600)])
        end = calendar.add_seconds(start, seconds)
        assert end.tzinfo is UTC
        assert end >= start
        assert calendar.working_seconds(start, end) == seconds, (start, seconds)
        if seconds:
            # The deadline is inside a window or at its end, never after a gap.
            assert calendar.working_seconds(start, end - timedelta(microseconds=1)) < seconds


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS, ids=repr)
def test_subtract_seconds_is_the_inverse_of_add_seconds(calendar):
    rng = random.Random(8)
    for start in starts(rng, 400):
        seconds = rng.choice([0, 1, 3600, rng.randrange(300 * 3600)])
        end = calendar.add_seconds(start, seconds)
        back = calendar.subtract_seconds(end, seconds)
        assert back <= calendar.next_working_moment(start)
        assert calendar.working_seconds(back, end) == seconds, (start, seconds)
        if seconds:
            # The earliest such moment: just before it, the clock was still working.
            assert calendar.is_working(back - timedelta(microseconds=1)), (start, seconds)
        back = calendar.subtract_seconds(start, seconds)
        assert back <= start
        assert calendar.working_seconds(back, start) == seconds


@pytest.mark.parametrize("calendar", PROPERTY_CALENDARS, ids=repr)
def test_working_seconds_add_up(calendar):
    rng = random.Random(3)
    for _ in range(200):
        a, b, c = sorted(m.replace(microsecond=0) for m in starts(rng, 3))
        whole = calendar.working_seconds(a, c)
        assert whole == calendar.working_seconds(a, b) + calendar.working_seconds(b, c)
        assert whole <= (c - a).total_seconds()


def minute_by_minute(calendar_windows, holidays, zone, start: datetime, end: datetime) -> int:
    """Working minutes in [start, end) counted one UTC minute at a time from the local wall
    clock: an oracle independent of the module's interval arithmetic."""
    spans = {}
    for window in calendar_windows:
        spans.setdefault(window.weekday, []).append((window.start, window.end))
    minutes = 0
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        of_day = local.hour * 60 + local.minute
        if (local.month, local.day) not in holidays and any(
            s <= of_day < e for s, e in spans.get(local.weekday(), ())
        ):
            minutes += 1
        moment += timedelta(minutes=1)
    return minutes


@pytest.mark.parametrize(
    "start",
    [
        utc(2026, 3, 25, 5, 17),  # the spring-forward week
        utc(2026, 10, 21, 13, 3),  # the fall-back week
        utc(2026, 12, 21, 0, 0),  # Christmas week
        utc(2026, 6, 1, 8, 59),
    ],
)
def test_working_seconds_agree_with_a_minute_by_minute_count_in_athens(start):
    end = start + timedelta(days=9, minutes=7)
    expected = minute_by_minute(ATHENS_OFFICE.windows, {(12, 25)}, ATHENS, start, end)
    assert ATHENS_OFFICE.working_seconds(start, end) == expected * 60


# -- daylight saving in Europe/Athens ----------------------------------------------------------


def local_day(day: date) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight."""
    return athens(day.year, day.month, day.day), athens(*(day + timedelta(days=1)).timetuple()[:3])


def test_a_whole_day_window_lasts_23_hours_when_clocks_go_forward():
    start, end = local_day(SPRING)
    assert ATHENS_SUNDAY.working_seconds(start, end) == 23 * HOUR
    assert ATHENS_SUNDAY.working_seconds(start - timedelta(days=3), end + timedelta(days=3)) == (
        23 * HOUR
    )
    assert ATHENS_SUNDAY.add(start, 23, "HOURS") == end == utc(2026, 3, 29, 21)
    # One hour more runs into the next Sunday.
    assert ATHENS_SUNDAY.add(start, 24, "HOURS") == athens(2026, 4, 5, 1)
    assert ATHENS_SUNDAY.is_working(utc(2026, 3, 29, 1, 30))  # 04:30 local


def test_a_whole_day_window_lasts_25_hours_when_clocks_go_back():
    start, end = local_day(FALL)
    assert ATHENS_SUNDAY.working_seconds(start, end) == 25 * HOUR
    assert ATHENS_SUNDAY.add(start, 25, "HOURS") == end == utc(2026, 10, 25, 22)
    # 03:00 local happens twice: at 00:00 UTC (+03:00) and at 01:00 UTC (+02:00). (Compared
    # in UTC: Python never finds a repeated local time equal to a time in another zone.)
    assert ATHENS_SUNDAY.add(start, 3, "HOURS") == utc(2026, 10, 25, 0)
    assert ATHENS_SUNDAY.add(start, 4, "HOURS") == utc(2026, 10, 25, 1)
    assert athens(2026, 10, 25, 3, fold=1).astimezone(UTC) == utc(2026, 10, 25, 1)
    # The earliest moment with 25 working hours left: the end of the Sunday before.
    assert ATHENS_SUNDAY.subtract_seconds(end, 25 * HOUR) == athens(2026, 10, 19, 0)
    assert ATHENS_SUNDAY.subtract_seconds(end, 25 * HOUR - 1) == start + timedelta(seconds=1)


def test_office_windows_stay_at_nine_local_across_the_changes():
    # Spring: 09:00 local is 07:00 UTC before the change and 06:00 UTC after it.
    assert ATHENS_OFFICE.next_working_moment(utc(2026, 3, 27, 0)) == utc(2026, 3, 27, 7)
    assert ATHENS_OFFICE.next_working_moment(utc(2026, 3, 28, 12)) == utc(2026, 3, 30, 6)
    assert ATHENS_OFFICE.add(athens(2026, 3, 27, 16), 2, "HOURS") == athens(2026, 3, 30, 10)
    assert ATHENS_OFFICE.add(athens(2026, 3, 27, 16), 2, "HOURS") == utc(2026, 3, 30, 7)
    assert ATHENS_OFFICE.add(athens(2026, 3, 27, 10), 1, "DAYS") == utc(2026, 3, 30, 7)
    # Fall: 09:00 local is 06:00 UTC before and 07:00 UTC after.
    assert ATHENS_OFFICE.next_working_moment(utc(2026, 10, 24, 12)) == utc(2026, 10, 26, 7)
    assert ATHENS_OFFICE.add(athens(2026, 10, 23, 16), 2, "HOURS") == utc(2026, 10, 26, 8)
    assert ATHENS_OFFICE.working_seconds(athens(2026, 10, 23, 16), athens(2026, 10, 26, 10)) == (
        2 * HOUR
    )
    assert ATHENS_OFFICE.add(athens(2026, 10, 23, 10), 1, "WEEKS") == athens(2026, 10, 30, 10)


def test_window_ends_in_a_skipped_or_repeated_hour():
    """Working time is the real time the wall clock reads a time inside the window: a start
    the clock skips is the instant of the jump; a repeated hour counts on both passes."""
    calendar = Calendar("Europe/Athens", windows([6], ("03:30", "05:00")))
    spring_start, spring_end = local_day(SPRING)
    assert calendar.working_seconds(spring_start, spring_end) == HOUR  # 04:00 to 05:00
    assert calendar.next_working_moment(spring_start) == utc(2026, 3, 29, 1)  # the jump
    fall_start, fall_end = local_day(FALL)
    # 03:30-04:00 at +03:00 (00:30-01:00 UTC), then 03:30-05:00 at +02:00 (01:30-03:00 UTC).
    assert calendar.working_seconds(fall_start, fall_end) == 2 * HOUR
    assert calendar.next_working_moment(fall_start) == utc(2026, 10, 25, 0, 30)
    assert not calendar.is_working(utc(2026, 10, 25, 1, 15))  # 03:15 again, after the change
    assert calendar.next_working_moment(utc(2026, 10, 25, 1)) == utc(2026, 10, 25, 1, 30)
    assert calendar.add(utc(2026, 10, 25, 0, 30), 1, "HOURS") == utc(2026, 10, 25, 2)
    # 01:00-03:00 ends the first time the clock reads 03:00; 03:00-04:00 is read twice.
    early = Calendar("Europe/Athens", windows([6], ("01:00", "03:00")))
    assert early.working_seconds(fall_start, fall_end) == 2 * HOUR  # 22:00-00:00 UTC
    both = Calendar("Europe/Athens", windows([6], ("03:00", "04:00")))
    assert both.working_seconds(fall_start, fall_end) == 2 * HOUR  # 00:00-02:00 UTC


def test_days_onto_a_skipped_or_repeated_wall_clock_time():
    # 03:30 does not exist on 29 March: the deadline is the jump, 04:00 local.
    assert ATHENS_SUNDAY.add(athens(2026, 3, 22, 3, 30), 1, "DAYS") == utc(2026, 3, 29, 1)
    # 03:30 happens twice on 25 October: the first time.
    assert ATHENS_SUNDAY.add(athens(2026, 10, 18, 3, 30), 1, "DAYS") == utc(2026, 10, 25, 0, 30)


# -- ALWAYS -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "value", "unit", "deadline"),
    [
        (utc(2026, 3, 28, 12), 90, "MINUTES", utc(2026, 3, 28, 13, 30)),
        (utc(2026, 3, 28, 12), 25, "HOURS", utc(2026, 3, 29, 13)),
        (utc(2026, 3, 28, 12), 2, "DAYS", utc(2026, 3, 30, 12)),
        (utc(2026, 12, 24, 12), 1, "WEEKS", utc(2026, 12, 31, 12)),  # 7 days, holidays or not
        (utc(2026, 1, 31, 10), 1, "MONTHS", utc(2026, 2, 28, 10)),
        (utc(2028, 1, 31, 10), 1, "MONTHS", utc(2028, 2, 29, 10)),
        (utc(2026, 1, 31, 10), 13, "MONTHS", utc(2027, 2, 28, 10)),
        (utc(2026, 12, 31, 10), 2, "MONTHS", utc(2027, 2, 28, 10)),
        (utc(2028, 2, 29, 10), 1, "YEARS", utc(2029, 2, 28, 10)),
        (utc(2028, 2, 29, 10), 4, "YEARS", utc(2032, 2, 29, 10)),
        (utc(2026, 12, 5, 3), 0, "HOURS", utc(2026, 12, 5, 3)),
    ],
)
def test_always_is_plain_elapsed_time(start, value, unit, deadline):
    assert ALWAYS.add(start, value, unit) == deadline


def test_always():
    assert isinstance(ALWAYS, AlwaysCalendar)
    assert isinstance(ALWAYS, Calendar)
    assert ALWAYS.time_zone == "UTC"
    moment = athens(2026, 3, 29, 2, 30)  # 00:30 UTC, half an hour before the change
    assert ALWAYS.is_working(moment)
    assert ALWAYS.next_working_moment(moment) == moment
    assert ALWAYS.next_working_moment(moment).tzinfo is UTC
    # Elapsed time, not the local wall clock: 24 hours later is 03:30 in Athens.
    assert ALWAYS.add(moment, 1, "DAYS") == utc(2026, 3, 30, 0, 30) == athens(2026, 3, 30, 3, 30)
    assert ALWAYS.add(moment, 1, "DAYS").tzinfo is UTC
    assert ALWAYS.add_seconds(moment, 90) == utc(2026, 3, 29, 0, 31, 30)
    assert ALWAYS.subtract_seconds(moment, 90) == utc(2026, 3, 29, 0, 28, 30)
    assert ALWAYS.working_seconds(moment, utc(2026, 4, 1, 0, 30, 5)) == 3 * 86400 + 5
    # Three wall-clock days in Athens over the change are an hour short of 72 hours.
    assert ALWAYS.working_seconds(moment, athens(2026, 4, 1, 2, 30)) == 71 * HOUR
    assert ALWAYS.working_seconds(moment, utc(2026, 3, 28, 23, 30)) == 0


# -- a target of 0, wrong inputs, bounds ------------------------------------------------------


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
