"""Changing a service request: its fields, sets, assignment, and a status that may move it
along the table."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from assignment import services as assignments
from crm.actor import Actor
from crm.audit import Audit, as_changes
from crm.db import atomic_retry
from crm.exceptions import InvalidLifeCycleState, MissingParameter
from crm.notify import tell_assignee
from crm.timeperiods import TimePeriod
from servicerequests import rules
from servicerequests.models import ServiceRequest, ServiceRequestStatus
from servicerequests.services import fields as f
from servicerequests.services.common import (
    TRACKED,
    TRACKED_SETS,
    closed,
    lock_request,
    record_event,
    stamp,
)
from servicerequests.services.inputs import SetChanges, Step
from servicerequests.services.sets import apply_sets
from servicerequests.services.transitions import record_step, walk
from servicerequests.steps import BY_ACTION
from sla import services as sla
from webhooks import events as webhook_events

NOT_CLEARABLE = {"category", "urgency_level", "impact_level", "start_date"}


@atomic_retry
def service_request_update(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    changes: dict | None = None,
    timing: dict | None = None,
    assignment: tuple | None = None,
    status: ServiceRequestStatus | None = None,
    steps: dict[str, Step] | None = None,
    sets: SetChanges | None = None,
    note: str = "",
) -> ServiceRequest:
    """Change a request: absent means unchanged, None clears. A status of another state
    moves it along the table, taking the steps given. ``note`` says why (the timeline
    shows it with the changes)."""
    sr, now, steps, changes = (
        lock_request(service_request),
        timezone.now(),
        steps or {},
        changes or {},
    )
    sets = sets or SetChanges()
    if not sr.is_open:
        raise closed(sr)
    if {"temporary_resolve", "final_resolve"} & set(steps) and status is None:
        raise MissingParameter(
            "A status is mandatory when a resolution changes.",
            param="status_identifier",
            detail="give the status the request has after the change",
        )
    audit = Audit(sr, TRACKED + (TRACKED_SETS if sets else ()))
    before = (sr.life_cycle_state, sr.status_id)
    group_before, assignee_before = sr.owned_by_group_id, sr.assigned_to_user_id
    watch = webhook_events.Watch(sr)  # what the write changed, for its webhook events
    expected_before = sr.expected_completion_date
    for name, value in changes.items():
        setattr(sr, name, value)
    _derive(sr, actor, changes, timing or {})
    if assignment is not None:
        f.assign(sr, *assignment)
    if assignment is not None or {"privacy_level", "owned_by_group"} & set(changes):
        f.check_assignee(sr)
    apply_sets(sr, sets)
    retargeted = sr.expected_completion_date != expected_before
    edited = audit.take(sr)
    if status is not None:
        _move(sr, actor, status, steps, now, audit)
    else:
        _edit_steps(sr, steps, now)
    stamp(sr, actor, now)
    sr.save()
    target = sla.target_record(sr) if retargeted else None
    changes = as_changes(edited + audit.take(sr), target=target)
    record_event(sr, actor, "update", before, now, note=note, changes=changes)
    tell_assignee(sr, before_user_id=assignee_before, actor=actor.user, now=now)
    if sr.owned_by_group_id != group_before:
        # Moved to another group: its policy may take it, if nobody has it.
        assignments.assign_by_policy(service_request=sr, actor=actor, now=now)
    watch.emit(sr, now=now, sets_changed=bool(sets))
    return sr


def _derive(sr: ServiceRequest, actor: Actor, changes: dict, timing: dict) -> None:
    """What follows from the changes: their checks, the priority, the completion dates."""
    if "category" in changes:
        rules.check_category(sr.type, sr.category)
    if "privacy_level" in changes:
        rules.check_privacy_level(actor.user, changes["privacy_level"])
    if {"caller_email", "caller_phone"} & set(changes):
        f.check_contact(sr)
    if "referring_to_subscription" in changes:
        rules.check_referring(
            sr.accounts_receivable, sr.referring_to_subscription, sr.referring_to_job
        )
    if {"impact_level", "urgency_level"} & set(changes):
        sr.priority = rules.priority_for(sr.impact_level, sr.urgency_level)
    before = sr.expected_completion_date
    _retime(sr, changes, timing)
    if sr.expected_completion_date != before:
        # A new date may be flagged again, once.
        sr.approaching_completion = sr.overdue_flagged_at = None


def _retime(sr: ServiceRequest, changes: dict, timing: dict) -> None:
    if "expected_completion_date" in timing or "estimated_completion_time" in timing:
        expected = timing.get("expected_completion_date")
        estimated = timing.get("estimated_completion_time")
        if expected is None and estimated is None:
            sr.expected_completion_date = sr.estimated_completion_value = None
            sr.estimated_completion_uot = sr.sla_at_risk_date = None
        else:
            f.set_completion(sr, expected, estimated)
    elif "start_date" in changes and sr.estimated_completion_value is not None:
        estimate = TimePeriod(sr.estimated_completion_value, sr.estimated_completion_uot)
        f.set_completion(sr, None, estimate)


def _edit_steps(sr: ServiceRequest, steps: dict[str, Step], now: datetime) -> None:
    """Correct a response or resolution the request already has."""
    for action, step in steps.items():
        kind = BY_ACTION[action]
        if getattr(sr, kind.column("date")) is None:
            raise InvalidLifeCycleState(
                f"{sr.number} has no {kind.label.lower()} to change.",
                param=kind.name,
                detail=f"{sr.number} is {sr.life_cycle_state}",
            )
        record_step(sr, kind, step, now)


def _move(sr, actor, status, steps, now, audit) -> None:
    if status.life_cycle_state == sr.life_cycle_state:
        rules.check_status(sr.type, status, sr.life_cycle_state)
        _edit_steps(sr, steps, now)
        old_status, sr.status = sr.status, status
        # Within a state a status may still pause or resume the clock ("On Hold").
        sla.status_changed(sr, old_status, now=now)
        return
    done = {a: s for a, s in steps.items() if getattr(sr, BY_ACTION[a].column("date")) is not None}
    _edit_steps(sr, done, now)
    walk(sr, actor, status, {a: s for a, s in steps.items() if a not in done}, now, audit=audit)
