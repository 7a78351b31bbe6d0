"""The periodic scan of jobs (scheduled by beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from crm import flagging
from jobs import models

TARGET = flagging.Target(
    model=models.Job,
    type_model=models.JobType,
    event_model=models.JobEvent,
    fk="job",
    open_states=models.OPEN_JOB_STATES,
    label="job",
)


@shared_task(
    name="jobs.scan_due",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def scan_due_jobs() -> dict:
    """Flag jobs approaching or past their expected completion (see crm.flagging)."""
    try:
        result = flagging.scan(TARGET)
    except SoftTimeLimitExceeded:
        return {"stopped": "time limit"}
    return {"approaching": result.approaching, "overdue": result.overdue}
