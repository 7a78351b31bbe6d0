"""What the sender's tests share: a webhook, a delivery due now, its attempts and state."""

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_service_request
from webhooks.models import (
    SR_CREATED,
    Delivery,
    DeliveryAttempt,
    Webhook,
)

SECRET = "whsec-test-0123456789"
DELAYS = [10, 60, 300, 1800, 7200, 21600, 43200]


def webhook(user, url: str, events=(SR_CREATED,), **fields) -> Webhook:
    return Webhook.objects.create(
        url=url, events=list(events), secret=SECRET, created_by_user=user, **fields
    )


def delivery(hook: Webhook, record=None, event: str = SR_CREATED, **fields) -> Delivery:
    """A PENDING delivery due now about ``record`` (a request, or a job)."""
    now = timezone.now()
    key = "job" if record is not None and record.RECORD_KEY == "job" else "service_request"
    values = {"occurred_date": now - timedelta(seconds=3), "next_attempt_at": now, **fields}
    values[key] = record if record is not None else make_service_request()
    return Delivery.objects.create(webhook=hook, event=event, **values)


def attempts(d: Delivery) -> list[tuple]:
    rows = DeliveryAttempt.objects.filter(delivery=d).order_by("attempted_at", "id")
    return list(rows.values_list("status_code", "error"))


def make_due(d: Delivery) -> None:
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def snapshot(d: Delivery) -> tuple:
    d.refresh_from_db()
    return (d.status, d.attempt_count, d.schedule_step, d.next_attempt_at, d.body, attempts(d))
