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


def read(facts: Facts, *, effect: str, state: str, calendar, now: datetime, percentage: int):
    """The clock of a request as the ``sla`` object tells it."""
    end = _end(facts, effect, now)
    paused = _paused_total(facts, calendar, now)
    # Before a start in the future nothing has elapsed and the whole target remains.
    counted = max(end, facts.start)
    elapsed = max(working_seconds(calendar, facts.start, counted) - facts.paused_seconds, 0)
    remaining = None
    if facts.due is not None and state != CANCELLED:
        if counted <= facts.due:
            remaining = working_seconds(calendar, counted, facts.due)
        else:
            remaining = -working_seconds(calendar, facts.due, counted)
    return Reading(
        clock=CLOCK[effect],
        status=_status(facts, state, end),
        elapsed_seconds=elapsed,
        paused_seconds=paused,
        remaining_seconds=remaining,
        response_status=_response_status(facts, calendar, state, end, percentage),
    )


def _by_status(moment) -> dict:
    """Each open status as a condition on a request judged at ``moment`` (a value, or the
    start of its pause as an expression)."""
    from django.db.models import Q

    return {
        BREACHED: Q(expected_completion_date__lte=moment),
        AT_RISK: Q(expected_completion_date__gt=moment, sla_at_risk_date__lte=moment),
        ON_TRACK: Q(expected_completion_date__gt=moment) & ~Q(sla_at_risk_date__lte=moment),
    }


def status_filter(queryset, values, now: datetime):
    """The requests of ``queryset`` whose ``sla.status`` is one of ``values`` at ``now``:
    the rules of ``read`` on the stored facts; a paused request is judged at the start of
    its pause.

    Paused requests are few: they are looked up first (one query, through their partial
    index) and named by id. Running ones are compared with ``now`` directly, so that with a
    single status the open-due index answers the range in order: the at-risk queue reads
    the rows just after now and the paused ones' own targets, not every breached row before
    them (a comparison with ``COALESCE(paused_since, now)`` took 1.2 s on 1,000,000
    requests; see bench/results-sla.md)."""
    from django.db.models import F, Q

    model = queryset.model
    open_ = Q(life_cycle_state__in=RUNNING_STATES, expected_completion_date__isnull=False)
    running = open_ & Q(sla_paused_since__isnull=True)
    on_pause, on_now = _by_status(F("sla_paused_since")), _by_status(now)
    closed = Q(life_cycle_state__in=("FINAL_RESOLVED", "COMPLETED"))
    closed &= Q(expected_completion_date__isnull=False, sla_stopped_at__isnull=False)
    condition = Q(pk__in=[])
    for value in values:
        if value == MET:
            condition |= closed & Q(sla_stopped_at__lte=F("expected_completion_date"))
        elif value == MISSED:
            condition |= closed & Q(sla_stopped_at__gt=F("expected_completion_date"))
        else:
            paused = dict(
                model.objects.filter(
                    open_, on_pause[value], sla_paused_since__isnull=False
                ).values_list("pk", "expected_completion_date")
            )
            either = (running & on_now[value]) | Q(pk__in=list(paused))
            condition |= _bounded(either, value, now, paused.values())
    return queryset.filter(condition)


def _bounded(condition, value: str, now: datetime, paused_due):
    """``condition`` with a range on the expected completion every match lies in, which
    the index can start from: after now, or after the earliest paused match's target."""
    from datetime import timedelta

    from django.db.models import Q

    if value == BREACHED:
        return condition & Q(expected_completion_date__lte=now)
    earliest = min([now, *paused_due]) - timedelta(microseconds=1)
    return condition & Q(expected_completion_date__gt=earliest)
