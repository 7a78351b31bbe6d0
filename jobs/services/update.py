"""Changing a job: its details, assignment, dates, billing terms, requested and provided
items, and a status that may move it (DRAFT to PENDING)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from crm.actor import Actor
from crm.audit import Audit, as_changes
from crm.db import atomic_retry
from crm.notify import tell_assignee
from crm.rules import check_assignee_sees, completion
from crm.timeperiods import TimePeriod
from jobs import lifecycle
from jobs.models import Job, JobBillingTerms, JobLifeCycleState, JobStatus
from jobs.services.checks import (
    PLAIN,
    assignment_columns,
    check_attributes,
    check_status,
    check_terms_applicable,
    midnight,
    save_terms,
)
from jobs.services.common import (
    TRACKED,
    TRACKED_TERMS,
    lock_job,
    period_columns,
    record_event,
    set_plain,
    stored_estimate,
    touch,
)
from jobs.services.inputs import Assignment, BillingTermsInput, SetChange
from jobs.services.sets import SETS, SetEditor, tracked_sets
from webhooks import events as webhook_events

S = JobLifeCycleState


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
    clear_completion: bool = False,
    note: str = "",
    now: datetime | None = None,
) -> Job:
    """Change an open job. ``None`` / absent: unchanged; in ``attributes`` (``PLAIN``) a
    ``None`` value clears the column. A status of another state moves the job only where
    the table lets an update do it (DRAFT to PENDING). ``clear_completion``: the expected
    completion date and the estimate are cleared. ``note`` says why."""
    now = now or timezone.now()
    job = lock_job(job)
    set_changes = set_changes or {}
    tracked = TRACKED + (TRACKED_TERMS if billing_terms else ()) + tracked_sets(set_changes)
    audit = Audit(job, tracked)
    before, assignee_before = (job.life_cycle_state, job.status_id), job.assigned_to_user_id
    _check_update_scope(job, billing_terms, set_changes)
    transition = _update_status(job, status)
    _update_details(job, actor, dict(attributes or {}), assigned_to, now)
    if clear_completion:
        _clear_completion(job)
    else:
        _update_completion(job, start_date, expected_completion_date, estimated_completion_time)
    touch(job, actor, now)
    job.save()
    _update_terms(job, billing_terms, start_changed=start_date is not None)
    for name, changes in set_changes.items():
        editor = SetEditor(job, SETS[name])
        for change in changes:
            editor.apply(change)
    action = transition.action if transition else "update"
    record_event(job, actor, action, before, now, note=note, changes=as_changes(audit.take(job)))
    tell_assignee(job, before_user_id=assignee_before, actor=actor.user, now=now)
    if transition:  # DRAFT to PENDING; jobs have no event for other changes
        webhook_events.job_state_changed(job, now=now)
    return job


def _update_details(job: Job, actor: Actor, values: dict, assigned_to, now: datetime) -> None:
    check_attributes(actor, values, job.accounts_receivable, PLAIN)
    set_plain(job, actor, values, now)
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
        estimated = stored_estimate(job)
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
    for name, value in period_columns(estimated).items():
        setattr(job, name, value)


def _clear_completion(job: Job) -> None:
    job.expected_completion_date = None
    job.estimated_completion_value = job.estimated_completion_uot = None
    job.approaching_completion = job.overdue_flagged_at = None


def _update_terms(job: Job, terms: BillingTermsInput | None, *, start_changed: bool) -> None:
    if terms is not None:
        save_terms(job, terms)
    elif start_changed:
        # The terms take effect on the job's start date.
        JobBillingTerms.objects.filter(job=job).update(effective_date=midnight(job.start_date))
