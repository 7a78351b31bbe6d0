"""What every job write shares: the row lock, the audit trail, the event row, the log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from crm import audit
from crm.actor import Actor
from crm.lifecycle import lock
from crm.rules import stamped_note
from crm.timeperiods import TimePeriod
from jobs.models import Job, JobBillingTerms, JobEvent


def _latest_note(job: Job) -> str | None:
    """Notes are kept signed, one after another: the timeline tells the one added."""
    return (job.notes or "").rsplit("\n", 1)[-1].replace("\t", " · ") or None


def _terms(job: Job) -> str | None:
    row = JobBillingTerms.objects.filter(job=job).values_list(
        "billing_term_scheme__code", "price_plan__code"
    )
    return " / ".join(row[0]) if row else None


# What the timeline tells, field by field (crm.audit).
TRACKED = (
    audit.field("status", "Status"),
    audit.field("category", "Category"),
    *audit.work_record_fields(),
    audit.Tracked("notes", "Note", _latest_note),
    audit.field("contact_email", "Contact e-mail"),
    audit.field("contact_phone", "Contact phone"),
    audit.field("scheduled_date", "Scheduled"),
    audit.field("actual_completed_date", "Completed"),
    audit.field("cancellation_reason", "Cancellation reason"),
    *audit.user_defined_fields(),
)
TRACKED_TERMS = (audit.Tracked("billing_terms", "Billing terms", _terms),)
# Joined when the row is locked: what the services and the audit snapshot read.
RELATIONS = (
    *audit.WORK_RECORD_RELATIONS,
    "type",
    "status",
    "category",
    "cancellation_reason",
    "subscription",
)


def lock_job(job: Job) -> Job:
    """The row, locked until commit and read again with what the services read."""
    return lock(Job, job.pk, select_related=RELATIONS)


def touch(job: Job, actor: Actor, now: datetime, *, created: bool = False) -> None:
    """``log_information``: who and when; the unit is the one the actor's token is for."""
    job.updated_date, job.updated_by_user, job.updated_by_unit = now, actor.user, actor.unit
    if created:
        job.created_date, job.created_by_user, job.created_by_unit = now, actor.user, actor.unit


def record_event(record, actor, action: str, before: tuple, now, **kwargs) -> None:
    """The event row of a write (crm.audit.write_event)."""
    audit.write_event(JobEvent, "job", record, actor, action, before, now, **kwargs)


def set_plain(job: Job, actor: Actor, values: Mapping[str, Any], now: datetime) -> None:
    """Plain columns; notes are stamped with author and time and added to earlier ones."""
    for name, value in values.items():
        if name == "notes" and value is not None:
            value = "\n".join(filter(None, [job.notes, stamped_note(actor.user, value, now)]))
        setattr(job, name, value)


def period_columns(estimated: TimePeriod | None) -> dict:
    return {
        "estimated_completion_value": estimated.value if estimated else None,
        "estimated_completion_uot": estimated.uot if estimated else None,
    }


def stored_estimate(owner) -> TimePeriod | None:
    if owner.estimated_completion_value is None:
        return None
    return TimePeriod(owner.estimated_completion_value, owner.estimated_completion_uot)
