"""The life cycle actions of a job, one service each: start progress, complete, cancel (the
fourth, submit, is an update choosing a PENDING status)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from crm.actor import Actor
from crm.audit import Audit, as_changes
from crm.db import atomic_retry
from crm.exceptions import ValidationFailed
from crm.models import User
from crm.services import notification_resolve_deadlines
from jobs import lifecycle
from jobs.models import (
    Job,
    JobActivity,
    JobCancellationReason,
    JobStatus,
    JobType,
    JobTypeCancellationReason,
)
from jobs.scopes import scope_of
from jobs.services.checks import check_status, default_status
from jobs.services.common import TRACKED, lock_job, record_event, touch
from webhooks import events as webhook_events


@dataclass
class _Acting:
    """A job moved by an action, locked, with what the event needs."""

    job: Job
    before: tuple
    audit: Audit


def _begin(job: Job, action: str, status: JobStatus | None) -> _Acting:
    """Lock, check the table, and move the job to the action's state and status."""
    job = lock_job(job)
    audit = Audit(job, TRACKED)
    transition = lifecycle.LIFE_CYCLE.check(action, job.life_cycle_state, record=job.number)
    target = transition.target
    status = status or default_status(job.type, [target], param="status_identifier")
    check_status(job.type, status, {target}, param="status_identifier")
    before = (job.life_cycle_state, job.status_id)
    job.status, job.life_cycle_state = status, target
    return _Acting(job, before, audit)


def _finish(acting: _Acting, actor: Actor, action: str, now: datetime, note: str = "") -> Job:
    job = acting.job
    if not job.is_open:  # completed or cancelled: nothing is due any more
        job.approaching_completion = job.overdue_flagged_at = None
        notification_resolve_deadlines(record=job, now=now)
    touch(job, actor, now)
    job.save()
    changes = as_changes(acting.audit.take(job))
    record_event(job, actor, action, acting.before, now, note=note, changes=changes)
    webhook_events.job_state_changed(job, now=now)
    return job


@atomic_retry
def job_start_progress(
    *, actor: Actor, job: Job, status: JobStatus | None = None, now: datetime | None = None
) -> Job:
    """PENDING to IN_PROGRESS; the requested activity services become activities."""
    now = now or timezone.now()
    acting = _begin(job, "start_progress", status)
    JobActivity.objects.bulk_create(
        JobActivity(
            job=acting.job,
            activity_type_id=row.activity_type_id,
            product_id=row.product_id,
            created_date=now,
        )
        for row in acting.job.requested_activity_services.order_by("pk")
    )
    return _finish(acting, actor, "start_progress", now)


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
    """IN_PROGRESS to COMPLETED, doing what the job's scope does on completion in the same
    transaction (jobs.scopes: a deactivate-subscription job deactivates its subscription)."""
    now = now or timezone.now()
    acting = _begin(job, "complete", status)
    scope = scope_of(acting.job.type)
    options = {
        "scheduled_date": (scheduled_date, "scheduled_date"),
        "performed_by": (performed_by, "performed_by_user_identifier"),
        "performed_on": (performed_on, "performed_on"),
    }
    for option, (value, param) in options.items():
        if value is not None and option not in scope.options:
            raise ValidationFailed(
                f"The parameter {param} does not apply to jobs of this scope.",
                param=param,
                detail=f"not applicable to jobs of scope {scope.value}",
            )
    if scope.on_complete is not None:
        scope.on_complete(acting.job, actor, now)
    acting.job.actual_completed_date = now
    acting.job.scheduled_date = scheduled_date or acting.job.scheduled_date
    performed = ", ".join(str(v) for v in (performed_by, performed_on) if v is not None)
    note = " ".join(filter(None, [scope.completion_text(acting.job), performed]))
    return _finish(acting, actor, "complete", now, note=note)


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
    acting = _begin(job, "cancel", status)
    acting.job.cancellation_reason = _cancellation_reason(acting.job.type, reason)
    acting.job.cancelled_date = now
    if cancel_provided_items:
        acting.job.physical_goods.all().delete()
        acting.job.expenses.all().delete()
    reason = acting.job.cancellation_reason
    return _finish(acting, actor, "cancel", now, note=reason.name if reason else "")


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
