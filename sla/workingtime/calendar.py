"""A business calendar's arithmetic: working intervals of each local day, walked forward
and backward one day at a time (see the package docstring for the rules)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta

from sla.workingtime.checks import (
    _DAY_CACHE_SIZE,
    _MAX_TRANSITIONS_PER_DAY,
    _ONE_DAY,
    _ONE_SECOND,
    _SECONDS_PER_UNIT,
    MAX_IDLE_DAYS,
    MAX_SPAN,
    MAX_YEARS,
    WORKING_DAYS_PER_WEEK,
    Interval,
    _check_holiday,
    _check_unit,
    _check_yearly,
    _plus_months,
    _seconds,
    _utc,
    _working_seconds_of,
    _zone,
)
from sla.workingtime.windows import Window, _check_windows


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
