"""Seconds arithmetic of business calendars (``working_seconds``, ``add_seconds``,
``subtract_seconds``): worked examples, then properties over random starts checked against
each other and against a minute-by-minute count in Europe/Athens. Pure Python, no
database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from sla.workingtime import ALWAYS
from tests.sla.workingtime_helpers import (
    ATHENS,
    ATHENS_OFFICE,
    ATHENS_SUNDAY,
    HOUR,
    OFFICE,
    SHORT_FRIDAY,
    SPLIT,
    utc,
)

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
