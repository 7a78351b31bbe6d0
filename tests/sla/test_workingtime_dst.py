"""Daylight-saving changes in Europe/Athens (2026: forward on 29 March, back on 25 October)
for business calendars, and ``ALWAYS``, the calendar of plain elapsed time. Pure Python, no
database."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from sla.workingtime import ALWAYS, AlwaysCalendar, Calendar
from tests.sla.workingtime_helpers import (
    ATHENS_OFFICE,
    ATHENS_SUNDAY,
    FALL,
    HOUR,
    SPRING,
    athens,
    local_day,
    utc,
    windows,
)

# -- daylight saving in Europe/Athens ----------------------------------------------------------


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
