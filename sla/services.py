"""Keeping a request's clock facts true as it is written (contract section 8).

The service request services call these inside their own transaction, on the locked row:
``start`` when a request is raised, ``retarget`` when its target changes, ``status_changed``
on every status change (a pause starts, ends or the clock stops) and ``responded`` when the
response is recorded. They change the row's fields; the caller saves it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from crm.timeperiods import TimePeriod
from sla import clock
from sla.calendars import of_type


def calendar_for(sr):
    """The arithmetic of the request type's calendar, or None: around the clock."""
    return of_type(sr.type)


def add_target(sr_type):
    """``add(start, value, uot)`` of a type: the expected completion of a target."""
    calendar = of_type(sr_type)
    return lambda start, value, uot: clock.add_target(calendar, start, value, uot)


def effect(status) -> str:
    return clock.effect_for(status.life_cycle_state, status.clock_effect)


def clock_of(sr) -> str:
    """The request's clock as its events record it (``Running``, ``Paused``, ``Stopped``):
    the audit trail tracks it, so the timeline says when a pause began and ended and
    ``sla_check`` replays the clock from what was recorded, not from today's settings."""
    return clock.CLOCK[effect(sr.status)].capitalize()


def target_record(sr) -> dict:
    """The target as the event of the write that set it keeps it: with the clock changes
    of the events, everything ``sla_check`` needs to recompute the stored figures."""

    def moment(value):
        return value.isoformat() if value else None

    return {
        "start": moment(sr.start_date),
        "expected": moment(sr.expected_completion_date),
        "value": sr.estimated_completion_value,
        "uot": sr.estimated_completion_uot,
        "at_risk": moment(sr.sla_at_risk_date),
        "response_due": moment(sr.sla_response_due_date),
    }


def shift_by_pauses(sr, expected):
    """A target worked out again from the start (a new estimate) excludes the pauses so
    far: it is reached that much working time later."""
    if expected is None or not sr.sla_paused_seconds:
        return expected
    return clock.add_seconds(calendar_for(sr), expected, sr.sla_paused_seconds)


def _warning(sr_type) -> TimePeriod:
    if sr_type.warning_period_value is not None and sr_type.warning_period_uot:
        return TimePeriod(sr_type.warning_period_value, sr_type.warning_period_uot)
    return TimePeriod(*settings.CRM_DEFAULT_WARNING_PERIOD)


def retarget(sr) -> None:
    """The target date just changed (set at creation, or by an update): the moment the
    request becomes at risk follows it."""
    sr.sla_at_risk_date = clock.at_risk_date(
        calendar_for(sr),
        sr.start_date,
        sr.expected_completion_date,
        sr.sla_paused_seconds,
        _warning(sr.type),
        sr.type.at_risk_percentage,
    )


def start(sr, *, now: datetime) -> None:
    """A new request: its at-risk moment, its response target, and a clock that starts
    paused or stopped if its first status says so."""
    calendar = calendar_for(sr)
    sr.sla_paused_seconds, sr.sla_paused_since, sr.sla_stopped_at = 0, None, None
    sr.sla_responded_at = None
    retarget(sr)
    sr_type = sr.type
    sr.sla_response_due_date = None
    if sr_type.response_target_value is not None and sr_type.response_target_uot:
        sr.sla_response_due_date = clock.add_target(
            calendar, sr.start_date, sr_type.response_target_value, sr_type.response_target_uot
        )
    _enter(sr, effect(sr.status), now)


def _enter(sr, after: str, now: datetime) -> None:
    if after == clock.PAUSE:
        sr.sla_paused_since = now
    elif after == clock.STOP:
        sr.sla_stopped_at = now


def _resume(sr, now: datetime, calendar) -> int:
    """A pause ends: its working time moves the target, the at-risk moment and the
    response's due date forward. Returns the paused working seconds."""
    paused = clock.working_seconds(calendar, sr.sla_paused_since, now)
    sr.sla_paused_since = None
    if paused <= 0:
        return 0
    sr.sla_paused_seconds += paused
    for field in ("expected_completion_date", "sla_at_risk_date"):
        moment = getattr(sr, field)
        if moment is not None:
            setattr(sr, field, clock.add_seconds(calendar, moment, paused))
    if sr.sla_response_due_date is not None and sr.sla_responded_at is None:
        sr.sla_response_due_date = clock.add_seconds(calendar, sr.sla_response_due_date, paused)
    # A moved target is a new target: it may be flagged again, once (crm.flagging).
    sr.approaching_completion = sr.overdue_flagged_at = None
    return paused


def change_clock(sr, old: str, new: str, *, now: datetime, calendar) -> None:
    """The clock effect went from ``old`` to ``new`` at ``now``. ``sr`` is a request row
    or anything with its ``sla_*`` attributes (sla.replay replays the events with it)."""
    if old == new:
        return
    if old == clock.PAUSE and sr.sla_paused_since is not None:
        _resume(sr, now, calendar)
    if old == clock.STOP and sr.sla_stopped_at is not None:
        # Reopened (servicerequests.services.reopen): the time it stood closed counts as
        # paused, so the clock goes on where it stopped and the targets move by as much.
        sr.sla_paused_since, sr.sla_stopped_at = sr.sla_stopped_at, None
        _resume(sr, now, calendar)
    _enter(sr, new, now)


def status_changed(sr, before, *, now: datetime) -> None:
    """``sr`` moved from the status ``before`` to its current one at ``now``."""
    change_clock(sr, effect(before), effect(sr.status), now=now, calendar=calendar_for(sr))


def responded(sr, *, now: datetime) -> None:
    if sr.sla_responded_at is None:
        sr.sla_responded_at = now
