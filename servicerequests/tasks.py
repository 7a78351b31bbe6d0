"""The periodic scan of service requests (scheduled by beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from crm import flagging
from servicerequests import models

TARGET = flagging.Target(
    model=models.ServiceRequest,
    type_model=models.ServiceRequestType,
    event_model=models.ServiceRequestEvent,
    fk="service_request",
    open_states=models.OPEN_STATES,
    label="service request",
)


@shared_task(
    name="servicerequests.scan_due",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def scan_due_requests() -> dict:
    """Flag requests approaching or past their expected completion. Every batch commits on
    its own, so stopping at the time limit keeps what was done; the next run goes on."""
    try:
        result = flagging.scan(TARGET)
    except SoftTimeLimitExceeded:
        return {"stopped": "time limit"}
    return {"approaching": result.approaching, "overdue": result.overdue}
