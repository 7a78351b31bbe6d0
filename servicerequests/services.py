"""Every write to a service request. Each is atomic, locks the row, checks the life cycle
table, writes an event row and returns the request; a refused write changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.actor import Actor
from crm.db import atomic_retry
from crm.exceptions import InvalidLifeCycleState, MissingParameter, ValidationFailed
from crm.numbering import next_number
from crm.rules import check_assignee_sees, check_assignment, completion
from crm.timeperiods import TimePeriod
from customers.models import Contact
from servicerequests import rules
from servicerequests.lifecycle import LIFE_CYCLE, TRANSITIONS

allowed = LIFE_CYCLE.allowed


def path_to(state, target, *, via_temporary):
    steps = LIFE_CYCLE.path(state, target, optional=via_temporary)
    return None if steps is None else [t.action for t in steps]


from servicerequests.models import LifeCycleState as S
from servicerequests.models import (
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestPhysicalGood,
    ServiceRequestRelation,
    ServiceRequestService,
    ServiceRequestStatus,
)


@dataclass(frozen=True)
class StepSpec:
    """Where a response or resolution lives on the row, and the object's API name."""

    action: str
    name: str  # "response", "temporary_resolution", "final_resolution"
    prefix: str  # column prefix
    by: str  # column of the acting user
    accept_action: str

    def column(self, part: str) -> str:
        return f"{self.prefix}_{part}"


STEPS = {
    "respond": StepSpec("respond", "response", "response", "responded_by", "response_accept"),
    "temporary_resolve": StepSpec(
        "temporary_resolve",
        "temporary_resolution",
        "temporary_resolution",
        "temporary_resolved_by",
        "temporary_resolution_accept",
    ),
    "final_resolve": StepSpec(
        "final_resolve",
        "final_resolution",
        "final_resolution",
        "final_resolved_by",
        "final_resolution_accept",
    ),
}
STEP_BY_NAME = {spec.name: spec for spec in STEPS.values()}
ACCEPTS = {spec.accept_action: spec for spec in STEPS.values()}


@dataclass
class Step:
    """A response or resolution as given: category, who, when, and optionally acceptance."""

    category: Any
    by: Any
    date: datetime
    description: str | None = None
    accepted_by: Contact | None = None


@dataclass
class SetChanges:
    """Changes to the three sets; rows to remove are already found within the request."""

    # Each added item carries the path of its parameter, so an error names the right item.
    add_services: list = field(default_factory=list)  # (path, product)
    remove_services: list = field(default_factory=list)
    add_goods: list = field(default_factory=list)  # (path, product, serial number or None)
    remove_goods: list = field(default_factory=list)
    add_related: list = field(default_factory=list)  # (path, service request, description)
    update_related: list = field(default_factory=list)  # (relation, description)
    remove_related: list = field(default_factory=list)


# -- helpers ------------------------------------------------------------------------------------


def _lock(service_request: ServiceRequest) -> ServiceRequest:
    """The row, locked until commit, read again so that checks see the latest state.

    No joins: PostgreSQL re-checks a locked row that changed meanwhile against the join's
    old rows, so a request whose status just changed would seem to vanish.
    """
    return ServiceRequest.objects.locked().get(pk=service_request.pk)


def _event(
    sr: ServiceRequest,
    actor: Actor,
    action: str,
    before: tuple,
    now: datetime,
    note: str = "",
    changes: dict | None = None,
) -> None:
    from_state, from_status_id = before
    ServiceRequestEvent.objects.create(
        service_request=sr,
        action=action,
        from_state=from_state,
        to_state=sr.life_cycle_state,
        from_status_id=from_status_id,
        to_status_id=sr.status_id,
        user=actor.user,
        unit=actor.unit,
        created_at=now,
        note=note or "",
        changes=changes or {},
    )


def _stamp(sr: ServiceRequest, actor: Actor, now: datetime) -> None:
    sr.updated_date, sr.updated_by_user, sr.updated_by_unit = now, actor.user, actor.unit


def _refuse(sr: ServiceRequest, action: str) -> InvalidLifeCycleState:
    return InvalidLifeCycleState(
        f"{TRANSITIONS[action].label} is not allowed for {sr.number} in state "
        f"{sr.life_cycle_state}.",
        param="service_request_identifier",
        detail=f"{action} needs one of {', '.join(sorted(TRANSITIONS[action].sources))}",
    )


