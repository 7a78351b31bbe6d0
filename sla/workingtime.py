"""Working-time arithmetic on business calendars (contract section 8).

The single place where service-level deadlines are computed. Pure Python: no Django, no
database, only ``datetime``, ``zoneinfo`` and ``dataclasses``.

A ``Calendar`` is a time zone, weekly working windows in local wall-clock time (several per
weekday allowed) and holidays (one-off dates and dates recurring every year). ``ALWAYS`` is
the calendar of a type without one: around the clock, in UTC, plain elapsed time.

Model. Each working window of a local day is turned into intervals of real (UTC) time;
working time is the real time elapsed inside those intervals, so a 00:00-24:00 window lasts
23 hours on a spring-forward day and 25 hours on a fall-back day. Arithmetic walks these
intervals one day at a time (never minute by minute); the intervals of a day are cached on
the calendar, which is immutable.

Rules chosen where the contract is silent (the tests pin each one):

* Intervals are half-open, ``[start, end)``: 09:00 is working, 17:00 is not.
* A target that is used up exactly at the end of a window is due at that end (Friday 17:00),
  not at the start of the next window (Monday 09:00). A target of 0 is due at the next
  working moment.
* Daylight saving: working time is the real time during which the local wall clock reads a
  time inside a window of that local day. A window covering a skipped hour is an hour
  shorter (its start, if skipped, is the instant of the jump); one covering a repeated hour
  counts both passes (03:30-05:00 when clocks go back from 04:00 to 03:00: 03:30-04:00
  before the change plus 03:30-05:00 after it, 2 hours).
* Every unit counts from the next working moment of the start (a start outside working
  hours counts from the next working moment).
* DAYS: the same local wall-clock time on the n-th next working day (a weekday with at least
  one window that is not a holiday), then the next working moment. So on a calendar whose
  Friday ends at 13:00, 1 DAYS from Thursday 15:00 is Monday 09:00: Friday 15:00 is not
  working, and the next working moment after it is Monday 09:00 (the day is not counted
  twice). WEEKS: 5 working days each.
* MONTHS and YEARS: calendar months on the local wall clock, the day clamped to the month's
  length (31 January + 1 month = 28/29 February), then the next working moment.
* ``subtract_seconds(end, n)`` is the latest moment ``t <= end`` with
  ``working_seconds(t, end) == n``: a count back that ends exactly at the start of a window
  stays there (Monday 09:00) rather than going back to the end of the previous window
  (Friday 17:00), so ``subtract_seconds(add_seconds(s, n), n) == next_working_moment(s)``.
* Every wrong input raises ``ValueError``: naive datetimes, unknown units, negative or
  non-integer values, targets or spans past 50 years, and a calendar without any working
  time in 400 consecutive days. No loop is unbounded.
* Results are aware datetimes in UTC; microseconds of the inputs are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ALWAYS", "UNITS", "AlwaysCalendar", "Calendar", "Window"]

UNITS = ("MINUTES", "HOURS", "DAYS", "WEEKS", "MONTHS", "YEARS")

MINUTES_PER_DAY = 1440
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Working days in a WEEKS target.
WORKING_DAYS_PER_WEEK = 5
# Bounds that keep a bad calendar or a huge target from hanging a request.
MAX_YEARS = 50
MAX_SPAN = timedelta(days=366 * MAX_YEARS)
MAX_IDLE_DAYS = 400
# Largest value per unit: anything beyond is past MAX_YEARS whatever the calendar.
_MAX_VALUE = {
    "MINUTES": MAX_SPAN // timedelta(minutes=1),
    "HOURS": MAX_SPAN // timedelta(hours=1),
    "DAYS": MAX_SPAN.days,
    "WEEKS": MAX_SPAN.days // WORKING_DAYS_PER_WEEK,
    "MONTHS": 12 * MAX_YEARS,
    "YEARS": MAX_YEARS,
}
_SECONDS_PER_UNIT = {"MINUTES": 60, "HOURS": 3600}
# Bounds a yearly holiday (month, day) against a leap year, so 29 February is allowed.
_LEAP_YEAR = 2000
_ONE_SECOND = timedelta(seconds=1)
_ONE_DAY = timedelta(days=1)
_FIRST_YEAR = date.min.year + MAX_YEARS + 2
_LAST_YEAR = date.max.year - MAX_YEARS - 2
# Offset changes looked for in one local day (real zones have at most one).
_MAX_TRANSITIONS_PER_DAY = 4
# Days whose intervals a calendar keeps; a month target needs about 31.
_DAY_CACHE_SIZE = 4096

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, order=True)
class Window:
    """A weekly working window: ``weekday`` 0 = Monday ... 6 = Sunday; ``start`` and ``end`` in
    minutes from local midnight, ``0 <= start < end <= 1440`` (1440 is 24:00, the end of the
    day). A window ends the day it starts; one crossing midnight must be split in two."""

    weekday: int
    start: int
    end: int

    def __post_init__(self) -> None:
        for field, value in (("weekday", self.weekday), ("start", self.start), ("end", self.end)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"Window {field} must be an integer, not {value!r}.")
        if not 0 <= self.weekday <= 6:
            raise ValueError(
                f"Window weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}."
            )
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 <= self.end <= MINUTES_PER_DAY:
            raise ValueError(
                f"Window {self.label()}: times must be between 00:00 and 24:00, "
                "the start before 24:00."
            )
        if self.end == 0 and self.start > 0:
            raise ValueError(
                f"Window {self.label()} ends at 00:00, before it starts: write 24:00 for the end "
                "of the day (a window crossing midnight must be split into two windows, one each "
                "day)."
            )
        if self.end < self.start:
            raise ValueError(
                f"Window {self.label()} crosses midnight: split it into two windows, one each day "
                f"(e.g. {_hhmm(self.start)}-24:00 and 00:00-{_hhmm(self.end)} the next day)."
            )
        if self.end == self.start:
            raise ValueError(f"Window {self.label()} is empty: its end must be after its start.")

    @classmethod
    def parse(cls, weekday: int, start: str, end: str) -> Window:
        """A window from "HH:MM" texts, e.g. ``Window.parse(0, "09:00", "24:00")``."""
        return cls(weekday, _parse_hhmm(start), _parse_hhmm(end))

    def label(self) -> str:
        day = WEEKDAY_NAMES[self.weekday] if 0 <= self.weekday <= 6 else f"day {self.weekday}"
        return f"{day} {_hhmm(self.start)}-{_hhmm(self.end)}"

    def __str__(self) -> str:
        return self.label()


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_hhmm(text: str) -> int:
    """Minutes from midnight of "HH:MM" (00:00 to 24:00)."""
    hours, sep, minutes = str(text).strip().partition(":")
    if (
        not sep
        or not hours.isdigit()
        or not minutes.isdigit()
        or len(hours) > 2
        or len(minutes) != 2
        or int(minutes) > 59
        or int(hours) * 60 + int(minutes) > MINUTES_PER_DAY
    ):
        raise ValueError(f"“{text}” is not a time of day HH:MM between 00:00 and 24:00.")
    return int(hours) * 60 + int(minutes)


def _utc(moment: datetime, argument: str = "moment") -> datetime:
    """``moment`` in UTC; naive datetimes are refused, as their instant is unknown."""
    if not isinstance(moment, datetime):
        raise ValueError(f"{argument} must be a datetime, not {moment!r}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{argument} is a naive datetime: give a timezone-aware one.")
    moment = moment.astimezone(UTC)
    # Far enough from year 1 and 9999 that any bounded search stays inside datetime's range.
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        raise ValueError(f"{argument} must be between the years {_FIRST_YEAR} and {_LAST_YEAR}.")
    return moment


def _count(value: int, argument: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{argument} must be an integer, not {value!r}.")
    if value < 0:
        raise ValueError(f"{argument} must not be negative ({value}).")
    return value


def _check_unit(value: int, unit: str) -> int:
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}: one of {', '.join(UNITS)}.")
    _count(value, "value")
    if value > _MAX_VALUE[unit]:
        raise ValueError(f"A target of {value} {unit} is past {MAX_YEARS} years.")
    return value


def _seconds(seconds: int) -> timedelta:
    _count(seconds, "seconds")
    if seconds > MAX_SPAN.total_seconds():
        raise ValueError(f"{seconds} seconds is past {MAX_YEARS} years.")
    return timedelta(seconds=seconds)


def _plus_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months (wall clock), the day clamped to the month's length."""
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    month += 1
    if year > date.max.year:
        raise ValueError(f"A target past the year {date.max.year}.")
    next_month = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    last_day = (next_month - _ONE_DAY).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _working_seconds_of(total: timedelta) -> int:
    """Whole seconds of a timedelta (exact sums of timedeltas, floored at the end)."""
    return total // _ONE_SECOND


