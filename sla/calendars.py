"""Business calendars as arithmetic: the rows of sla.models made into
``sla.workingtime.Calendar`` objects, cached per process by the calendar's version.

A calendar changes rarely and is read on every request that shows or computes a service
level; the cache holds each version once, and ``calendars(ids)`` loads what a page needs in
a constant number of queries (two, for any number of calendars), so lists stay constant.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sla import workingtime
from sla.models import BusinessCalendar, Holiday, WorkingWindow

_CACHE: dict[tuple[str, int], workingtime.Calendar] = {}
_LOCK = threading.Lock()


def _minutes(moment, *, end: bool = False) -> int:
    minutes = moment.hour * 60 + moment.minute
    return 1440 if end and minutes == 0 else minutes


def window_of(weekday: int, start, end) -> workingtime.Window:
    """A window row's times as the arithmetic reads them: an end of 00:00 is midnight."""
    return workingtime.Window(weekday, _minutes(start), _minutes(end, end=True))


def build(row: BusinessCalendar, windows: Iterable, holidays: Iterable) -> workingtime.Calendar:
    """The arithmetic of a calendar row, its windows and its holidays."""
    return workingtime.Calendar(
        row.time_zone,
        [window_of(w.weekday, w.start, w.end) for w in windows],
        holidays=[h.date for h in holidays if not h.every_year],
        yearly_holidays=[(h.date.month, h.date.day) for h in holidays if h.every_year],
        name=row.name,
    )


def calendars(rows: Iterable[BusinessCalendar]) -> dict[str, workingtime.Calendar]:
    """The arithmetic of ``rows`` by id; windows and holidays of those not cached yet are
    loaded in two queries."""
    rows = {row.pk: row for row in rows if row is not None}
    missing = [row for row in rows.values() if (row.pk, row.version) not in _CACHE]
    if missing:
        ids = [row.pk for row in missing]
        windows: dict[str, list] = {pk: [] for pk in ids}
        holidays: dict[str, list] = {pk: [] for pk in ids}
        for window in WorkingWindow.objects.filter(calendar_id__in=ids):
            windows[window.calendar_id].append(window)
        for holiday in Holiday.objects.filter(calendar_id__in=ids):
            holidays[holiday.calendar_id].append(holiday)
        with _LOCK:
            for row in missing:
                _CACHE[(row.pk, row.version)] = build(row, windows[row.pk], holidays[row.pk])
    return {pk: _CACHE[(pk, row.version)] for pk, row in rows.items()}


def calendar_of(row: BusinessCalendar | None):
    """The arithmetic of one calendar row, or ``workingtime.ALWAYS`` for none."""
    if row is None:
        return workingtime.ALWAYS
    return calendars([row])[row.pk]


def of_type(sr_type):
    """The arithmetic of a request type's calendar, or None: the type runs around the clock
    (sla.clock then counts plain elapsed time)."""
    return None if sr_type.calendar_id is None else calendar_of(sr_type.calendar)


def bump(calendar_id: str) -> None:
    """A calendar, its windows or its holidays changed: its next version is computed anew."""
    from django.db.models import F

    BusinessCalendar.objects.filter(pk=calendar_id).update(version=F("version") + 1)
