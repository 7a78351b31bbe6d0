"""The job services: create, update and the life cycle actions.

Each is atomic, locks the job row, checks the life cycle table (:mod:`jobs.lifecycle`),
writes an event row and returns the job; a refused write raises before anything is
committed, so it changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from crm.actor import Actor
from crm.db import atomic_retry
from crm.exceptions import ValidationFailed
from crm.models import User
from crm.numbering import next_number
from crm.rules import check_assignee_sees, completion, stamped_note
from crm.timeperiods import TimePeriod
from customers.models import AccountsReceivable, Subscription
from jobs import lifecycle
from jobs.models import (
    FulfillmentScope,
    Job,
    JobActivity,
    JobBillingTerms,
    JobCancellationReason,
    JobEvent,
    JobLifeCycleState,
    JobStatus,
    JobType,
    JobTypeCancellationReason,
)
from jobs.services.checks import (
    CREATE_ONLY,
    PLAIN,
    assignment_columns,
    check_attributes,
    check_new_terms,
    check_status,
    check_subscription,
    check_terms_applicable,
    check_type,
    default_status,
    midnight,
    save_terms,
)
from jobs.services.inputs import Assignment, BillingTermsInput, Item, SetChange
from jobs.services.sets import SETS, SetEditor, new_row, prepare_items

S = JobLifeCycleState
DEACTIVATE = FulfillmentScope.DEACTIVATE_SUBSCRIPTION
# complete: scheduled_date applies to these scopes, performed_by / performed_on to the last.
SCHEDULED_SCOPES = frozenset(
    {
        FulfillmentScope.CANCEL_SUBSCRIPTION,
        FulfillmentScope.CANCEL_SUBSCRIPTION_SERVICES,
        FulfillmentScope.SWAP_SUBSCRIPTION_SERVICES,
        FulfillmentScope.SUBSCRIPTION_MAINTAINANCE,
    }
)
PERFORMED_SCOPE = FulfillmentScope.NEW_SUBSCRIPTION


# -- shared steps -------------------------------------------------------------------------------


def _lock(job: Job) -> Job:
    """The row, locked until commit and read again, so every check sees the latest state.

    The lock takes no joins: after waiting for a lock, PostgreSQL re-checks the row it got
    against the joined rows it read before waiting, so a join on a column the winner changed
    (``status``) would drop the row and the loser would see no job instead of a 409.
    """
    Job.objects.locked().filter(pk=job.pk).values_list("pk", flat=True).get()
    return Job.objects.select_related("type", "status").get(pk=job.pk)


def _touch(job: Job, actor: Actor, now: datetime, *, created: bool = False) -> None:
    """``log_information``: who and when; the unit is the one the actor's token is for."""
    job.updated_date, job.updated_by_user, job.updated_by_unit = now, actor.user, actor.unit
    if created:
        job.created_date, job.created_by_user, job.created_by_unit = now, actor.user, actor.unit


def _event(job: Job, actor: Actor, action: str, before: tuple, now: datetime, **extra) -> None:
    from_state, from_status_id = before
    JobEvent.objects.create(
        job=job,
        action=action,
        from_state=from_state,
        to_state=job.life_cycle_state,
        from_status_id=from_status_id,
        to_status_id=job.status_id,
        user=actor.user,
        unit=actor.unit,
        created_at=now,
        **extra,
    )


def _set_plain(job: Job, actor: Actor, values: Mapping[str, Any], now: datetime) -> None:
    """Plain columns; notes are stamped with author and time and added to earlier ones."""
    for name, value in values.items():
        if name == "notes" and value is not None:
            value = "\n".join(filter(None, [job.notes, stamped_note(actor.user, value, now)]))
        setattr(job, name, value)


def _period_columns(estimated: TimePeriod | None) -> dict:
    return {
        "estimated_completion_value": estimated.value if estimated else None,
        "estimated_completion_uot": estimated.uot if estimated else None,
    }


def _stored_estimate(owner) -> TimePeriod | None:
    if owner.estimated_completion_value is None:
        return None
    return TimePeriod(owner.estimated_completion_value, owner.estimated_completion_uot)


def _expiration(job_type: JobType, now: datetime) -> datetime | None:
    """Only ``X_DAYS_AFTER_JOB_CREATION`` gives a date when the job is created."""
    if job_type.expiration_settings == JobType.ExpirationSettings.X_DAYS_AFTER_JOB_CREATION:
        return now + timedelta(days=job_type.expiration_days)
    return None


