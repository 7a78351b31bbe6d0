"""Which events a write of a service request or a job emits (contract section 11): each that
applies, once per write, however many steps the write takes.

The request services watch the row from the moment they lock it (``Watch``) and, when the
write is done, emit what it changed. ``service_request.updated`` is any change other than the
life cycle state's own: the status, the service-level clock, the response and resolutions
and the cancellation reason belong to a state change (a status or a step changed within
the same state is an update); the assignee has its own event, ``service_request.assigned``,
when someone (a user or a unit) is given the request; clearing the assignee is an update.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from crm.audit import Audit
from webhooks import outbox
from webhooks.models import (
    JOB_CREATED,
    JOB_STATE_CHANGED,
    SR_ASSIGNED,
    SR_CREATED,
    SR_STATE_CHANGED,
    SR_UPDATED,
)

# The assignee has an event of its own; the clock follows the status, never a change itself.
OWN_EVENT = {"assigned_to", "clock"}
# Changed by a state change itself, with the response and resolutions (their columns).
STATE_OWNED = {"status", "cancellation_reason"}


@cache
def _tracked() -> tuple[tuple, tuple]:
    """The request's audited fields, split: those a state change owns, and the others.
    Read at first use: the request services import this module while they load."""
    from servicerequests.services.common import TRACKED
    from servicerequests.steps import STEPS

    step_columns = tuple(f"{step.name}_" for step in STEPS)  # response_category, ...
    step_by = {step.by for step in STEPS}

    def state_owned(name: str) -> bool:
        return name in STATE_OWNED or name in step_by or name.startswith(step_columns)

    fields = tuple(t for t in TRACKED if not state_owned(t.name) and t.name not in OWN_EVENT)
    return fields, tuple(t for t in TRACKED if state_owned(t.name))


def _assignee(sr) -> tuple:
    return sr.assigned_to_user_id, sr.assigned_to_unit_id


class Watch:
    """A service request as a write found it (locked), to tell afterwards which events the
    write emits. Reads no database: the lock joined what the audit trail shows."""

    def __init__(self, sr):
        fields, state_owned = _tracked()
        self.state, self.assignee = sr.life_cycle_state, _assignee(sr)
        self.fields, self.state_owned = Audit(sr, fields), Audit(sr, state_owned)

    def events(self, sr, *, sets_changed: bool = False) -> list[str]:
        moved = sr.life_cycle_state != self.state
        edited = bool(self.fields.take(sr)) or sets_changed
        if not moved:
            edited = bool(self.state_owned.take(sr)) or edited
        events = [SR_STATE_CHANGED] if moved else []
        assignee = _assignee(sr)
        if assignee != self.assignee and assignee != (None, None):
            events.append(SR_ASSIGNED)
        elif assignee != self.assignee:
            edited = True  # nobody has it any more
        return [*events, SR_UPDATED] if edited else events

    def emit(self, sr, *, now: datetime, sets_changed: bool = False) -> None:
        outbox.emit(sr, self.events(sr, sets_changed=sets_changed), now=now)


def service_request_created(sr, *, now: datetime) -> None:
    """A creation emits ``created`` only, whatever state it walked to, and ``assigned``
    when it has an assignee once created (given, or chosen by the group's policy)."""
    assigned = _assignee(sr) != (None, None)
    outbox.emit(sr, [SR_CREATED, *([SR_ASSIGNED] if assigned else [])], now=now)


def job_created(job, *, now: datetime) -> None:
    outbox.emit(job, [JOB_CREATED], now=now)


def job_state_changed(job, *, now: datetime) -> None:
    outbox.emit(job, [JOB_STATE_CHANGED], now=now)
