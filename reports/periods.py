"""The periods of the trend and compliance reports (contract section 9): days, weeks
starting on Monday, or calendar months, in the organisation's time zone (TIME_ZONE)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import DateTimeField, Func, IntegerField, Value
from django.db.models.functions import Trunc
from django.utils import timezone

from crm.exceptions import InvalidParameter

PERIODS = ("DAY", "WEEK", "MONTH")
MAX_PERIODS = 366


def period_start(day: date, period: str) -> date:
    """The first day of the period ``day`` lies in."""
    if period == "WEEK":
        return day - timedelta(days=day.weekday())
    if period == "MONTH":
        return day.replace(day=1)
    return day


def next_start(start: date, period: str) -> date:
    """The first day of the period after the one starting on ``start``."""
    if period == "WEEK":
        return start + timedelta(days=7)
    if period == "MONTH":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def period_starts(period: str, date_from: date, date_to: date) -> list[date]:
    """Every period from the one holding ``date_from`` to the one holding ``date_to``, none
    skipped; the day after the last period ends the list (its end). At most 366 periods:
    INVALID_PARAMETER naming ``date_to`` beyond that or before ``date_from``."""
    if period not in PERIODS:
        raise InvalidParameter(
            "The parameter period is invalid.",
            param="period",
            detail=f"{period!r} is not one of {', '.join(PERIODS)}",
        )
    if date_to < date_from:
        raise InvalidParameter(
            "The parameter date_to is invalid.", param="date_to", detail="before date_from"
        )
    starts = [period_start(date_from, period)]
    while starts[-1] <= date_to:
        if len(starts) > MAX_PERIODS:
            raise InvalidParameter(
                "The parameter date_to is invalid.",
                param="date_to",
                detail=f"at most {MAX_PERIODS} periods ({period}) from date_from",
            )
        starts.append(next_start(starts[-1], period))
    return starts


def moment(day: date) -> datetime:
    """The start of ``day`` in the organisation's time zone (an aware moment)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def truncated(column, period: str) -> Trunc:
    """``column`` cut to the start of its period in the organisation's time zone, in SQL."""
    return Trunc(
        column,
        period.lower(),
        output_field=DateTimeField(),
        tzinfo=timezone.get_default_timezone(),
    )


def local_day(value: datetime) -> date:
    """A truncated moment as the local date its period starts on."""
    return timezone.localtime(value, timezone.get_default_timezone()).date()


class _WidthBucket(Func):
    """PostgreSQL's ``width_bucket(value, boundaries)``: 1 for the first boundary up to
    the second, and so on (0 before the first, the count after the last; null for null)."""

    function = "width_bucket"
    output_field = IntegerField()


def in_periods(column, period: str, starts: list[date]) -> tuple[Func, Callable]:
    """``column``'s period among ``starts`` (their last item ends the last period) in SQL,
    and what reads a grouped value back as the first day of its period (None outside the
    periods). On PostgreSQL the position among the periods' boundaries (``width_bucket``,
    a binary search per row): cutting each moment down in the time zone (``truncated``)
    added 90 ms to a year of 400,000 requests read from an index, the position 10 ms.
    Elsewhere the truncated moment."""
    if connection.vendor != "postgresql":

        def day_of(value: datetime | None) -> date | None:
            return None if value is None else local_day(value)

        return truncated(column, period), day_of
    boundaries = Value([moment(start) for start in starts])

    def start_of(position: int | None) -> date | None:
        return starts[position - 1] if position and position < len(starts) else None

    return _WidthBucket(column, boundaries), start_of