# -- create -------------------------------------------------------------------------------------


@atomic_retry
def job_create(
    *,
    actor: Actor,
    type: JobType,
    accounts_receivable: AccountsReceivable,
    subscription: Subscription,
    assigned_to: Assignment,
    status: JobStatus | None = None,
    billing_terms: BillingTermsInput | None = None,
    start_date: datetime | None = None,
    expected_completion_date: datetime | None = None,
    estimated_completion_time: TimePeriod | None = None,
    attributes: Mapping[str, Any] | None = None,
    sets: Mapping[str, Sequence[Item]] | None = None,
    now: datetime | None = None,
) -> Job:
    """A new deactivate-subscription job, in the state of its status (DRAFT or PENDING).

    ``attributes``: plain columns (``PLAIN``) and ``service_request``; without
    ``owned_by_group`` the job belongs to the group of the actor's unit. ``sets``: the
    requested sets by API name, completed with the type's mandatory items.
    """
    now = now or timezone.now()
    check_type(type)
    check_subscription(subscription, accounts_receivable)
    status = _creation_status(type, status)
    values = _creation_attributes(actor, accounts_receivable, attributes or {})
    start = start_date or now
    expected, estimated = completion(
        start=start,
        expected=expected_completion_date,
        estimated=estimated_completion_time,
        default=_stored_estimate(type),
    )
    check_new_terms(type, billing_terms)
    items = {name: prepare_items(type, SETS[name], (sets or {}).get(name, ())) for name in SETS}
    job = Job(
        type=type,
        status=status,
        life_cycle_state=status.life_cycle_state,
        accounts_receivable=accounts_receivable,
        subscription=subscription,
        start_date=start,
        expected_completion_date=expected,
        expiration_date=_expiration(type, now),
        **_period_columns(estimated),
        **assignment_columns(assigned_to),
    )
    return _save_new(job, actor, values, billing_terms, items, now)


def _creation_status(job_type: JobType, status: JobStatus | None) -> JobStatus:
    """The given status, or the type's default DRAFT (else PENDING) one; either way of a
    state a job may be created in."""
    status = status or default_status(job_type, [S.DRAFT, S.PENDING], param="status_identifier")
    check_status(job_type, status, lifecycle.CREATE_STATES, param="status_identifier")
    return status


def _creation_attributes(actor: Actor, account, attributes: Mapping[str, Any]) -> dict:
    """Checked plain attributes; without ``owned_by_group`` the job belongs to the group of
    the unit the actor works for (seed 004's second example)."""
    values = dict(attributes)
    check_attributes(actor, values, account, PLAIN | CREATE_ONLY)
    values.setdefault("owned_by_group", actor.unit.group if actor.unit else None)
    return values


def _save_new(job, actor, values, billing_terms, items, now) -> Job:
    """Write a checked new job, its terms, its sets and its creation event."""
    # Numbered only once every check passed: a PostgreSQL sequence does not roll back.
    job.number = next_number("job")
    _set_plain(job, actor, values, now)
    check_assignee_sees(job.assigned_to_user, job)
    _touch(job, actor, now, created=True)
    job.save()
    if billing_terms is not None:
        save_terms(job, billing_terms)
    for name, set_items in items.items():
        SETS[name].model.objects.bulk_create([new_row(job, SETS[name], item) for item in set_items])
    _event(job, actor, "create", (None, None), now)
    return job


# -- update -------------------------------------------------------------------------------------


