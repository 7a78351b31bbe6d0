"""The life cycle actions, one service each: respond, temporarily resolve, finally resolve,
complete, cancel, and the customer's three acceptances."""

from __future__ import annotations

from django.utils import timezone

from crm.actor import Actor
from crm.audit import Audit, as_changes
from crm.db import atomic_retry
from crm.exceptions import InvalidLifeCycleState
from crm.models import Notification
from crm.notify import notify
from customers.models import Contact
from servicerequests import rules
from servicerequests.lifecycle import LIFE_CYCLE
from servicerequests.models import (
    AcceptedVia,
    CancellationReason,
    ServiceRequest,
    ServiceRequestStatus,
)
from servicerequests.services.common import TRACKED, apply_text, lock_request, record_event, stamp
from servicerequests.services.inputs import Step
from servicerequests.services.transitions import check_allowed, guard, transition
from servicerequests.steps import BY_ACCEPT
from webhooks import events as webhook_events


def _act(
    service_request: ServiceRequest,
    actor: Actor,
    action: str,
    *,
    status: ServiceRequestStatus | None,
    step: Step | None = None,
    description: str | None = None,
    notes: str | None = None,
    reason: CancellationReason | None = None,
) -> ServiceRequest:
    """One transition of the table on the locked row, with its event."""
    sr, now = lock_request(service_request), timezone.now()
    audit, watch = Audit(sr, TRACKED), webhook_events.Watch(sr)
    guard(sr, action)
    target = LIFE_CYCLE[action].target
    status = status or rules.default_status(sr.type, target, param="status_identifier")
    apply_text(sr, description, notes)
    transition(sr, actor, action, status, step, now, audit=audit, note=notes or "", reason=reason)
    stamp(sr, actor, now)
    sr.save()
    watch.emit(sr, now=now)
    return sr


@atomic_retry
def service_request_respond(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    response: Step,
    status: ServiceRequestStatus | None = None,
    description: str | None = None,
    notes: str | None = None,
) -> ServiceRequest:
    """PENDING to RESPONDED, recording the response."""
    return _act(
        service_request,
        actor,
        "respond",
        status=status,
        step=response,
        description=description,
        notes=notes,
    )


@atomic_retry
def service_request_temporary_resolve(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    temporary_resolution: Step,
    status: ServiceRequestStatus | None = None,
    description: str | None = None,
    notes: str | None = None,
) -> ServiceRequest:
    """RESPONDED to TEMPORARY_RESOLVED, once the response is accepted where it must be."""
    return _act(
        service_request,
        actor,
        "temporary_resolve",
        status=status,
        step=temporary_resolution,
        description=description,
        notes=notes,
    )


@atomic_retry
def service_request_final_resolve(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    final_resolution: Step,
    status: ServiceRequestStatus | None = None,
    description: str | None = None,
    notes: str | None = None,
) -> ServiceRequest:
    """RESPONDED or TEMPORARY_RESOLVED to FINAL_RESOLVED."""
    return _act(
        service_request,
        actor,
        "final_resolve",
        status=status,
        step=final_resolution,
        description=description,
        notes=notes,
    )


@atomic_retry
def service_request_complete(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    status: ServiceRequestStatus | None = None,
    description: str | None = None,
    notes: str | None = None,
) -> ServiceRequest:
    """FINAL_RESOLVED to COMPLETED, once the final resolution is accepted where it must be."""
    return _act(
        service_request, actor, "complete", status=status, description=description, notes=notes
    )


@atomic_retry
def service_request_cancel(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    status: ServiceRequestStatus | None = None,
    reason: CancellationReason | None = None,
    description: str | None = None,
    notes: str | None = None,
) -> ServiceRequest:
    """PENDING to CANCELLED, with the given reason or the type's default."""
    return _act(
        service_request,
        actor,
        "cancel",
        status=status,
        reason=reason,
        description=description,
        notes=notes,
    )


def _accept(
    service_request: ServiceRequest,
    actor: Actor,
    action: str,
    *,
    accepted_by: Contact | None,
    description: str | None,
    notes: str | None,
    via: str = AcceptedVia.STAFF,
    event_note: str = "",
) -> ServiceRequest:
    """Record the customer's acceptance of the response or a resolution. ``via`` says how
    it reached us: staff (pages, Web API) or the customer's own e-mail link, whose actor
    has no user; ``event_note`` is what the timeline says besides the request's notes."""
    sr, now, step = lock_request(service_request), timezone.now(), BY_ACCEPT[action]
    check_allowed(sr, action)
    if getattr(sr, step.column("accepted_date")) is not None:
        raise InvalidLifeCycleState(
            f"The {step.label.lower()} of {sr.number} is already accepted.",
            param="service_request_identifier",
            detail=f"{step.name} was accepted before",
        )
    contact = accepted_by or sr.caller
    rules.check_acceptor(sr, contact, param="accepted_by_identifier")
    audit, watch = Audit(sr, TRACKED), webhook_events.Watch(sr)
    setattr(sr, step.column("accepted_by"), contact)
    setattr(sr, step.column("accepted_date"), now)
    setattr(sr, step.column("accepted_via"), via)
    before = (sr.life_cycle_state, sr.status_id)
    apply_text(sr, description, notes)
    stamp(sr, actor, now)
    sr.save()
    changes = as_changes(audit.take(sr))
    note = event_note or notes or ""
    record_event(sr, actor, action, before, now, note=note, changes=changes)
    _tell_assignee_accepted(sr, actor, step, now)
    watch.emit(sr, now=now)
    return sr


def _tell_assignee_accepted(sr: ServiceRequest, actor: Actor, step, now) -> None:
    """The assignee learns that the customer accepted (and may go on); an unassigned
    request has nobody whose next step waits on it."""
    notify(
        kind=Notification.Kind.ACCEPTED,
        users=[sr.assigned_to_user_id],
        record=sr,
        message=f"{sr.number}: the customer accepted the {step.label.lower()}.",
        key=f"ACCEPTED:{sr.pk}:{step.name}:{now.isoformat()}",
        actor=actor.user,
    )


def _acceptance(action: str, summary: str):
    @atomic_retry
    def accept(
        *,
        service_request: ServiceRequest,
        actor: Actor,
        accepted_by: Contact | None = None,
        description: str | None = None,
        notes: str | None = None,
        via: str = AcceptedVia.STAFF,
        event_note: str = "",
    ) -> ServiceRequest:
        return _accept(
            service_request,
            actor,
            action,
            accepted_by=accepted_by,
            description=description,
            notes=notes,
            via=via,
            event_note=event_note,
        )

    accept.__name__ = accept.__qualname__ = f"service_request_{action}"
    accept.__doc__ = summary
    return accept


service_request_response_accept = _acceptance(
    "response_accept", "Record the customer's acceptance of the response."
)
service_request_temporary_resolution_accept = _acceptance(
    "temporary_resolution_accept", "Record the customer's acceptance of the temporary resolution."
)
service_request_final_resolution_accept = _acceptance(
    "final_resolution_accept",
    "Record the customer's acceptance of the final resolution (default: the caller).",
)

# Every action of the table, by its name: the Web API and the pages dispatch through it.
ACTIONS = {
    "respond": service_request_respond,
    "temporary_resolve": service_request_temporary_resolve,
    "final_resolve": service_request_final_resolve,
    "complete": service_request_complete,
    "cancel": service_request_cancel,
    "response_accept": service_request_response_accept,
    "temporary_resolution_accept": service_request_temporary_resolution_accept,
    "final_resolution_accept": service_request_final_resolution_accept,
}
