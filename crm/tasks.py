"""Background work of the organisation side: notification mail."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from crm import services
from crm.singleton import one_at_a_time


@shared_task(
    name="crm.send_notification_emails",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, OSError),
    retry_backoff=5,
    retry_backoff_max=120,  # under the broker's visibility timeout (settings)
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def send_notification_emails(notification_ids: list[str]) -> int:
    """Mail the notifications that have not been mailed; safe to run twice."""
    return services.notification_send_emails(notification_ids=notification_ids)


@shared_task(name="crm.purge_idempotency_keys", acks_late=True, soft_time_limit=60, time_limit=90)
@one_at_a_time(
    "crm.purge_idempotency_keys", seconds=90, skipped={"skipped": "another purge is running"}
)
def purge_idempotency_keys() -> int | dict:
    """Forget Idempotency-Keys older than 24 hours."""
    from crm.idempotency import purge_expired

    return purge_expired()
