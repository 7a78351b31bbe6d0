"""What every service request write shares: the row lock, the audit trail, the event row."""

from __future__ import annotations

from datetime import datetime

from crm import audit
from crm.actor import Actor
from crm.exceptions import InvalidLifeCycleState
from crm.lifecycle import lock
from servicerequests.models import ServiceRequest, ServiceRequestEvent
from servicerequests.steps import STEPS
from sla import services as sla


def _via(step) -> audit.Tracked:
    """How the step's acceptance came (staff, or the customer's e-mail link), in words."""
    column = step.column("accepted_via")
    return audit.Tracked(
        column, f"{step.label} accepted via", lambda sr: getattr(sr, f"get_{column}_display")()
    )


_STEP_FIELDS = [
    tracked
    for step in STEPS
    for tracked in (
        audit.field(step.column("category"), f"{step.label} category"),
        audit.field(step.column("description"), step.label),
        audit.field(step.by, f"{step.label} by"),
        audit.field(step.column("date"), f"{step.label} date"),
        audit.field(step.column("accepted_by"), f"{step.label} accepted by"),
        audit.field(step.column("accepted_date"), f"{step.label} accepted on"),
        _via(step),
    )
]
# What the timeline tells, field by field (crm.audit).
TRACKED = (
    audit.field("status", "Status"),
    # The service-level clock a status change starts, pauses or stops (contract section 8).
    audit.Tracked("clock", "Service-level clock", sla.clock_of),
    audit.field("category", "Category"),
    audit.field("urgency_level", "Urgency"),
    audit.field("impact_level", "Impact"),
    audit.field("priority", "Priority"),
    *audit.work_record_fields(),
    audit.field("notes", "Notes"),
    audit.field("caller_email", "Caller e-mail"),
    audit.field("caller_phone", "Caller phone"),
    audit.field("referring_to_subscription", "About subscription"),
    audit.field("referring_to_job", "About job"),
    *_STEP_FIELDS,
    audit.field("cancellation_reason", "Cancellation reason"),
    *audit.user_defined_fields(),
)


def _codes(rows) -> str:
    return ", ".join(sorted(row.product.code for row in rows.select_related("product")))


# The sets, read only when a write changes them. Related requests are counted, never
# named: the timeline must not show a number its reader may not see.
TRACKED_SETS = (
    audit.Tracked("services_set", "Services", lambda sr: _codes(sr.services), "none"),
    audit.Tracked("physical_goods_set", "Physical goods", lambda sr: _codes(sr.physical_goods)),
    audit.Tracked(
        "related_service_requests_set",
        "Related requests",
        lambda sr: sr.relations.count() or None,
        "none",
    ),
)
# Joined when the row is locked, so the snapshot before a write costs one query.
AUDITED_RELATIONS = (
    *audit.WORK_RECORD_RELATIONS,
    "status",
    "category",
    "referring_to_subscription",
    "referring_to_job",
    "cancellation_reason",
    *(step.column(part) for step in STEPS for part in ("category", "accepted_by")),
    *(step.by for step in STEPS),
)


def lock_request(service_request: ServiceRequest) -> ServiceRequest:
    """The row, locked until commit and read again with what the audit trail shows."""
    return lock(ServiceRequest, service_request.pk, select_related=AUDITED_RELATIONS)


def record_event(record, actor, action: str, before: tuple, now, **kwargs) -> None:
    """The event row of a write (crm.audit.write_event)."""
    audit.write_event(
        ServiceRequestEvent, "service_request", record, actor, action, before, now, **kwargs
    )


def stamp(sr: ServiceRequest, actor: Actor, now: datetime) -> None:
    sr.updated_date, sr.updated_by_user, sr.updated_by_unit = now, actor.user, actor.unit


def closed(sr: ServiceRequest) -> InvalidLifeCycleState:
    return InvalidLifeCycleState(
        f"{sr.number} is {sr.life_cycle_state} and can no longer change.",
        param="service_request_identifier",
        detail="completed and cancelled requests are final",
    )


def apply_text(sr: ServiceRequest, description, notes) -> None:
    if description is not None:
        sr.description = description
    if notes is not None:
        sr.notes = notes