def _check_accepted(sr: ServiceRequest, spec: StepSpec, action: str) -> None:
    """A step whose category requires acceptance blocks the next step until accepted."""
    category = getattr(sr, spec.column("category"))
    if (
        rules.requires_acceptance(sr, category)
        and getattr(sr, spec.column("accepted_date")) is None
    ):
        raise InvalidLifeCycleState(
            f"The customer must accept the {spec.name.replace('_', ' ')} first.",
            param="service_request_identifier",
            detail=f"{spec.name} of {sr.number} is pending the customer's acceptance",
        )


def _apply_text(sr: ServiceRequest, description: Any, notes: Any) -> None:
    if description is not None:
        sr.description = description
    if notes is not None:
        sr.notes = notes


# -- transitions --------------------------------------------------------------------------------


def _record_step(sr: ServiceRequest, spec: StepSpec, step: Step, now: datetime) -> None:
    setattr(sr, spec.column("category"), step.category)
    setattr(sr, spec.by, step.by)
    setattr(sr, spec.column("date"), step.date)
    setattr(sr, spec.column("description"), step.description)
    if step.accepted_by is not None:
        rules.check_acceptor(sr, step.accepted_by, param=f"{spec.name}.accepted_by_identifier")
    setattr(sr, spec.column("accepted_by"), step.accepted_by)
    setattr(sr, spec.column("accepted_date"), now if step.accepted_by else None)


def _guard(sr: ServiceRequest, action: str) -> None:
    """The table, then the acceptances the action waits for."""
    if not allowed(action, sr.life_cycle_state):
        raise _refuse(sr, action)
    if action in ("temporary_resolve", "final_resolve"):
        previous = "temporary_resolve" if sr.life_cycle_state == S.TEMPORARY_RESOLVED else "respond"
        _check_accepted(sr, STEPS[previous], action)
    if action == "complete":
        _check_accepted(sr, STEPS["final_resolve"], action)


def _transition(
    sr: ServiceRequest,
    actor: Actor,
    action: str,
    status: ServiceRequestStatus,
    step: Step | None,
    now: datetime,
    note: str = "",
    reason=None,
) -> None:
    """Move ``sr`` (locked) one step along the table and write the event."""
    _guard(sr, action)
    target = TRANSITIONS[action].target
    rules.check_status(sr.type, status, target)
    before = (sr.life_cycle_state, sr.status_id)
    if step is not None:
        _record_step(sr, STEPS[action], step, now)
    sr.status, sr.life_cycle_state = status, target
    if target == S.COMPLETED:
        sr.completed_date = now
    if target == S.CANCELLED:
        # However the request got here (cancel, create or update), it has a reason.
        sr.cancelled_date = now
        sr.cancellation_reason = rules.cancellation_reason(sr.type, reason)
    if target in (S.COMPLETED, S.CANCELLED):
        sr.approaching_completion = sr.overdue_flagged_at = None
    _event(sr, actor, action, before, now, note)


def _walk(
    sr: ServiceRequest,
    actor: Actor,
    status: ServiceRequestStatus,
    steps: dict[str, Step],
    now: datetime,
    param: str = "status_identifier",
) -> None:
    """Take every step from the current state to ``status``'s state (create and update)."""
    target = status.life_cycle_state
    path = path_to(sr.life_cycle_state, target, via_temporary="temporary_resolve" in steps)
    if path is None:
        raise InvalidLifeCycleState(
            f"{sr.number} cannot move from {sr.life_cycle_state} to {target}.",
            param=param,
            detail=f"no transition leads from {sr.life_cycle_state} to {target}",
        )
    unused = set(steps) - set(path)
    if unused:
        name = STEPS[sorted(unused)[0]].name
        raise ValidationFailed(
            f"The {name.replace('_', ' ')} does not fit the status {status.name}.",
            param=name,
            detail=f"{status.name} ({target}) does not take a {name} now",
        )
    for index, action in enumerate(path):
        last = index == len(path) - 1
        spec = STEPS.get(action)
        if spec is not None and action not in steps:
            raise MissingParameter(
                f"The {spec.name.replace('_', ' ')} is mandatory for {status.name}.",
                param=spec.name,
                detail=f"moving to {target} takes a {spec.name}",
            )
        step_status = (
            status
            if last
            else rules.default_status(sr.type, TRANSITIONS[action].target, param=param)
        )
        _transition(sr, actor, action, step_status, steps.get(action), now)