class Calendar:
    """A business calendar: working windows in a time zone, minus holidays.

    Immutable once built; safe to share between threads (the per-day cache only ever holds
    values computed the same way)."""

    def __init__(
        self,
        time_zone: str,
        windows: Iterable[Window],
        holidays: Iterable[date] = (),
        yearly_holidays: Iterable[tuple[int, int]] = (),
        name: str = "",
    ) -> None:
        self.name = name
        self._tz = _zone(time_zone)
        self.time_zone = str(time_zone)
        self.windows = _check_windows(windows)
        # Windows of each weekday as (start, end) minutes, sorted.
        self._by_weekday: tuple[tuple[tuple[int, int], ...], ...] = tuple(
            tuple((w.start, w.end) for w in self.windows if w.weekday == day) for day in range(7)
        )
        self.holidays = frozenset(_check_holiday(day) for day in holidays)
        self.yearly_holidays = frozenset(_check_yearly(pair) for pair in yearly_holidays)
        self._days: dict[date, tuple[Interval, ...]] = {}

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return f"<Calendar{label} {self.time_zone}, {len(self.windows)} windows>"

    # -- the days -----------------------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays

    def is_working_day(self, day: date) -> bool:
        """A local day with at least one window that is not a holiday (what DAYS counts)."""
        return bool(self._by_weekday[day.weekday()]) and not self.is_holiday(day)

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self._tz).date()

    def _offset(self, moment: datetime) -> timedelta:
        return moment.astimezone(self._tz).utcoffset()

    def _jump(self, before: datetime, after: datetime) -> datetime:
        """The first instant in ``(before, after]`` whose UTC offset differs from the one at
        ``before`` (the offset at ``after`` must differ). Bisects in whole seconds, as time
        zone transitions are on whole seconds."""
        offset = self._offset(before)
        before = before.replace(microsecond=0)
        while after - before > _ONE_SECOND:
            middle = before + _ONE_SECOND * ((after - before) // _ONE_SECOND // 2)
            if self._offset(middle) == offset:
                before = middle
            else:
                after = middle
        return before + _ONE_SECOND

    def _wall_to_utc(self, wall: datetime) -> datetime:
        """The first instant the local wall clock reads ``wall`` (naive): its first occurrence
        if it happens twice (fall back), the instant of the jump if the clock skips it."""
        wall = wall.replace(tzinfo=None, fold=0)
        offset = wall.replace(tzinfo=self._tz).utcoffset()
        other = wall.replace(tzinfo=self._tz, fold=1).utcoffset()
        first, second = (wall - offset).replace(tzinfo=UTC), (wall - other).replace(tzinfo=UTC)
        if first <= second:  # Happens once, or twice and fold 0 is the earlier occurrence.
            return first
        # Skipped: ``second`` (offset after the jump) is before the jump, ``first`` after it.
        return self._jump(second, first)

    def _segments(self, day: date) -> list[tuple[datetime, datetime, timedelta]]:
        """The real time of a local day (from its midnight to the next, as first reached)
        cut at its offset changes: (begin, end, UTC offset) pieces in order."""
        begin = self._wall_to_utc(datetime.combine(day, time()))
        end = self._wall_to_utc(datetime.combine(day + _ONE_DAY, time()))
        segments: list[tuple[datetime, datetime, timedelta]] = []
        if end <= begin:  # A day the zone skipped entirely (Pacific/Apia, 30 December 2011).
            return segments
        for _ in range(_MAX_TRANSITIONS_PER_DAY):
            offset = self._offset(begin)
            if self._offset(end - _ONE_SECOND) == offset:
                break
            jump = self._jump(begin, end - _ONE_SECOND)
            segments.append((begin, jump, offset))
            begin = jump
        segments.append((begin, end, self._offset(begin)))
        return segments

    def _day_intervals(self, day: date) -> tuple[Interval, ...]:
        """The working intervals (UTC) of a local day, in order, touching ones merged: the
        instants of the day whose local wall-clock time is inside one of its windows.

        Each piece of the day with one UTC offset maps windows to real time by that offset,
        so a window covering a skipped hour is an hour shorter, and one covering a repeated
        hour counts both passes (03:30-05:00 when clocks go back at 04:00 to 03:00 is
        03:30-04:00 before the change and 03:30-05:00 after it: 2 hours)."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        intervals: list[Interval] = []
        spans = self._by_weekday[day.weekday()]
        if spans and not self.is_holiday(day):
            midnight = datetime.combine(day, time(), tzinfo=UTC)  # wall times, read as UTC
            for begin, end, offset in self._segments(day):
                for start, stop in spans:
                    a = max(begin, midnight + timedelta(minutes=start) - offset)
                    b = min(end, midnight + timedelta(minutes=stop) - offset)
                    if a >= b:
                        continue
                    if intervals and a <= intervals[-1][1]:
                        intervals[-1] = (intervals[-1][0], max(b, intervals[-1][1]))
                    else:
                        intervals.append((a, b))
        result = tuple(intervals)
        if len(self._days) >= _DAY_CACHE_SIZE:
            self._days.clear()
        self._days[day] = result
        return result

    def _forward(self, moment: datetime, until: datetime | None = None) -> Iterator[Interval]:
        """Working intervals after ``moment`` in order, the first cut to start at ``moment``.
        Without ``until`` it goes on until the consumer stops, but raises past MAX_SPAN or
        after MAX_IDLE_DAYS days without working time; with it, it stops after ``until``."""
        # Local days cut real time into consecutive pieces (each from its midnight to the
        # next, as first reached), so their intervals come in order. Start a day early: in a
        # zone whose clock goes back across midnight, an instant can read the previous date.
        day = self._local_date(moment) - _ONE_DAY
        last_day = self._local_date(until) + _ONE_DAY if until is not None else None
        horizon = self._local_date(moment + MAX_SPAN) if until is None else None
        idle = 0
        while True:
            if last_day is not None and day > last_day:
                return
            if horizon is not None and day > horizon:
                raise ValueError(f"A target past {MAX_YEARS} years on calendar {self.name!r}.")
            found = False
            for a, b in self._day_intervals(day):
                if b <= moment:
                    continue
                found = True
                yield max(a, moment), b
            idle = 0 if found else idle + 1
            if until is None and idle > MAX_IDLE_DAYS:
                raise ValueError(
                    f"Calendar {self.name!r} has no working time in {MAX_IDLE_DAYS} days "
                    f"after {moment.isoformat()}."
                )
            day += _ONE_DAY

    def _backward(self, moment: datetime) -> Iterator[Interval]:
        """Working intervals before ``moment``, latest first, the first cut to end at it;
        bounded like ``_forward``."""
        day = self._local_date(moment) + _ONE_DAY
        horizon = self._local_date(moment - MAX_SPAN)
        idle = 0
        while True:
            if day < horizon:
                raise ValueError(f"A span past {MAX_YEARS} years on calendar {self.name!r}.")
            found = False
            for a, b in reversed(self._day_intervals(day)):
                if a >= moment:
                    continue
                found = True
                yield a, min(b, moment)
            idle = 0 if found else idle + 1
            if idle > MAX_IDLE_DAYS:
                raise ValueError(
                    f"Calendar {self.name!r} has no working time in {MAX_IDLE_DAYS} days "
                    f"before {moment.isoformat()}."
                )
            day -= _ONE_DAY

    # -- the public arithmetic ----------------------------------------------------------------

    def is_working(self, moment: datetime) -> bool:
        """Whether ``moment`` is inside a working window (windows are half-open)."""
        moment = _utc(moment)
        day = self._local_date(moment)
        return any(
            a <= moment < b
            for local in (day - _ONE_DAY, day, day + _ONE_DAY)
            for a, b in self._day_intervals(local)
        )

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if working, else the start of the next window (in UTC)."""
        return next(self._forward(_utc(moment)))[0]

    def add_seconds(self, start: datetime, seconds: int) -> datetime:
        """The moment ``seconds`` working seconds after ``start``; 0 is the next working
        moment, and a target used up at the end of a window is due at that end."""
        remaining = _seconds(seconds)
        for a, b in self._forward(_utc(start, "start")):
            if remaining <= b - a:
                return a + remaining
            remaining -= b - a
        raise AssertionError("unreachable: _forward raises before it ends")  # pragma: no cover

    def subtract_seconds(self, end: datetime, seconds: int) -> datetime:
        """The earliest moment ``t <= end`` with ``working_seconds(t, end) == seconds``: where
        the remaining working time falls to ``seconds`` (AT_RISK for a warning period). A
        remaining hour due Monday 10:00 is reached on Friday at 17:00, when the week's
        working time runs out, not on Monday at 09:00: over the weekend only that hour is
        left, so the request is already at risk. ``seconds`` 0 is ``end`` itself."""
        remaining = _seconds(seconds)
        end = _utc(end, "end")
        if not remaining:
            return end
        for a, b in self._backward(end):
            # Strictly less: when an interval is used up exactly, the moment is the end of
            # the working interval before it (remaining 0 there returns its end).
            if remaining < b - a:
                return b - remaining
            remaining -= b - a
        raise AssertionError("unreachable: _backward raises before it ends")  # pragma: no cover

    def working_seconds(self, start: datetime, end: datetime) -> int:
        """Working seconds in ``[start, end)`` (whole seconds, floored); 0 if ``end <= start``."""
        start, end = _utc(start, "start"), _utc(end, "end")
        if end <= start:
            return 0
        if end - start > MAX_SPAN:
            raise ValueError(f"A span past {MAX_YEARS} years.")
        total = timedelta()
        for a, b in self._forward(start, until=end):
            if a >= end:
                break
            total += min(b, end) - a
        return _working_seconds_of(total)

    def add(self, start: datetime, value: int, unit: str) -> datetime:
        """The deadline of a target of ``value`` ``unit`` from ``start`` (see the module
        docstring for what each unit counts)."""
        _check_unit(value, unit)
        if unit in _SECONDS_PER_UNIT:
            return self.add_seconds(start, value * _SECONDS_PER_UNIT[unit])
        begin = self.next_working_moment(_utc(start, "start"))
        if value == 0:
            return begin
        wall = begin.astimezone(self._tz).replace(tzinfo=None)
        if unit in ("DAYS", "WEEKS"):
            days = value * (WORKING_DAYS_PER_WEEK if unit == "WEEKS" else 1)
            target = datetime.combine(self._nth_working_day(wall.date(), days), wall.time())
        else:
            target = _plus_months(wall, value * (12 if unit == "YEARS" else 1))
        return self.next_working_moment(self._wall_to_utc(target))

    def _nth_working_day(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (n >= 1), bounded like every search."""
        horizon = day + MAX_SPAN
        idle = 0
        while n:
            day += _ONE_DAY
            if day > horizon:
                raise ValueError(f"A target past {MAX_YEARS} years on calendar {self.name!r}.")
            if self.is_working_day(day):
                n -= 1
                idle = 0
            else:
                idle += 1
                if idle > MAX_IDLE_DAYS:
                    raise ValueError(
                        f"Calendar {self.name!r} has no working day in {MAX_IDLE_DAYS} days."
                    )
        return day


def _zone(time_zone: str | tzinfo) -> tzinfo:
    if isinstance(time_zone, ZoneInfo):
        return time_zone
    try:
        return ZoneInfo(str(time_zone))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"“{time_zone}” is not a time zone (e.g. Europe/Athens, UTC).") from error


def _check_windows(windows: Iterable[Window]) -> tuple[Window, ...]:
    """The windows sorted; overlapping ones are refused (touching ones are fine)."""
    result = tuple(windows)
    for window in result:
        if not isinstance(window, Window):
            raise ValueError(f"Not a Window: {window!r}.")
    result = tuple(sorted(result))
    if not result:
        raise ValueError(
            "A calendar needs at least one working window: it would never reach any target."
        )
    for index in range(1, len(result)):
        before, after = result[index - 1], result[index]
        if before.weekday == after.weekday and after.start < before.end:
            raise ValueError(
                f"Windows {before} and {after} overlap: make them one window or separate them."
            )
    return result


def _check_holiday(day: date) -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError(f"A holiday must be a date, not {day!r}.")
    return day


def _check_yearly(pair: tuple[int, int]) -> tuple[int, int]:
    try:
        month, day = pair
        date(_LEAP_YEAR, month, day)
    except (TypeError, ValueError) as error:
        raise ValueError(f"A yearly holiday must be (month, day), not {pair!r}.") from error
    return (month, day)


class AlwaysCalendar(Calendar):
    """The calendar of a type without one: around the clock in UTC, no holidays. Its
    arithmetic is plain elapsed time: MINUTES, HOURS, DAYS and WEEKS add exactly 60 s,
    3600 s, 86400 s and 7 days; MONTHS and YEARS add calendar months (day clamped)."""

    _UNIT_DELTAS = {
        "MINUTES": timedelta(minutes=1),
        "HOURS": timedelta(hours=1),
        "DAYS": timedelta(days=1),
        "WEEKS": timedelta(weeks=1),
    }

    def __init__(self) -> None:
        super().__init__("UTC", [Window(day, 0, MINUTES_PER_DAY) for day in range(7)], name="24x7")

    def __repr__(self) -> str:
        return "<Calendar ALWAYS (24x7, UTC)>"

    def is_working(self, moment: datetime) -> bool:
        _utc(moment)
        return True

    def next_working_moment(self, moment: datetime) -> datetime:
        return _utc(moment)

    def add_seconds(self, start: datetime, seconds: int) -> datetime:
        return _utc(start, "start") + _seconds(seconds)

    def subtract_seconds(self, end: datetime, seconds: int) -> datetime:
        return _utc(end, "end") - _seconds(seconds)

    def working_seconds(self, start: datetime, end: datetime) -> int:
        start, end = _utc(start, "start"), _utc(end, "end")
        if end - start > MAX_SPAN:
            raise ValueError(f"A span past {MAX_YEARS} years.")
        return max(0, _working_seconds_of(end - start))

    def add(self, start: datetime, value: int, unit: str) -> datetime:
        _check_unit(value, unit)
        start = _utc(start, "start")
        if unit in self._UNIT_DELTAS:
            return start + value * self._UNIT_DELTAS[unit]
        return _plus_months(start, value * (12 if unit == "YEARS" else 1))


ALWAYS = AlwaysCalendar()