@atomic_retry
def job_update(
    *,
    actor: Actor,
    job: Job,
    status: JobStatus | None = None,
    assigned_to: Assignment | None = None,
    billing_terms: BillingTermsInput | None = None,
    start_date: datetime | None = None,
    expected_completion_date: datetime | None = None,
    estimated_completion_time: TimePeriod | None = None,
    attributes: Mapping[str, Any] | None = None,
    set_changes: Mapping[str, Sequence[SetChange]] | None = None,
    now: datetime | None = None,
) -> Job:
    """Change an open job. ``None`` / absent: unchanged; in ``attributes`` (``PLAIN``) a
    ``None`` value clears the column. A status of another state moves the job only where
    the table lets an update do it (DRAFT to PENDING)."""
    now = now or timezone.now()
    job = _lock(job)
    before = (job.life_cycle_state, job.status_id)
    set_changes = set_changes or {}
    _check_update_scope(job, billing_terms, set_changes)
    transition = _update_status(job, status)
    _update_details(job, actor, dict(attributes or {}), assigned_to, now)
    _update_completion(job, start_date, expected_completion_date, estimated_completion_time)
    _touch(job, actor, now)
    job.save()
    _update_terms(job, billing_terms, start_changed=start_date is not None)
    for name, changes in set_changes.items():
        editor = SetEditor(job, SETS[name])
        for change in changes:
            editor.apply(change)
    given = {
        "status": status,
        "assigned_to": assigned_to,
        "billing_terms": billing_terms,
        "start_date": start_date,
        "expected_completion_date": expected_completion_date,
        "estimated_completion_time": estimated_completion_time,
    }
    names = [k for k, v in given.items() if v is not None] + [*(attributes or {}), *set_changes]
    action = transition.action if transition else "update"
    _event(job, actor, action, before, now, changes={"parameters": sorted(names)})
    return job


def _update_details(job: Job, actor: Actor, values: dict, assigned_to, now: datetime) -> None:
    check_attributes(actor, values, job.accounts_receivable, PLAIN)
    _set_plain(job, actor, values, now)
    if assigned_to is not None:
        for name, value in assignment_columns(assigned_to).items():
            setattr(job, name, value)
    if assigned_to is not None or {"privacy_level", "owned_by_group"} & set(values):
        check_assignee_sees(job.assigned_to_user, job)


def _check_update_scope(job: Job, billing_terms, set_changes: Mapping) -> None:
    """Which parts an update may change in the job's state (reference section 3.1)."""
    state = job.life_cycle_state
    lifecycle.check_editable(lifecycle.UPDATABLE, state, param="job_identifier", what="details")
    if billing_terms is not None:
        lifecycle.check_editable(
            lifecycle.REQUESTED_EDITABLE, state, param="billing_terms", what="billing terms"
        )
        check_terms_applicable(job.type, True)
    for name in set_changes:
        lifecycle.check_editable(SETS[name].editable, state, param=name, what=name)


def _update_status(job: Job, status: JobStatus | None):
    """Apply a status chosen in an update; returns the transition it takes, if any."""
    if status is None or status.pk == job.status_id:
        return None
    check_status(job.type, status, list(S.values), param="status_identifier")
    transition = lifecycle.update_transition(
        job.life_cycle_state, status.life_cycle_state, param="status_identifier"
    )
    job.status, job.life_cycle_state = status, status.life_cycle_state
    return transition


def _update_completion(job: Job, start, expected, estimated) -> None:
    """The dates derive each other from the start; a new start alone keeps the estimate."""
    if start is None and expected is None and estimated is None:
        return
    job.start_date = start or job.start_date
    if expected is None and estimated is None:
        estimated = _stored_estimate(job)
        expected = None if estimated else job.expected_completion_date
        if expected is None and estimated is None:
            return
    expected, estimated = completion(
        start=job.start_date, expected=expected, estimated=estimated, default=None
    )
    if expected != job.expected_completion_date:
        # A flag for the old date no longer holds (as the service requests' scan does).
        job.approaching_completion = job.overdue_flagged_at = None
    job.expected_completion_date = expected
    for name, value in _period_columns(estimated).items():
        setattr(job, name, value)


def _update_terms(job: Job, terms: BillingTermsInput | None, *, start_changed: bool) -> None:
    if terms is not None:
        save_terms(job, terms)
    elif start_changed:
        # The terms take effect on the job's start date.
        JobBillingTerms.objects.filter(job=job).update(effective_date=midnight(job.start_date))


# -- life cycle actions -------------------------------------------------------------------------


def _begin(job: Job, action: str, status: JobStatus | None) -> tuple[Job, tuple]:
    """Lock, check the table, and move the job to the action's state and status."""
    job = _lock(job)
    transition = lifecycle.LIFE_CYCLE.check(action, job.life_cycle_state, record=job.number)
    target = transition.target
    status = status or default_status(job.type, [target], param="status_identifier")
    check_status(job.type, status, {target}, param="status_identifier")
    before = (job.life_cycle_state, job.status_id)
    job.status, job.life_cycle_state = status, target
    return job, before


def _finish(job: Job, actor: Actor, action: str, before: tuple, now: datetime, **extra) -> Job:
    if not job.is_open:  # completed or cancelled: nothing is due any more
        job.approaching_completion = job.overdue_flagged_at = None
    _touch(job, actor, now)
    job.save()
    _event(job, actor, action, before, now, **extra)
    return job


