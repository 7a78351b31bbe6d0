"""``Idempotency-Key`` for the Web API's creating POSTs.

The first request with a key claims it: a row, unique per user, method and key, inserted in
the same transaction as the record the request creates and holding its response. So the
claim and the record commit together or not at all: a retry after any crash (the process
killed, the database stopped) either replays the stored response or finds that nothing was
created and creates it once. A duplicate that arrives while the first is still running waits
on the unique key until the first commits (then replays its response) or rolls back (then
claims the key itself), so concurrent duplicates create one record. The same key with
another body is refused. Keys live 24 hours.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.db import run_atomic
from crm.exceptions import CrmError, InvalidLifeCycleState, InvalidParameter
from crm.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"
LIFETIME = timedelta(hours=24)


def body_hash(raw: dict) -> str:
    """The request as the key binds it: every parameter but the token, in a stable form."""
    body = {name: value for name, value in raw.items() if name != "token"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _header_error(error: type[CrmError], message: str, detail: str) -> CrmError:
    """An error about the key: clients see the header named as the offending parameter."""
    return error(message, param="Idempotency-Key", detail=detail)


def key_from(request) -> str | None:
    value = request.META.get(HEADER)
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > 255 or "\x00" in value:
        raise _header_error(
            InvalidParameter, "The Idempotency-Key header is invalid.", "1 to 255 characters"
        )
    return value


def _stored(user, method_name: str, key: str, digest: str) -> IdempotencyKey | None:
    """The committed first request under this key, if any (expired keys are forgotten)."""
    rows = IdempotencyKey.objects.filter(user=user, method_name=method_name, key=key)
    row = rows.first()
    if row is None:
        return None
    if row.created_at < timezone.now() - LIFETIME or row.response_status is None:
        # Expired, or a claim left without a response by a version of this module that
        # committed claims on their own: nothing is known about it, so it is let go.
        rows.filter(pk=row.pk).delete()
        return None
    if row.request_hash != digest:
        raise _header_error(
            InvalidParameter,
            "This Idempotency-Key was used with another request.",
            "reuse a key only to retry the very same request",
        )
    return row


def _claim(user, method_name: str, key: str, digest: str) -> IdempotencyKey | None:
    """The new claim, in the caller's transaction; None when another request holds the key
    (on PostgreSQL the insert waits until that request's transaction ends)."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=user,
                method_name=method_name,
                key=key,
                request_hash=digest,
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None


def run_once(user, method_name: str, key: str, raw: dict, work: Callable[[], tuple[int, dict]]):
    """``(status, body, replayed)``: ``work``'s result, or the stored one of the first run.

    ``work`` runs inside the transaction that holds the claim; if it fails, the claim goes
    with it and the key is free for a corrected retry."""
    digest = body_hash(raw)

    def claim_and_work():
        claim = _claim(user, method_name, key, digest)
        if claim is None:
            return None
        status, body = work()
        IdempotencyKey.objects.filter(pk=claim.pk).update(
            response_status=status, response_body=body
        )
        return status, body

    for _attempt in range(3):
        row = _stored(user, method_name, key, digest)
        if row is not None:
            return row.response_status, row.response_body, True
        result = run_atomic(claim_and_work)
        if result is not None:
            return (*result, False)
        # Another request held the key; it has committed (replay it) or rolled back.
    raise _header_error(
        InvalidLifeCycleState,
        "A request with this Idempotency-Key keeps failing elsewhere.",
        "retry in a moment",
    )


def purge_expired() -> int:
    cutoff = timezone.now() - LIFETIME
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
