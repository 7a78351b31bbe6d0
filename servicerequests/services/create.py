"""Raising a service request."""

from __future__ import annotations

from django.utils import timezone

from assignment import services as assignments
from crm.actor import Actor
from crm.audit import Audit
from crm.db import atomic_retry
from crm.notify import tell_assignee
from crm.numbering import next_number
from customers.models import Contact
from servicerequests import rules
from servicerequests.models import LifeCycleState as S
from servicerequests.models import ServiceRequest, ServiceRequestStatus
from servicerequests.services import fields as f
from servicerequests.services.common import TRACKED, record_event, stamp
from servicerequests.services.inputs import SetChanges, Step
from servicerequests.services.sets import apply_sets
from servicerequests.services.transitions import walk
from sla import services as sla
from webhooks import events as webhook_events


@atomic_retry
def service_request_create(
    *,
    actor: Actor,
    type,
    accounts_receivable,
    status: ServiceRequestStatus,
    category,
    urgency_level: str,
    impact_level: str,
    caller: Contact | None = None,
    fields: dict | None = None,
    steps: dict[str, Step] | None = None,
    sets: SetChanges | None = None,
) -> ServiceRequest:
    """Raise a request; with a later status, its response and resolutions are given too."""
    fields, now = fields or {}, timezone.now()
    caller = caller or accounts_receivable.owner
    rules.check_caller(accounts_receivable, caller)
    rules.check_category(type, category)
    rules.check_privacy_level(actor.user, fields.get("privacy_level"))
    rules.check_referring(
        accounts_receivable, fields.get("referring_to_subscription"), fields.get("referring_to_job")
    )
    sr = ServiceRequest(
        type=type,
        accounts_receivable=accounts_receivable,
        caller=caller,
        category=category,
        urgency_level=urgency_level,
        impact_level=impact_level,
        priority=rules.priority_for(impact_level, urgency_level),
        start_date=fields.get("start_date") or now,
        created_date=now,
        created_by_user=actor.user,
        created_by_unit=actor.unit,
    )
    _fill(sr, fields)
    initial = _initial_status(type, status)
    sr.status, sr.life_cycle_state = initial, S.PENDING
    sla.start(sr, now=now)
    sr.number = next_number("service_request")
    stamp(sr, actor, now)
    sr.save()
    changes = {"target": sla.target_record(sr), "clock": sla.clock_of(sr)}
    record_event(sr, actor, "create", (None, None), now, changes=changes)
    if status != initial or steps:
        walk(sr, actor, status, steps or {}, now, audit=Audit(sr, TRACKED))
        sr.save()
    apply_sets(sr, sets or SetChanges())
    tell_assignee(sr, before_user_id=None, actor=actor.user, now=now)
    assignments.assign_by_policy(service_request=sr, actor=actor, now=now)
    webhook_events.service_request_created(sr, now=now)
    return sr


def _fill(sr: ServiceRequest, fields: dict) -> None:
    for name in f.PLAIN_FIELDS:
        if fields.get(name) is not None:
            setattr(sr, name, fields[name])
    f.contact_defaults(sr, fields)
    f.assign(sr, fields.get("assigned_to_user"), fields.get("assigned_to_unit"))
    f.check_assignee(sr)
    f.set_completion(
        sr, fields.get("expected_completion_date"), fields.get("estimated_completion_time")
    )


def _initial_status(sr_type, status: ServiceRequestStatus) -> ServiceRequestStatus:
    """The PENDING status a request starts in: the one given, or the type's default when
    the given status is of a later state (the walk then takes the request there)."""
    initial = (
        status
        if status.life_cycle_state == S.PENDING
        else rules.default_status(sr_type, S.PENDING, param="status_identifier")
    )
    rules.check_status(sr_type, initial, S.PENDING)
    return initial
