"""The sending side of webhooks (contract section 11): claim a due delivery, build its body
once, sign it, POST it, log the attempt, and schedule the next one or give up.

A delivery is sent inside a transaction that holds its row (``SELECT ... FOR UPDATE SKIP
LOCKED``) from the claim to the recorded outcome. So two workers never send it at the same
time (the second skips the row), and a worker killed mid-send frees it by itself: its
connection drops, PostgreSQL rolls back and releases the lock, and the delivery is still
PENDING and due for the sweep. The HTTP timeout (5 s in all) keeps that transaction short.
At least once, not exactly once: a receiver that answered just before the kill gets the
delivery again, under the same id, by which it deduplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from crm.api.formats import format_datetime
from crm.api.params import IdentRef
from crm.api.representation import RenderContext
from crm.api.views import CallContext
from crm.exceptions import EntityNotFound, PermissionDenied
from webhooks import http
from webhooks.models import Delivery, DeliveryAttempt

logger = logging.getLogger(__name__)

PENDING = Delivery.Status.PENDING
USER_AGENT = "CRM-Webhooks/1.0"


def deliver(delivery_ids: Iterable[str], *, budget_seconds: float | None = None) -> int:
    """Send those of ``delivery_ids`` that are PENDING and due, in turn, for at most
    ``budget_seconds`` (what is left is the sweep's); how many were sent (an attempt made,
    whatever its answer). Each is claimed on its own: one another worker holds is left to
    it."""
    stop_at = time.monotonic() + _budget(budget_seconds)
    sent, creators = 0, {}
    for delivery_id in dict.fromkeys(delivery_ids):
        if time.monotonic() >= stop_at:
            break
        sent += send(delivery_id, creators) is not None
    return sent


def _budget(seconds: float | None) -> float:
    return settings.CRM_WEBHOOK_BATCH_BUDGET_SECONDS if seconds is None else seconds


def deliver_due(*, batch_size: int | None = None, budget_seconds: float | None = None) -> int:
    """Send every PENDING delivery due now, oldest first, in batches of ``batch_size``,
    until none is left or ``budget_seconds`` passed (the next sweep goes on from there).
    The batches walk the due rows by (next_attempt_at, id) up to the moment the sweep
    started: a row another worker holds is passed over, not picked again and again, and a
    row that failed is due later, so every run ends."""
    batch_size = batch_size or settings.CRM_WEBHOOK_BATCH_SIZE
    stop_at = time.monotonic() + _budget(budget_seconds)
    cutoff = timezone.now()
    due = Delivery.objects.filter(status=PENDING, next_attempt_at__lte=cutoff)
    due = due.order_by("next_attempt_at", "id")
    sent, after, creators = 0, None, {}
    while time.monotonic() < stop_at:
        rows = due.filter(_after(after)) if after else due
        batch = list(rows.values_list("next_attempt_at", "id")[:batch_size])
        for next_attempt_at, delivery_id in batch:
            sent += send(delivery_id, creators) is not None
            after = (next_attempt_at, delivery_id)
            if time.monotonic() >= stop_at:
                break
        if len(batch) < batch_size:
            break
    return sent


def _after(key: tuple[datetime, str]) -> Q:
    at, delivery_id = key
    return Q(next_attempt_at__gt=at) | Q(next_attempt_at=at, id__gt=delivery_id)


def send(delivery_id: str, creators: dict | None = None) -> str | None:
    """Claim one delivery if it is PENDING, due and not held by another worker, then send
    it; its new status, or None when it was not claimed. ``creators`` (id -> user) lets a
    run of sends reuse each webhook creator's user object, with the visibility it caches
    (crm.access), instead of reading it again for every delivery."""
    with transaction.atomic():
        delivery = claim(delivery_id)
        if delivery is None:
            return None
        if creators is not None:
            hook = delivery.webhook
            hook.created_by_user = creators.setdefault(
                hook.created_by_user_id, hook.created_by_user
            )
        if delivery.body is None:
            try:
                body = build_body(delivery)
            except DatabaseError:
                raise  # the transaction is broken: the task's retry, or the next sweep
            except Exception as exc:
                # A record that cannot be rendered must not stop the sweep at it every
                # run: it is a failed attempt like any other, retried, then FAILED.
                logger.exception("webhook delivery %s: the body could not be built", delivery.pk)
                error = f"could not build the body: {type(exc).__name__}"
                return record(delivery, http.Answer(None, error, 0), timezone.now(), final=False)
            if body is None:
                return skip(delivery)
            delivery.body = body
        return attempt(delivery)


def claim(delivery_id: str) -> Delivery | None:
    """The delivery, locked until the transaction ends, if it is PENDING and due. The lock
    skips a row another worker holds; a row a worker finished meanwhile is no longer
    PENDING when PostgreSQL re-reads it under the lock, so it is not sent twice."""
    rows = Delivery.objects.select_for_update(skip_locked=True, of=("self",))
    rows = rows.select_related("webhook__created_by_user")
    return rows.filter(pk=delivery_id, status=PENDING, next_attempt_at__lte=timezone.now()).first()


def skip(delivery: Delivery) -> str:
    """Nothing is ever sent: the webhook was switched off, or its creator may not see the
    record (or is inactive)."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SKIPPED, next_attempt_at=None
    )
    logger.info("webhook delivery %s skipped", delivery.pk)
    return Delivery.Status.SKIPPED


