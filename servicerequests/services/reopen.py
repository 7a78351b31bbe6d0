"""Reopening a completed request: a staff action outside CRM.COM's life cycle table.

CRM.COM has no way back from COMPLETED, and its Web API keeps none (contract part two: the
documented surface stays as it is), so the table in servicerequests.lifecycle does not
hold this step; the staff page offers it to users with the permission, for
``CRM_REOPEN_DAYS`` after completion. The request goes back to PENDING with the type's
default status, as a new one starts, and its service-level clock goes on where it stopped
(sla.services.change_clock: the time it stood completed counts as paused).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from crm.actor import Actor
from crm.audit import Audit, as_changes
from crm.db import atomic_retry
from crm.exceptions import InvalidLifeCycleState, MissingParameter, PermissionDenied
from servicerequests import rules
from servicerequests.models import LifeCycleState as S
from servicerequests.models import ServiceRequest
from servicerequests.services.common import TRACKED, lock_request, record_event, stamp
from servicerequests.steps import STEPS
from sla import services as sla
from webhooks import events as webhook_events

REOPEN_PERMISSION = "servicerequests.reopen_servicerequest"
PARAM = "service_request_identifier"


def reopen_deadline(sr: ServiceRequest) -> datetime | None:
    """Until when ``sr`` may be reopened; None when it is not completed."""
    if sr.life_cycle_state != S.COMPLETED or sr.completed_date is None:
        return None
    return sr.completed_date + timedelta(days=settings.CRM_REOPEN_DAYS)


def reopen_blocker(sr: ServiceRequest, user, now: datetime | None = None) -> str | None:
    """Why ``user`` may not reopen ``sr`` now, or None. Reads only (the page asks it)."""
    if not user.has_perm(REOPEN_PERMISSION):
        return "You may not reopen service requests."
    deadline = reopen_deadline(sr)
    if deadline is None:
        return f"{sr.number} is {sr.life_cycle_state}; only a completed request can be reopened."
    if (now or timezone.now()) > deadline:
        days = settings.CRM_REOPEN_DAYS
        return f"{sr.number} was completed more than {days} days ago and can no longer be reopened."
    return None


def _check(sr: ServiceRequest, actor: Actor, now: datetime) -> None:
    blocker = reopen_blocker(sr, actor.user, now)
    if blocker is None:
        return
    if not actor.user.has_perm(REOPEN_PERMISSION):
        raise PermissionDenied(blocker, param=PARAM, detail=f"needs {REOPEN_PERMISSION}")
    raise InvalidLifeCycleState(blocker, param=PARAM, detail="reopen needs a recent COMPLETED")


@atomic_retry
def service_request_reopen(
    *, service_request: ServiceRequest, actor: Actor, reason: str, now: datetime | None = None
) -> ServiceRequest:
    """COMPLETED back to PENDING (the type's default status), with the reason in the event."""
    reason = (reason or "").strip()
    if not reason:
        raise MissingParameter("Say why the request is reopened.", param="reason")
    sr, now = lock_request(service_request), now or timezone.now()
    _check(sr, actor, now)  # under the lock: of two reopens, the second finds it PENDING
    audit, watch = Audit(sr, TRACKED), webhook_events.Watch(sr)
    before, old_status = (sr.life_cycle_state, sr.status_id), sr.status
    sr.status = rules.default_status(sr.type, S.PENDING, param="status_identifier")
    sr.life_cycle_state, sr.completed_date = S.PENDING, None
    _clear_steps(sr)
    sla.status_changed(sr, old_status, now=now)
    stamp(sr, actor, now)
    sr.save()
    changes = as_changes(audit.take(sr))
    record_event(sr, actor, "reopen", before, now, note=f"Reopened: {reason}", changes=changes)
    watch.emit(sr, now=now)
    return sr


STEP_PARTS = ("category", "date", "description", "accepted_by", "accepted_date", "accepted_via")


def _clear_steps(sr: ServiceRequest) -> None:
    """A pending request has no response or resolution yet (what CRM.COM's objects would
    otherwise show for PENDING, and a step skipped next time would leave behind); the
    earlier round's values stay in the reopen event's changes, on the timeline."""
    for step in STEPS:
        setattr(sr, step.by, None)
        for part in STEP_PARTS:
            setattr(sr, step.column(part), None)
