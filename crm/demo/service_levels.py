"""The demo business calendar (contract section 8): "Office hours", UTC, Monday to Friday
09:00-17:00, with 25 December and 1 January off every year."""

from __future__ import annotations

from datetime import date, time

from crm.demo.base import upsert
from sla.calendars import bump
from sla.models import BusinessCalendar, Holiday, WorkingWindow

WORKDAYS = range(5)  # Monday to Friday
HOLIDAYS = [(date(2000, 12, 25), "Christmas Day"), (date(2000, 1, 1), "New Year's Day")]


def load_calendars() -> dict[str, BusinessCalendar]:
    office = upsert(
        BusinessCalendar,
        {"name": "Office hours"},
        {"time_zone": "UTC", "description": "Monday to Friday, 09:00 to 17:00."},
    )
    office.windows.exclude(weekday__in=WORKDAYS).delete()
    for weekday in WORKDAYS:
        office.windows.filter(weekday=weekday).exclude(start=time(9), end=time(17)).delete()
        upsert(
            WorkingWindow,
            {"calendar": office, "weekday": weekday, "start": time(9)},
            {"end": time(17)},
        )
    for day, name in HOLIDAYS:
        upsert(Holiday, {"calendar": office, "date": day}, {"every_year": True, "name": name})
    bump(office.pk)
    return {office.name: office}