@atomic_retry
def job_start_progress(
    *, actor: Actor, job: Job, status: JobStatus | None = None, now: datetime | None = None
) -> Job:
    """PENDING to IN_PROGRESS; the requested activity services become activities."""
    now = now or timezone.now()
    job, before = _begin(job, "start_progress", status)
    JobActivity.objects.bulk_create(
        JobActivity(
            job=job, activity_type_id=r.activity_type_id, product_id=r.product_id, created_date=now
        )
        for r in job.requested_activity_services.order_by("pk")
    )
    return _finish(job, actor, "start_progress", before, now)


@atomic_retry
def job_complete(
    *,
    actor: Actor,
    job: Job,
    status: JobStatus | None = None,
    scheduled_date: datetime | None = None,
    performed_by: User | None = None,
    performed_on: datetime | None = None,
    now: datetime | None = None,
) -> Job:
    """IN_PROGRESS to COMPLETED. A deactivate-subscription job deactivates its
    subscription in the same transaction."""
    now = now or timezone.now()
    job, before = _begin(job, "complete", status)
    scope = job.type.fulfillment_scope
    _check_scope_option(scheduled_date, scope in SCHEDULED_SCOPES, "scheduled_date")
    _check_scope_option(performed_by, scope == PERFORMED_SCOPE, "performed_by_user_identifier")
    _check_scope_option(performed_on, scope == PERFORMED_SCOPE, "performed_on")
    if scope == DEACTIVATE:
        _deactivate_subscription(job, actor, now)
    job.actual_completed_date = now
    job.scheduled_date = scheduled_date or job.scheduled_date
    performed = {"performed_by": performed_by, "performed_on": performed_on}
    changes = {k: str(v) for k, v in performed.items() if v is not None}
    return _finish(job, actor, "complete", before, now, changes=changes)


def _check_scope_option(value, applies: bool, param: str) -> None:
    if value is not None and not applies:
        raise ValidationFailed(
            f"The parameter {param} does not apply to jobs of this scope.",
            param=param,
            detail="not applicable to this job's fulfilment scope",
        )


def _deactivate_subscription(job: Job, actor: Actor, now: datetime) -> None:
    """The subscription becomes NOT_EFFECTIVE, recording who and when (locked first: two
    jobs for one subscription cannot both deactivate it)."""
    subscription = Subscription.objects.select_for_update(no_key=True).get(pk=job.subscription_id)
    if subscription.life_cycle_state != Subscription.LifeCycleState.EFFECTIVE:
        raise ValidationFailed(
            "The subscription is no longer effective.",
            param="job_identifier",
            detail=f"{subscription.number} is {subscription.life_cycle_state}",
        )
    subscription.life_cycle_state = Subscription.LifeCycleState.NOT_EFFECTIVE
    subscription.deactivated_date = now
    subscription.deactivated_by = actor.user
    subscription.save(update_fields=["life_cycle_state", "deactivated_date", "deactivated_by"])


@atomic_retry
def job_cancel(
    *,
    actor: Actor,
    job: Job,
    status: JobStatus | None = None,
    reason: JobCancellationReason | None = None,
    cancel_provided_items: bool = False,
    now: datetime | None = None,
) -> Job:
    """Any open state to CANCELLED, with the given or the type's default reason.
    ``cancel_provided_items`` also removes the goods and expenses already provided."""
    now = now or timezone.now()
    job, before = _begin(job, "cancel", status)
    job.cancellation_reason = _cancellation_reason(job.type, reason)
    job.cancelled_date = now
    if cancel_provided_items:
        job.physical_goods.all().delete()
        job.expenses.all().delete()
    note = job.cancellation_reason.name if job.cancellation_reason else ""
    return _finish(job, actor, "cancel", before, now, note=note)


def _cancellation_reason(job_type: JobType, reason: JobCancellationReason | None):
    rows = JobTypeCancellationReason.objects.filter(type=job_type).select_related("reason")
    if reason is None:
        default = rows.filter(is_default=True).first()
        return default.reason if default else None
    if not rows.filter(reason=reason).exists():
        raise ValidationFailed(
            "The cancellation reason is not allowed for the job type.",
            param="cancellation_reason_identifier",
            detail=f"{reason.name} is not a cancellation reason of {job_type.name}",
        )
    return reason
