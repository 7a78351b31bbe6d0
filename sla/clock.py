"""The service-level clock of a request (contract section 8), worked out when read.

A request stores only the facts: its start, its target date (``expected_completion_date``,
moved forward when a pause ends), the moment it becomes at risk, since when it is paused and
how much working time its finished pauses took, when the clock stopped, the response's due
date and when the response came. Everything the ``sla`` object says follows from those, its
status's clock effect and its type's calendar, at the moment of reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.timeperiods import TimePeriod, add_period

RUN, PAUSE, STOP = "RUN", "PAUSE", "STOP"
CLOCK = {RUN: "RUNNING", PAUSE: "PAUSED", STOP: "STOPPED"}
ON_TRACK, AT_RISK, BREACHED, MET, MISSED = "ON_TRACK", "AT_RISK", "BREACHED", "MET", "MISSED"
STATUSES = (ON_TRACK, AT_RISK, BREACHED, MET, MISSED)
# The states whose statuses run or pause the clock; the others always stop it.
RUNNING_STATES = ("PENDING", "RESPONDED", "TEMPORARY_RESOLVED")
CANCELLED = "CANCELLED"
# Reference week for "a working day" of a calendar: far from any usual holiday.
_REFERENCE_MONDAY = datetime.fromisoformat("2001-06-11T00:00:00+00:00")
_PERIOD_SECONDS = {"MINUTES": 60, "HOURS": 3600}
_FIXED_DAYS = {"DAYS": 1, "WEEKS": 7, "MONTHS": 30, "YEARS": 365}


@dataclass(frozen=True)
class Facts:
    """What a request stores about its clock (the ``sla_*`` columns and the target)."""

    start: datetime
    due: datetime | None
    at_risk: datetime | None
    paused_since: datetime | None
    paused_seconds: int
    stopped_at: datetime | None
    response_due: datetime | None
    responded_at: datetime | None


def effect_for(state: str, configured: str | None) -> str:
    """A status's clock effect: a closed state's status always stops."""
    if state not in RUNNING_STATES:
        return STOP
    return configured if configured in (RUN, PAUSE) else RUN


# -- working time -------------------------------------------------------------------------------


def is_calendar(calendar) -> bool:
    """A business calendar, as opposed to running around the clock (``calendar`` None)."""
    return calendar is not None


def add_target(calendar, start: datetime, value: int, uot: str) -> datetime:
    """The moment a target of ``value`` ``uot`` from ``start`` is reached."""
    if not is_calendar(calendar):
        return add_period(start, value, uot)
    return calendar.add(start, value, uot)


def working_seconds(calendar, start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    if not is_calendar(calendar):
        return int((end - start).total_seconds())
    return calendar.working_seconds(start, end)


def add_seconds(calendar, start: datetime, seconds: int) -> datetime:
    if not is_calendar(calendar):
        return start + timedelta(seconds=seconds)
    return calendar.add_seconds(start, seconds)


def subtract_seconds(calendar, end: datetime, seconds: int) -> datetime:
    if not is_calendar(calendar):
        return end - timedelta(seconds=seconds)
    return calendar.subtract_seconds(end, seconds)


def period_seconds(calendar, period: TimePeriod) -> int:
    """A warning period as working seconds: minutes and hours as they are; days and longer
    as that many working days of the calendar (its average working day)."""
    if period.uot in _PERIOD_SECONDS:
        return period.value * _PERIOD_SECONDS[period.uot]
    days = period.value * _FIXED_DAYS[period.uot]
    if not is_calendar(calendar):
        return days * 86400
    week = working_seconds(calendar, _REFERENCE_MONDAY, _REFERENCE_MONDAY + timedelta(days=7))
    working_days = sum(
        1
        for n in range(7)
        if working_seconds(
            calendar,
            _REFERENCE_MONDAY + timedelta(days=n),
            _REFERENCE_MONDAY + timedelta(days=n + 1),
        )
    )
    per_day = week // max(working_days, 1)
    if period.uot == "WEEKS":
        return period.value * 5 * per_day
    return days * per_day


def at_risk_date(calendar, start, due, paused_seconds, warning: TimePeriod, percentage: int):
    """When a request becomes at risk: its remaining working time falls to the warning
    period, or its elapsed working time reaches ``percentage`` of the target, whichever
    comes first."""
    if due is None:
        return None
    by_warning = subtract_seconds(calendar, due, period_seconds(calendar, warning))
    target = max(working_seconds(calendar, start, due) - paused_seconds, 0)
    by_share = add_seconds(calendar, start, target * percentage // 100 + paused_seconds)
    return max(min(by_warning, by_share), start)


# -- the sla object ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """The clock of one request at one moment."""

    clock: str
    status: str | None
    elapsed_seconds: int
    paused_seconds: int
    remaining_seconds: int | None
    response_status: str | None


def _end(facts: Facts, effect: str, now: datetime) -> datetime:
    """Up to when the clock counted: its stop, the start of the current pause, or now."""
    if effect == STOP and facts.stopped_at is not None:
        return facts.stopped_at
    if facts.paused_since is not None:
        return facts.paused_since
    return now


def _paused_total(facts: Facts, calendar, now: datetime) -> int:
    current = 0
    if facts.paused_since is not None:
        end = facts.stopped_at or now
        current = working_seconds(calendar, facts.paused_since, end)
    return facts.paused_seconds + current


def _status(facts: Facts, state: str, end: datetime) -> str | None:
    if state == CANCELLED or facts.due is None:
        return None
    if state not in RUNNING_STATES:
        return MET if (facts.stopped_at or end) <= facts.due else MISSED
    if end >= facts.due:
        return BREACHED
    if facts.at_risk is not None and end >= facts.at_risk:
        return AT_RISK
    return ON_TRACK


def _response_status(facts, calendar, state, end, percentage) -> str | None:
    if facts.response_due is None:
        return None
    if facts.responded_at is not None:
        return MET if facts.responded_at <= facts.response_due else MISSED
    if state == CANCELLED:
        return None
    if end >= facts.response_due:
        return BREACHED
    total = working_seconds(calendar, facts.start, facts.response_due) - facts.paused_seconds
    elapsed = working_seconds(calendar, facts.start, end) - facts.paused_seconds
    return AT_RISK if total > 0 and elapsed * 100 >= total * percentage else ON_TRACK


def _remaining(facts: Facts, state: str, calendar, counted: datetime) -> int | None:
    """Working seconds from ``counted`` to the target; negative past it."""
    if facts.due is None or state == CANCELLED:
        return None
    if counted <= facts.due:
        return working_seconds(calendar, counted, facts.due)
    return -working_seconds(calendar, facts.due, counted)


def read(facts: Facts, *, effect: str, state: str, calendar, now: datetime, percentage: int):
    """The clock of a request as the ``sla`` object tells it."""
    end = _end(facts, effect, now)
    paused = _paused_total(facts, calendar, now)
    # Before a start in the future nothing has elapsed and the whole target remains.
    counted = max(end, facts.start)
    elapsed = max(working_seconds(calendar, facts.start, counted) - facts.paused_seconds, 0)
    return Reading(
        clock=CLOCK[effect],
        status=_status(facts, state, end),
        elapsed_seconds=elapsed,
        paused_seconds=paused,
        remaining_seconds=_remaining(facts, state, calendar, counted),
        response_status=_response_status(facts, calendar, state, end, percentage),
    )


def status_and_remaining(
    facts: Facts, *, effect: str, state: str, calendar, now: datetime
) -> tuple[str | None, int | None]:
    """``read``'s ``status`` and ``remaining_seconds`` alone, by the same steps: a CSV export
    of a million requests shows only these, and the elapsed time since an old request's
    start is the costliest part of a reading on a business calendar."""
    end = _end(facts, effect, now)
    return _status(facts, state, end), _remaining(facts, state, calendar, max(end, facts.start))
