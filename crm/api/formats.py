"""Dates and time periods as they cross the Web API.

Dates go out as ``YYYY-MM-DDTHH:MM:SS`` in the organisation's time zone (``TIME_ZONE``) and
are stored in UTC. Dates coming in may also carry an offset or ``Z``; a date alone means
midnight.
"""

import re
import zoneinfo
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.utils import timezone

from crm.timeperiods import TimePeriod, period_between

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?$"
)


class DateFormatError(ValueError):
    pass


def _parse_zone(text: str):
    if text == "Z":
        return zoneinfo.ZoneInfo("UTC")
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise DateFormatError("the offset is out of range")
    return dt_timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_datetime(text: str) -> datetime:
    """Parse an API date; naive values are in the organisation's time zone."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise DateFormatError("expected YYYY-MM-DDTHH:MM:SS")
    try:
        day = date.fromisoformat(match["date"])
        moment = time.fromisoformat(match["time"]) if match["time"] else time(0, 0)
    except ValueError as exc:
        raise DateFormatError(str(exc)) from exc
    value = datetime.combine(day, moment)
    if match["zone"]:
        return value.replace(tzinfo=_parse_zone(match["zone"]))
    zone = timezone.get_default_timezone()
    aware = value.replace(tzinfo=zone)
    # A wall-clock time skipped by a daylight-saving change does not exist.
    if aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != value:
        raise DateFormatError("that local time does not exist (daylight saving change)")
    return aware


def format_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value, timezone.get_default_timezone()).strftime(DATE_FORMAT)


def period_object(period: TimePeriod | None) -> dict:
    """The API's time period object; both members are null when there is no period."""
    if period is None:
        return {"time_period_value": None, "time_period_uot": None}
    return {"time_period_value": period.value, "time_period_uot": period.uot}


def stored_period(value: int | None, uot: str | None) -> dict:
    return period_object(TimePeriod(value, uot) if value is not None and uot else None)


def time_to_completion(expected: datetime | None, now: datetime | None = None) -> dict:
    """Remaining time until ``expected``; null members once it has passed."""
    if expected is None:
        return period_object(None)
    return period_object(period_between(now or timezone.now(), expected))


def time_overdue(expected: datetime | None, is_open: bool, now: datetime | None = None) -> dict:
    """How long an open record has been past ``expected``; null members otherwise."""
    if expected is None or not is_open:
        return period_object(None)
    return period_object(period_between(expected, now or timezone.now()))
