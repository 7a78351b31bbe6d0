"""Moving a locked request along the life cycle table (servicerequests.lifecycle): the
guards, the steps it records, and the walk a create or an update takes to a later state."""

from __future__ import annotations

from datetime import datetime

from acceptance import links as acceptance
from crm.actor import Actor
from crm.audit import Audit, as_changes
from crm.exceptions import InvalidLifeCycleState, MissingParameter, ValidationFailed
from crm.services import notification_resolve_deadlines
from servicerequests import rules
from servicerequests.lifecycle import LIFE_CYCLE
from servicerequests.models import AcceptedVia, ServiceRequest, ServiceRequestStatus
from servicerequests.models import LifeCycleState as S
from servicerequests.services.common import record_event
from servicerequests.services.inputs import Step
from servicerequests.steps import BY_ACCEPT, BY_ACTION, StepKind
from sla import services as sla


def check_allowed(sr: ServiceRequest, action: str) -> None:
    LIFE_CYCLE.check(action, sr.life_cycle_state, record=sr.number)


def check_accepted(sr: ServiceRequest, step: StepKind) -> None:
    """A step whose category requires acceptance blocks the next step until accepted."""
    category = getattr(sr, step.column("category"))
    if (
        rules.requires_acceptance(sr, category)
        and getattr(sr, step.column("accepted_date")) is None
    ):
        raise InvalidLifeCycleState(
            f"The customer must accept the {step.label.lower()} first.",
            param="service_request_identifier",
            detail=f"{step.name} of {sr.number} is pending the customer's acceptance",
        )


def guard(sr: ServiceRequest, action: str) -> None:
    """The table, then the acceptances the action waits for."""
    check_allowed(sr, action)
    if action in ("temporary_resolve", "final_resolve"):
        previous = "temporary_resolve" if sr.life_cycle_state == S.TEMPORARY_RESOLVED else "respond"
        check_accepted(sr, BY_ACTION[previous])
    if action == "complete":
        check_accepted(sr, BY_ACTION["final_resolve"])


def record_step(sr: ServiceRequest, kind: StepKind, step: Step, now: datetime) -> None:
    setattr(sr, kind.column("category"), step.category)
    setattr(sr, kind.by, step.by)
    setattr(sr, kind.column("date"), step.date)
    setattr(sr, kind.column("description"), step.description)
    if step.accepted_by is not None:
        rules.check_acceptor(sr, step.accepted_by, param=f"{kind.name}.accepted_by_identifier")
    setattr(sr, kind.column("accepted_by"), step.accepted_by)
    setattr(sr, kind.column("accepted_date"), now if step.accepted_by else None)
    setattr(sr, kind.column("accepted_via"), AcceptedVia.STAFF if step.accepted_by else None)
    # A step that waits for the customer mails them a link (after commit, contract 12).
    acceptance.acceptance_link_issue(service_request=sr, step=kind, now=now)


def transition(
    sr: ServiceRequest,
    actor: Actor,
    action: str,
    status: ServiceRequestStatus,
    step: Step | None,
    now: datetime,
    *,
    audit: Audit,
    note: str = "",
    reason=None,
) -> None:
    """Move ``sr`` (locked) one step along the table and write the event."""
    guard(sr, action)
    target = LIFE_CYCLE[action].target
    rules.check_status(sr.type, status, target)
    before, old_status = (sr.life_cycle_state, sr.status_id), sr.status
    if step is not None:
        record_step(sr, BY_ACTION[action], step, now)
    sr.status, sr.life_cycle_state = status, target
    sla.status_changed(sr, old_status, now=now)
    if action == "respond":
        sla.responded(sr, now=now)
    if target == S.COMPLETED:
        sr.completed_date = now
    if target == S.CANCELLED:
        # However the request got here (cancel, create or update), it has a reason.
        sr.cancelled_date = now
        sr.cancellation_reason = rules.cancellation_reason(sr.type, reason)
    if target in (S.COMPLETED, S.CANCELLED):
        sr.approaching_completion = sr.overdue_flagged_at = None
        notification_resolve_deadlines(record=sr, now=now)  # nothing is due any more
    record_event(sr, actor, action, before, now, note=note, changes=as_changes(audit.take(sr)))


def walk(
    sr: ServiceRequest,
    actor: Actor,
    status: ServiceRequestStatus,
    steps: dict[str, Step],
    now: datetime,
    *,
    audit: Audit,
    param: str = "status_identifier",
) -> None:
    """Take every step from the current state to ``status``'s state (create and update)."""
    target = status.life_cycle_state
    path = LIFE_CYCLE.path(sr.life_cycle_state, target, optional="temporary_resolve" in steps)
    if path is None:
        raise InvalidLifeCycleState(
            f"{sr.number} cannot move from {sr.life_cycle_state} to {target}.",
            param=param,
            detail=f"no transition leads from {sr.life_cycle_state} to {target}",
        )
    unused = set(steps) - {t.action for t in path}
    if unused:
        name = BY_ACTION[sorted(unused)[0]].name
        raise ValidationFailed(
            f"The {name.replace('_', ' ')} does not fit the status {status.name}.",
            param=name,
            detail=f"{status.name} ({target}) does not take a {name} now",
        )
    for index, step in enumerate(path):
        kind = BY_ACTION.get(step.action)
        if kind is not None and step.action not in steps:
            raise MissingParameter(
                f"The {kind.label.lower()} is mandatory for {status.name}.",
                param=kind.name,
                detail=f"moving to {target} takes a {kind.name}",
            )
        step_status = (
            status
            if index == len(path) - 1
            else rules.default_status(sr.type, step.target, param=param)
        )
        transition(sr, actor, step.action, step_status, steps.get(step.action), now, audit=audit)


def action_blocker(sr: ServiceRequest, action: str) -> str | None:
    """Why ``action`` is refused for ``sr`` right now, or None: the pages use this to offer
    only what would succeed. Reads only."""
    try:
        if action in BY_ACCEPT:
            check_allowed(sr, action)
            if getattr(sr, BY_ACCEPT[action].column("accepted_date")) is not None:
                return "Already accepted."
            return None
        guard(sr, action)
    except (InvalidLifeCycleState, ValidationFailed) as error:
        return error.message
    return None
