"""``GET /health/``: is this process able to serve? It checks the database, the Celery
broker and the cache, and names each one's state.

It answers 200 while the database answers, and 503 when it does not: without the database
nothing works, while without Redis the pages and the Web API still serve (the cache fails
open, sessions are in the database) and only background work waits. A broker or cache that
is down is named in the body (``"unavailable"``) for monitoring, but does not take the
process out of a load balancer, which would turn a degraded service into no service.

No authentication and no detail beyond "ok" / "unavailable": load balancers and container
engines call it, and what went wrong goes to the log, not to whoever asks.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
# A probe must answer before the prober gives up (compose waits 5 seconds).
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def check_broker() -> None:
    """A Redis PING when the broker is Redis; else the filesystem broker's folders are there
    and writable (the embedded default has no server to ask)."""
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
            socket_timeout=BROKER_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
        return
    if url.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            folder = Path(options[key])
            if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
                raise RuntimeError(f"broker folder {key} is missing or not writable")
        return
    raise RuntimeError("no health check for this broker transport")


def check_cache() -> None:
    """A PING to a Redis cache (past its cool-down, crm.cache); a local cache always works."""
    from django.core.cache import cache

    available = getattr(cache, "available", None)
    if available is not None and not available():
        raise RuntimeError("the cache did not answer PING")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
}
# Without these the process cannot serve at all; the others degrade it.
ESSENTIAL = ("database",)


@require_http_methods(["GET", "HEAD"])
def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            # Anything at all means "not ready"; the reason is logged, never returned.
            logger.exception("health check failed: %s", name)
            results[name] = UNAVAILABLE
        else:
            results[name] = OK
    healthy = all(results[name] == OK for name in ESSENTIAL)
    response = JsonResponse(results, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
