"""Writes to webhooks: create, delete, and sending a delivery again (contract section 11).
The sending itself is webhooks.sender's.

Who did what is kept in the admin's log (django.contrib.admin LogEntry), which the admin
shows under "Recent actions" and in each object's history, whichever surface acted."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from crm.actor import Actor
from crm.db import atomic_retry
from crm.exceptions import InvalidParameter
from webhooks import outbox
from webhooks.models import EVENTS, Delivery, Webhook

URL_SCHEMES = ("http", "https")
MAX_URL = 2000
MAX_SECRET = 128


def new_secret() -> str:
    """64 hex characters (256 random bits)."""
    return secrets.token_hex(32)


def check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        if len(url) > MAX_URL:
            raise ValidationError(f"at most {MAX_URL} characters")
        URLValidator(schemes=URL_SCHEMES)(url)
    except ValidationError:
        raise InvalidParameter(
            "The url must be an http or https URL.",
            param="url",
            detail=f"expected an absolute http:// or https:// URL of at most {MAX_URL} characters",
        ) from None
    return url


def check_events(events: Iterable[str]) -> list[str]:
    """The event names, each once, in the contract's order; an unknown one is refused."""
    given = list(events)
    unknown = [name for name in given if name not in EVENTS]
    if unknown or not given:
        detail = f"unknown event {unknown[0]!r}" if unknown else "give at least one event"
        raise InvalidParameter(
            "The events must be a list of known event names.",
            param="events",
            detail=f"{detail}; known events: {', '.join(EVENTS)}",
        )
    return [name for name in EVENTS if name in given]


def check_secret(secret: str) -> str:
    if not secret.strip() or len(secret) > MAX_SECRET:
        raise InvalidParameter(
            "The secret must not be blank.",
            param="secret",
            detail=f"give 1 to {MAX_SECRET} characters, or leave it out to have one generated",
        )
    return secret


@atomic_retry
def webhook_create(
    *,
    actor: Actor,
    url: str,
    events: Iterable[str],
    secret: str | None = None,
    description: str = "",
) -> Webhook:
    """A new active webhook. Without a ``secret`` one is generated; either way the caller
    shows it once (the create answer, the admin's message) and never again."""
    webhook = Webhook.objects.create(
        url=check_url(url),
        events=check_events(events),
        secret=new_secret() if secret is None else check_secret(secret),
        description=description or "",
        created_by_user=actor.user,
        created_date=timezone.now(),
    )
    _log(actor, webhook, ADDITION, "Created.")
    return webhook


@atomic_retry
def webhook_delete(*, actor: Actor, webhook: Webhook) -> None:
    """Delete a webhook with its deliveries and their attempts: deliveries still pending
    are discarded, never sent (the worker finds nothing to send for their ids)."""
    _log(actor, webhook, DELETION, "Deleted.")
    Webhook.objects.filter(pk=webhook.pk).delete()


@atomic_retry
def delivery_redeliver(*, delivery: Delivery, actor: Actor) -> Delivery:
    """Send a delivery again: PENDING and due now, with the retry delays started afresh.
    Its body (built at its first attempt) and its attempt count stay, so a receiver gets
    the same bytes under the same id and deduplicates it."""
    now = timezone.now()
    row = Delivery.objects.select_for_update().get(pk=delivery.pk)
    row.status, row.schedule_step, row.next_attempt_at = Delivery.Status.PENDING, 0, now
    row.save(update_fields=["status", "schedule_step", "next_attempt_at"])
    _log(actor, row, CHANGE, "Sent again.")
    outbox.enqueue([row.pk])
    return row


def _log(actor: Actor, obj, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(actor.user.pk, [obj], flag, message, single_object=True)
