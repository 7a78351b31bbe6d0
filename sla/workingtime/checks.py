"""Bounds and input checks of the working-time arithmetic: every wrong input is a
``ValueError`` that says what is wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def _zone(time_zone: str | tzinfo) -> tzinfo:
    if isinstance(time_zone, ZoneInfo):
        return time_zone
    try:
        return ZoneInfo(str(time_zone))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"“{time_zone}” is not a time zone (e.g. Europe/Athens, UTC).") from error


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
