"""Background sending of webhook deliveries (webhooks.sender). Both tasks are safe to run
twice and side by side: each delivery is claimed under a row lock that skips what another
worker holds, and re-checked (PENDING and due) once locked."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from webhooks import sender


@shared_task(
    name="webhooks.deliver",
    acks_late=True,
    # A database that went away: the task runs again later; the sweep would catch the
    # deliveries anyway. (A receiver's failure is not an exception: it is a logged attempt.)
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,  # under the broker's visibility timeout (settings)
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def deliver(delivery_ids: list[str]) -> int:
    """Send the deliveries a write just queued (webhooks.outbox), those still due."""
    return sender.deliver(delivery_ids)


@shared_task(name="webhooks.deliver_due", acks_late=True, soft_time_limit=120, time_limit=150)
def deliver_due() -> int:
    """The sweep, every CRM_WEBHOOK_SWEEP_SECONDS: every PENDING delivery that is due,
    whether its retry came due or the task a write queued was lost."""
    return sender.deliver_due()