# -- the body ------------------------------------------------------------------------------------


def build_body(delivery: Delivery) -> str | None:
    """The JSON text to send, built once: ``id``, ``event``, ``occurred_date`` and the
    record as its ``show`` method returns it, with every field, to the webhook's creator.
    None when nothing may be sent (see :func:`skip`)."""
    webhook = delivery.webhook
    user = webhook.created_by_user
    if not webhook.is_active or not user.is_active:
        return None
    data = render_record(delivery, user)
    if data is None:
        return None
    payload = {
        "id": delivery.pk,
        "event": delivery.event,
        "occurred_date": format_datetime(delivery.occurred_date),
        "data": data,
    }
    # As the Web API's renderer writes JSON: compact, UTF-8.
    return json.dumps(payload, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def show_methods() -> dict:
    """The record kind of a delivery -> the ``show`` method that renders it and its
    identifier parameter (imported late: the API modules import much)."""
    from jobs.api.views import AllScopesShow
    from servicerequests.api.views import Show

    return {
        "service_request": (Show, "service_request_identifier"),
        "job": (AllScopesShow, "job_identifier"),
    }


def render_record(delivery: Delivery, user) -> dict | None:
    """The record as ``user`` would get it from its ``show`` method (same role check, same
    visibility, same representation and date format), or None if they would get an
    error: not allowed to call it, or the record is hidden from them."""
    kind = "service_request" if delivery.service_request_id else "job"
    record_id = delivery.service_request_id or delivery.job_id
    method, param = show_methods()[kind]
    view = method()
    ctx = CallContext(request=None, user=user, render=RenderContext(user=user))
    try:
        view.check_role(user)
        return view.handle(ctx, {param: IdentRef(kind, "id", record_id, param)})
    except (PermissionDenied, EntityNotFound):
        return None


def signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of the raw body bytes with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers(delivery: Delivery, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-CRM-Event": delivery.event,
        "X-CRM-Delivery": delivery.pk,
        "X-CRM-Signature": signature(delivery.webhook.secret, body),
    }


# -- one attempt ---------------------------------------------------------------------------------


def attempt(delivery: Delivery) -> str:
    """POST the body once, log the attempt, and settle the delivery: DELIVERED on a 2xx,
    else the next attempt after the step's delay, or FAILED after the last step (at once
    for a URL that may not be sent to)."""
    body = delivery.body.encode()
    attempted_at = timezone.now()
    try:
        answer = http.post(
            delivery.webhook.url,
            body,
            headers(delivery, body),
            timeout=settings.CRM_WEBHOOK_TIMEOUT_SECONDS,
            block_private=settings.CRM_WEBHOOK_BLOCK_PRIVATE,
        )
        final = False
    except http.Blocked as exc:
        answer, final = http.Answer(None, str(exc), 0), True
    return record(delivery, answer, attempted_at, final=final)


def record(delivery: Delivery, answer: http.Answer, attempted_at: datetime, *, final: bool):
    """Log the attempt and settle the delivery; its new status."""
    DeliveryAttempt.objects.create(
        delivery=delivery,
        attempted_at=attempted_at,
        status_code=answer.status_code,
        error=answer.error,
        duration_ms=answer.duration_ms,
    )
    changes = outcome(delivery, answer, attempted_at, final=final)
    Delivery.objects.filter(pk=delivery.pk).update(
        body=delivery.body, attempt_count=delivery.attempt_count + 1, **changes
    )
    if not answer.ok:
        logger.info("webhook delivery %s: %s (%s)", delivery.pk, answer.error, changes["status"])
    return changes["status"]


def outcome(delivery: Delivery, answer: http.Answer, attempted_at: datetime, *, final: bool):
    """The delivery's new status and schedule after ``answer``."""
    if answer.ok:
        return {
            "status": Delivery.Status.DELIVERED,
            "delivered_at": timezone.now(),
            "next_attempt_at": None,
        }
    delays = settings.CRM_WEBHOOK_RETRY_DELAYS
    step = delivery.schedule_step
    if final or step >= len(delays):
        return {"status": Delivery.Status.FAILED, "next_attempt_at": None}
    return {
        "status": PENDING,
        "schedule_step": step + 1,
        "next_attempt_at": attempted_at + timedelta(seconds=delays[step]),
    }
