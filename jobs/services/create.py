"""Creating a job (of a scope this project creates: jobs.scopes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from crm.actor import Actor
from crm.db import atomic_retry
from crm.notify import tell_assignee
from crm.numbering import next_number
from crm.rules import check_assignee_sees, completion
from crm.timeperiods import TimePeriod
from customers.models import AccountsReceivable, Subscription
from jobs import lifecycle
from jobs.models import Job, JobLifeCycleState, JobStatus, JobType
from jobs.services.checks import (
    CREATE_ONLY,
    PLAIN,
    assignment_columns,
    check_attributes,
    check_new_terms,
    check_status,
    check_subscription,
    check_type,
    default_status,
    save_terms,
)
from jobs.services.common import (
    period_columns,
    record_event,
    set_plain,
    stored_estimate,
    touch,
)
from jobs.services.inputs import Assignment, BillingTermsInput, Item
from jobs.services.sets import SETS, new_row, prepare_items
from webhooks import events as webhook_events

S = JobLifeCycleState


def _expiration(job_type: JobType, now: datetime) -> datetime | None:
    """Only ``X_DAYS_AFTER_JOB_CREATION`` gives a date when the job is created."""
    if job_type.expiration_settings == JobType.ExpirationSettings.X_DAYS_AFTER_JOB_CREATION:
        return now + timedelta(days=job_type.expiration_days)
    return None


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
        default=stored_estimate(type),
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
        **period_columns(estimated),
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
    set_plain(job, actor, values, now)
    check_assignee_sees(job.assigned_to_user, job)
    touch(job, actor, now, created=True)
    job.save()
    if billing_terms is not None:
        save_terms(job, billing_terms)
    for name, set_items in items.items():
        SETS[name].model.objects.bulk_create([new_row(job, SETS[name], item) for item in set_items])
    record_event(job, actor, "create", (None, None), now)
    webhook_events.job_created(job, now=now)
    tell_assignee(job, before_user_id=None, actor=actor.user, now=now)
    return job