# -- create -------------------------------------------------------------------------------------


def _completion_fields(sr: ServiceRequest, expected, estimated: TimePeriod | None) -> None:
    default = rules.default_completion(sr.type, sr.priority)
    expected, estimated = completion(
        start=sr.start_date, expected=expected, estimated=estimated, default=default
    )
    sr.expected_completion_date = expected
    sr.estimated_completion_value = estimated.value if estimated else None
    sr.estimated_completion_uot = estimated.uot if estimated else None


def _assign(sr: ServiceRequest, user, unit) -> None:
    if user is not None and unit is None:
        unit = user.default_unit
    check_assignment(user, unit)
    sr.assigned_to_user, sr.assigned_to_unit = user, unit


def _contact_defaults(sr: ServiceRequest, fields: dict) -> None:
    """Caller email and phone default to the caller's; the type may require them."""
    sr.caller_email = fields.get("caller_email") or sr.caller.email or None
    sr.caller_phone = fields.get("caller_phone") or sr.caller.phone or None
    _check_contact(sr)


def _check_contact(sr: ServiceRequest) -> None:
    """A type that emails (texts) the caller needs the caller's email (phone)."""
    if sr.type.email_customer_on_status_change and not sr.caller_email:
        raise MissingParameter(
            f"{sr.type.name} emails the caller; caller_email is mandatory.",
            param="caller_email",
            detail="the type emails the caller on every status change",
        )
    if sr.type.sms_customer_on_status_change and not sr.caller_phone:
        raise MissingParameter(
            f"{sr.type.name} texts the caller; caller_phone is mandatory.",
            param="caller_phone",
            detail="the type texts the caller on every status change",
        )


PLAIN_FIELDS = (
    "description",
    "notes",
    "owned_by_group",
    "privacy_level",
    "referring_to_subscription",
    "referring_to_job",
    *[f"udf_string_{n}" for n in range(1, 9)],
    *[f"udf_float_{n}" for n in range(1, 5)],
    *[f"udf_date_{n}" for n in range(1, 5)],
)


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
    for name in PLAIN_FIELDS:
        if fields.get(name) is not None:
            setattr(sr, name, fields[name])
    _contact_defaults(sr, fields)
    _assign(sr, fields.get("assigned_to_user"), fields.get("assigned_to_unit"))
    check_assignee_sees(sr.assigned_to_user, sr)
    _completion_fields(
        sr, fields.get("expected_completion_date"), fields.get("estimated_completion_time")
    )
    initial = (
        status
        if status.life_cycle_state == S.PENDING
        else rules.default_status(type, S.PENDING, param="status_identifier")
    )
    rules.check_status(type, initial, S.PENDING)
    sr.status, sr.life_cycle_state = initial, S.PENDING
    sr.number = next_number("service_request")
    _stamp(sr, actor, now)
    sr.save()
    _event(sr, actor, "create", (None, None), now)
    if status != initial or steps:
        _walk(sr, actor, status, steps or {}, now)
        sr.save()
    _apply_sets(sr, sets or SetChanges())
    return sr


# -- sets ---------------------------------------------------------------------------------------


def _apply_sets(sr: ServiceRequest, sets: SetChanges) -> None:
    for row in sets.remove_services:
        row.delete()
    for row in sets.remove_goods:
        row.delete()
    for row in sets.remove_related:
        row.delete()
    for path, product in sets.add_services:
        param = f"{path}.product_identifier"
        rules.check_service(sr.type, product, param=param)
        if sr.services.filter(product=product).exists():
            raise ValidationFailed(
                f"The service {product.code} is already in the set.",
                param=param,
                detail=f"{product.code} is already listed",
            )
        ServiceRequestService.objects.create(service_request=sr, product=product)
    for path, product, serial in sets.add_goods:
        rules.check_physical_good(sr.type, product, serial, param=f"{path}.product_identifier")
        ServiceRequestPhysicalGood.objects.create(
            service_request=sr, product=product, serial_number=serial
        )
    _apply_related(sr, sets)


