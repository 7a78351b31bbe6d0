"""The outbox: a write that emits events leaves one PENDING delivery per subscribed webhook
and event in its own transaction, and the worker is told after commit.

So a delivery exists exactly when its write committed (a rollback takes it away too), and a
crash between the commit and the enqueue loses nothing: the sweep (webhooks.deliver_due)
sends every PENDING delivery that is due. With no webhook subscribed nothing is written and
nothing enqueued, for the cost of the one query that reads the active webhooks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from webhooks.models import SR_AT_RISK, SR_BREACHED, Delivery, Webhook

# The flag kinds of the scan (crm.flagging) and the events they are.
FLAG_EVENTS = {"APPROACHING": SR_AT_RISK, "OVERDUE": SR_BREACHED}


def emit(record, events: Iterable[str], *, now: datetime) -> list[str]:
    """Queue ``events`` (each once) about ``record``, a ServiceRequest or a Job, for every
    active webhook subscribed to them. Call it inside the write's transaction. Returns the
    ids of the deliveries written."""
    return emit_many(type(record), [record.pk], events, now=now)


def emit_many(model, record_ids: Iterable[str], events: Iterable[str], *, now) -> list[str]:
    """``emit`` for many records of one model at once: one read, one insert."""
    events, record_ids = list(dict.fromkeys(events)), list(record_ids)
    if not events or not record_ids:
        return []
    hooks = subscribers(events)
    if not hooks:
        return []
    key = f"{model.RECORD_KEY}_id"  # service_request_id or job_id
    deliveries = [
        Delivery(
            webhook_id=hook_id,
            event=event,
            occurred_date=now,
            next_attempt_at=now,
            created_at=now,
            **{key: record_id},
        )
        for record_id in record_ids
        for event in events
        for hook_id in hooks.get(event, ())
    ]
    Delivery.objects.bulk_create(deliveries)
    ids = [delivery.pk for delivery in deliveries]
    enqueue(ids)
    return ids


def subscribers(events: list[str]) -> dict[str, list[str]]:
    """The active webhooks subscribed to each of ``events``, oldest first: one query. The
    subscriptions are matched here rather than in SQL, where a JSON array's "contains"
    differs between PostgreSQL and SQLite; there are few webhooks."""
    wanted = set(events)
    found: dict[str, list[str]] = {}
    rows = Webhook.objects.filter(is_active=True).order_by("created_date", "id")
    for hook_id, subscribed in rows.values_list("id", "events"):
        for event in wanted.intersection(subscribed or ()):
            found.setdefault(event, []).append(hook_id)
    return found


def enqueue(delivery_ids: list[str]) -> None:
    """Tell the worker once the transaction commits (not at all if it rolls back). A broker
    that is down must not turn a committed write into an error answer: the rows are
    PENDING, and the beat's sweep (webhooks.deliver_due) sends them anyway."""

    def send():
        from webhooks.tasks import deliver

        deliver.delay(delivery_ids)

    transaction.on_commit(send, robust=True)


def on_flagged(*, model, kind: str, rows: list[dict], now: datetime) -> None:
    """The scan's listener (crm.registry.on_flagged): service requests it flagged at risk
    or breached, for the whole batch at once. Jobs have no such events."""
    event = FLAG_EVENTS.get(str(kind))
    if event is None or getattr(model, "RECORD_KEY", "") != "service_request":
        return
    emit_many(model, [row["id"] for row in rows], [event], now=now)
