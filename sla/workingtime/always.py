"""The calendar of a type without one: around the clock, plain elapsed time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sla.workingtime.calendar import Calendar
from sla.workingtime.checks import (
    MAX_SPAN,
    MAX_YEARS,
    MINUTES_PER_DAY,
    _check_unit,
    _plus_months,
    _seconds,
    _utc,
    _working_seconds_of,
)
from sla.workingtime.windows import Window


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
