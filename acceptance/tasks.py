"""Background work of customer acceptance: mailing the links."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from acceptance import links


@shared_task(
    name="acceptance.send_acceptance_link",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, OSError),
    retry_backoff=5,
    retry_backoff_max=120,  # under the broker's visibility timeout (settings)
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def send_acceptance_link(link_id: str) -> bool:
    """Mail one acceptance link; safe to run twice (acceptance.links.acceptance_link_send)."""
    return links.acceptance_link_send(link_id=link_id)


@shared_task(
    name="acceptance.send_unmailed_links", acks_late=True, soft_time_limit=120, time_limit=150
)
def send_unmailed_links() -> int:
    """Mail the links whose own task was lost or gave up (beat, every minute)."""
    return links.acceptance_links_send_unmailed()
