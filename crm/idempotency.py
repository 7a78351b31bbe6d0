"""``Idempotency-Key`` for the Web API's creating POSTs.

The first request with a key claims it (a row committed before the work starts, unique per
user, method and key). Its successful response is stored; a retry with the same key and the
same body gets that response again, marked ``Idempotent-Replayed: true``. The same key with
another body is refused. A duplicate that arrives while the first is still running waits
for it, then replays its response, so concurrent duplicates create one record. A failed
first request gives the key back, so a corrected retry may use it. Keys live 24 hours.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.exceptions import InvalidLifeCycleState, InvalidParameter
from crm.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"
LIFETIME = timedelta(hours=24)
# A claim older than this whose request never finished (a crashed worker) is abandoned.
ABANDONED_AFTER = timedelta(minutes=2)
WAIT_SECONDS = 15


def body_hash(raw: dict) -> str:
    """The request as the key binds it: every parameter but the token, in a stable form."""
    body = {name: value for name, value in raw.items() if name != "token"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def key_from(request) -> str | None:
    value = request.META.get(HEADER)
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > 255 or "\x00" in value:
        raise InvalidParameter(
            "The Idempotency-Key header is invalid.",
            param="Idempotency-Key",
            detail="1 to 255 characters",
        )
    return value


def _claim(user, method_name: str, key: str, digest: str) -> IdempotencyKey | None:
    """The new claim, or None when the key is taken."""
    now = timezone.now()
    IdempotencyKey.objects.filter(created_at__lt=now - LIFETIME).filter(
        user=user, method_name=method_name, key=key
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=user, method_name=method_name, key=key, request_hash=digest, created_at=now
            )
    except IntegrityError:
        return None


def _existing(user, method_name: str, key: str, digest: str) -> IdempotencyKey | None:
    """The finished first request, waiting for it if it is still running."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = IdempotencyKey.objects.filter(user=user, method_name=method_name, key=key).first()
        if row is None:
            return None  # the first request failed and gave the key back
        if row.request_hash != digest:
            raise InvalidParameter(
                "This Idempotency-Key was used with another request.",
                param="Idempotency-Key",
                detail="reuse a key only to retry the very same request",
            )
        if row.response_status is not None:
            return row
        if timezone.now() - row.created_at > ABANDONED_AFTER:
            row.delete()
            return None
        if time.monotonic() > deadline:
            raise InvalidLifeCycleState(
                "A request with this Idempotency-Key is still being processed.",
                param="Idempotency-Key",
                detail="retry in a moment",
            )
        time.sleep(0.1)


def run_once(user, method_name: str, key: str, raw: dict, work: Callable[[], tuple[int, dict]]):
    """``(status, body, replayed)``: ``work``'s result, or the stored one of the first run."""
    digest = body_hash(raw)
    for _attempt in range(3):
        claim = _claim(user, method_name, key, digest)
        if claim is None:
            row = _existing(user, method_name, key, digest)
            if row is not None:
                return row.response_status, row.response_body, True
            continue  # given back or abandoned: claim it again
        try:
            status, body = work()
        except BaseException:
            claim.delete()
            raise
        IdempotencyKey.objects.filter(pk=claim.pk).update(
            response_status=status, response_body=body
        )
        return status, body, False
    raise InvalidLifeCycleState(
        "A request with this Idempotency-Key keeps failing elsewhere.",
        param="Idempotency-Key",
        detail="retry in a moment",
    )


def purge_expired() -> int:
    cutoff = timezone.now() - LIFETIME
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