def _apply_related(sr: ServiceRequest, sets: SetChanges) -> None:
    for relation, description in sets.update_related:
        relation.description = description
        relation.save(update_fields=["description"])
    # In id order: the foreign keys take their locks on the related rows in this order at
    # commit, and one global order means two such transactions cannot wait for each other.
    for path, other, description in sorted(sets.add_related, key=lambda item: item[1].pk):
        param = f"{path}.service_request_identifier"
        if other.pk == sr.pk:
            raise ValidationFailed(
                "A request cannot relate to itself.",
                param=param,
                detail=f"{sr.number} is this request",
            )
        if sr.relations.filter(related=other).exists():
            raise ValidationFailed(
                f"{other.number} is already related.",
                param=param,
                detail=f"{other.number} is already in the set",
            )
        try:
            with transaction.atomic():
                ServiceRequestRelation.objects.create(
                    service_request=sr, related=other, description=description
                )
        except IntegrityError:  # a concurrent update added it first
            raise ValidationFailed(f"{other.number} is already related.", param=param) from None


# -- update -------------------------------------------------------------------------------------

NOT_CLEARABLE = {"category", "urgency_level", "impact_level", "start_date"}


def _update_fields(sr: ServiceRequest, changes: dict) -> dict:
    """Apply plain changes; returns {field: [old, new]} for the event."""
    diff = {}
    for name, value in changes.items():
        old = getattr(sr, f"{name}_id", None) if hasattr(sr, f"{name}_id") else getattr(sr, name)
        setattr(sr, name, value)
        new = getattr(sr, f"{name}_id", None) if hasattr(sr, f"{name}_id") else getattr(sr, name)
        if old != new:
            diff[name] = [
                str(old) if old is not None else None,
                str(new) if new is not None else None,
            ]
    return diff


def _update_derived(sr: ServiceRequest, actor: Actor, changes: dict, timing: dict) -> None:
    if "category" in changes:
        rules.check_category(sr.type, sr.category)
    if "privacy_level" in changes:
        rules.check_privacy_level(actor.user, changes["privacy_level"])
    if {"caller_email", "caller_phone"} & set(changes):
        _check_contact(sr)
    if "referring_to_subscription" in changes:
        rules.check_referring(
            sr.accounts_receivable, sr.referring_to_subscription, sr.referring_to_job
        )
    if {"impact_level", "urgency_level"} & set(changes):
        sr.priority = rules.priority_for(sr.impact_level, sr.urgency_level)
    before = sr.expected_completion_date
    if "expected_completion_date" in timing or "estimated_completion_time" in timing:
        expected = timing.get("expected_completion_date")
        estimated = timing.get("estimated_completion_time")
        if expected is None and estimated is None:
            sr.expected_completion_date = sr.estimated_completion_value = None
            sr.estimated_completion_uot = None
        else:
            _completion_fields(sr, expected, estimated)
    elif "start_date" in changes and sr.estimated_completion_value is not None:
        _completion_fields(
            sr, None, TimePeriod(sr.estimated_completion_value, sr.estimated_completion_uot)
        )
    if sr.expected_completion_date != before:
        # A new date may be flagged again, once.
        sr.approaching_completion = sr.overdue_flagged_at = None


def _edit_steps(sr: ServiceRequest, steps: dict[str, Step], now: datetime) -> None:
    """Correct a response or resolution the request already has."""
    for action, step in steps.items():
        spec = STEPS[action]
        if getattr(sr, spec.column("date")) is None:
            raise InvalidLifeCycleState(
                f"{sr.number} has no {spec.name.replace('_', ' ')} to change.",
                param=spec.name,
                detail=f"{sr.number} is {sr.life_cycle_state}",
            )
        _record_step(sr, spec, step, now)


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
) -> ServiceRequest:
    """Change a request: absent means unchanged, None clears. A status of another state
    moves it along the table, taking the steps given."""
    sr, now, steps = _lock(service_request), timezone.now(), steps or {}
    if not sr.is_open:
        raise _closed(sr)
    if {"temporary_resolve", "final_resolve"} & set(steps) and status is None:
        raise MissingParameter(
            "A status is mandatory when a resolution changes.",
            param="status_identifier",
            detail="give the status the request has after the change",
        )
    before = (sr.life_cycle_state, sr.status_id)
    diff = _update_fields(sr, changes or {})
    _update_derived(sr, actor, changes or {}, timing or {})
    if assignment is not None:
        _assign(sr, *assignment)
        diff["assigned_to"] = [None, sr.assigned_to_user_id or sr.assigned_to_unit_id]
    if assignment is not None or {"privacy_level", "owned_by_group"} & set(changes or {}):
        check_assignee_sees(sr.assigned_to_user, sr)
    _apply_sets(sr, sets or SetChanges())
    if status is not None:
        _move(sr, actor, status, steps, now)
    else:
        _edit_steps(sr, steps, now)
    _stamp(sr, actor, now)
    sr.save()
    _event(sr, actor, "update", before, now, changes=diff)
    return sr


