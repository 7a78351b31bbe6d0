"""Service requests and jobs straight in the database, and what a write leaves there: a
snapshot of a request, row counts, and its events in the order they happened."""

from __future__ import annotations

from django.utils import timezone

from crm.models import User
from servicerequests import models as sm
from tests.factories import make_service_request
from tests.servicerequests.helpers.api import S


def snapshot(number: str) -> dict:
    """Everything a write could touch: the row, its events and its three sets."""
    row = sm.ServiceRequest.objects.get(number=number)
    return {
        "row": {
            f.attname: getattr(row, f.attname) for f in sm.ServiceRequest._meta.concrete_fields
        },
        "events": sm.ServiceRequestEvent.objects.filter(service_request=row).count(),
        "services": sorted(row.services.values_list("id", "product_id")),
        "goods": sorted(row.physical_goods.values_list("id", "product_id", "serial_number")),
        "relations": sorted(row.relations.values_list("id", "related_id", "description")),
    }


def totals() -> dict:
    """Row counts of every table a create writes."""
    return {
        model.__name__: model.objects.count()
        for model in (
            sm.ServiceRequest,
            sm.ServiceRequestEvent,
            sm.ServiceRequestService,
            sm.ServiceRequestPhysicalGood,
            sm.ServiceRequestRelation,
        )
    }


FORWARD = [S.PENDING, S.RESPONDED, S.TEMPORARY_RESOLVED, S.FINAL_RESOLVED]


def _event_order(event) -> tuple:
    """Events of one write share its time: the create first, then the steps along the
    table, the update that took them last."""
    if event.action == "create":
        rank = -1
    elif event.action == "update":
        rank = 9
    else:
        rank = FORWARD.index(event.from_state)
    return (event.created_at, rank)


def events(number: str) -> list[tuple]:
    """(action, from state, to state, from status, to status, user, unit) of each event."""
    rows = sm.ServiceRequestEvent.objects.filter(service_request__number=number)
    rows = rows.select_related("from_status", "to_status", "user", "unit")
    return [
        (
            e.action,
            e.from_state,
            e.to_state,
            e.from_status.name if e.from_status_id else None,
            e.to_status.name,
            e.user.username if e.user_id else None,
            e.unit.name if e.unit_id else None,
        )
        for e in sorted(rows, key=_event_order)
    ]


def make_job(account: str = "ACR001143"):
    """A DRAFT deactivate-subscription job of ``account``, straight in the database."""
    from crm.numbering import next_number
    from customers.models import Subscription
    from jobs import models as jm

    subscription = Subscription.objects.get(accounts_receivable__number=account)
    status = jm.JobStatus.objects.get(name="Draft")
    now = timezone.now()
    return jm.Job.objects.create(
        number=next_number("job"),
        type=jm.JobType.objects.get(name="Deactivate Subscription"),
        status=status,
        life_cycle_state=status.life_cycle_state,
        accounts_receivable=subscription.accounts_receivable,
        subscription=subscription,
        start_date=now,
        created_date=now,
        updated_date=now,
    )


STATUS_OF = {
    S.PENDING: "Pending",
    S.RESPONDED: "Responded",
    S.TEMPORARY_RESOLVED: "Temporary Resolved",
    S.FINAL_RESOLVED: "Final Resolved",
    S.COMPLETED: "Completed",
    S.CANCELLED: "Cancel",
}
STEP_MODELS = {
    "response": (sm.ResponseCategory, "responded_by"),
    "temporary_resolution": (sm.TemporaryResolutionCategory, "temporary_resolved_by"),
    "final_resolution": (sm.FinalResolutionCategory, "final_resolved_by"),
}


def make_sr(
    state: str = S.PENDING,
    *,
    response: str | None = None,
    temporary: str | None = None,
    final: str | None = None,
    accepted: tuple[str, ...] = (),
    category: str = "TECH",
    **overrides,
) -> sm.ServiceRequest:
    """A request in ``state`` straight in the database, with the steps that state implies
    (response ACK, final resolution RSLV unless given); ``accepted`` names steps the owner
    accepted."""
    later = state not in (S.PENDING, S.CANCELLED)
    steps = {
        "response": response or ("ACK" if later else None),
        "temporary_resolution": temporary or ("TFIX" if state == S.TEMPORARY_RESOLVED else None),
        "final_resolution": final or ("RSLV" if state in (S.FINAL_RESOLVED, S.COMPLETED) else None),
    }
    admin = User.objects.get(username="MPAdministrator")
    now = timezone.now()
    values = {
        "status": sm.ServiceRequestStatus.objects.get(name=STATUS_OF[state]),
        "category": sm.ServiceRequestCategory.objects.get(code=category),
        "created_by_user": admin,
        "updated_by_user": admin,
    }
    for name, code in steps.items():
        if code is None:
            continue
        model, by = STEP_MODELS[name]
        values[f"{name}_category"] = model.objects.get(code=code)
        values[by] = admin
        values[f"{name}_date"] = now
        if name in accepted:
            values[f"{name}_accepted_by_id"] = "EE621BE231714DFE8CE370261BF6DB25"  # the owner
            values[f"{name}_accepted_date"] = now
            values[f"{name}_accepted_via"] = "STAFF"
    if state == S.COMPLETED:
        values["completed_date"] = now
    if state == S.CANCELLED:
        values["cancelled_date"] = now
    values.update(overrides)
    return make_service_request(**values)