def _move(sr, actor, status, steps, now) -> None:
    if status.life_cycle_state == sr.life_cycle_state:
        rules.check_status(sr.type, status, sr.life_cycle_state)
        _edit_steps(sr, steps, now)
        sr.status = status
        return
    done = {a: s for a, s in steps.items() if getattr(sr, STEPS[a].column("date")) is not None}
    _edit_steps(sr, done, now)
    _walk(sr, actor, status, {a: s for a, s in steps.items() if a not in done}, now)


def _closed(sr: ServiceRequest) -> InvalidLifeCycleState:
    return InvalidLifeCycleState(
        f"{sr.number} is {sr.life_cycle_state} and can no longer change.",
        param="service_request_identifier",
        detail="completed and cancelled requests are final",
    )


# -- actions ------------------------------------------------------------------------------------


@atomic_retry
def service_request_step(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    action: str,
    status: ServiceRequestStatus | None = None,
    step: Step | None = None,
    description: str | None = None,
    notes: str | None = None,
    cancellation_reason=None,
) -> ServiceRequest:
    """``respond``, ``temporary_resolve``, ``final_resolve``, ``complete`` or ``cancel``."""
    sr, now = _lock(service_request), timezone.now()
    _guard(sr, action)
    target = TRANSITIONS[action].target
    status = status or rules.default_status(sr.type, target, param="status_identifier")
    _apply_text(sr, description, notes)
    _transition(sr, actor, action, status, step, now, note=notes or "", reason=cancellation_reason)
    _stamp(sr, actor, now)
    sr.save()
    return sr


@atomic_retry
def service_request_accept(
    *,
    service_request: ServiceRequest,
    actor: Actor,
    action: str,
    accepted_by: Contact | None = None,
    description: str | None = None,
    notes: str | None = None,
) -> ServiceRequest:
    """Record the customer's acceptance of the response or a resolution."""
    sr, now, spec = _lock(service_request), timezone.now(), ACCEPTS[action]
    if not allowed(action, sr.life_cycle_state):
        raise _refuse(sr, action)
    if getattr(sr, spec.column("accepted_date")) is not None:
        raise InvalidLifeCycleState(
            f"The {spec.name.replace('_', ' ')} of {sr.number} is already accepted.",
            param="service_request_identifier",
            detail=f"{spec.name} was accepted before",
        )
    contact = accepted_by or sr.caller
    rules.check_acceptor(sr, contact, param="accepted_by_identifier")
    setattr(sr, spec.column("accepted_by"), contact)
    setattr(sr, spec.column("accepted_date"), now)
    before = (sr.life_cycle_state, sr.status_id)
    _apply_text(sr, description, notes)
    _stamp(sr, actor, now)
    sr.save()
    _event(sr, actor, action, before, now, note=notes or "", changes={"accepted_by": contact.pk})
    return sr


def action_blocker(sr: ServiceRequest, action: str) -> str | None:
    """Why ``action`` is refused for ``sr`` right now, or None: the pages use this to offer
    only what would succeed. Reads only."""
    try:
        if action in ACCEPTS:
            if not allowed(action, sr.life_cycle_state):
                raise _refuse(sr, action)
            if getattr(sr, ACCEPTS[action].column("accepted_date")) is not None:
                return "Already accepted."
            return None
        _guard(sr, action)
    except (InvalidLifeCycleState, ValidationFailed) as error:
        return error.message
    return None
