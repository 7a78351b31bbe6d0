"""One run at a time of a scheduled task, whichever machine runs it.

Exactly one beat should run (README, "Scaling out"), but a second one started by mistake,
or a slow run overlapping the next tick, would make two workers do the same scan at once.
The scans are safe to overlap (SKIP LOCKED and guarded updates: no row is flagged twice),
so this lock saves the work, not correctness: the second runner skips.

- With Redis (``REDIS_URL``): ``SET key token NX PX`` and a compare-and-delete release (a
  run that outlived its lock cannot release the next holder's). The key expires by itself
  after ``seconds`` if the holder died. Works behind any database connection pooler.
- Without Redis, on PostgreSQL: ``pg_try_advisory_lock``, held by the database session and
  let go by PostgreSQL if the process dies. Also the fallback while Redis is unreachable.
- Neither (SQLite): one machine by definition, no lock needed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

SCAN_SKIPPED = {"skipped": "another scan is running"}

# Deletes the key only if it still holds this run's token (atomically, in Redis).
RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


def _redis() -> tuple | None:
    """The cache's Redis client and the cache (for its key prefix), or None without Redis."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True), backend


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    digest = hashlib.sha256(f"crm.singleton:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _advisory(name: str) -> Iterator[bool]:
    if connection.vendor != "postgresql":
        yield True  # one machine: nothing to share the work with
        return
    key = advisory_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:  # the session is gone, and its lock with it
                logger.warning("could not release the advisory lock of %s", name)


@contextmanager
def held(name: str, seconds: float) -> Iterator[bool]:
    """Yields whether this run holds the lock ``name`` (for at most ``seconds`` on Redis)."""
    redis = _redis()
    if redis is not None:
        client, backend = redis
        key, token = backend.make_key(f"singleton:{name}"), secrets.token_hex(16)
        try:
            acquired = bool(client.set(key, token, nx=True, px=int(seconds * 1000)))
        except (RedisError, OSError) as error:
            logger.warning("lock %s: Redis unavailable (%s); using the database", name, error)
        else:
            try:
                yield acquired
            finally:
                if acquired:
                    try:
                        client.eval(RELEASE, 1, key, token)
                    except (RedisError, OSError):  # it expires by itself
                        logger.warning("could not release the lock of %s", name)
            return
    with _advisory(name) as acquired:
        yield acquired


def one_at_a_time(name: str, seconds: float, skipped=SCAN_SKIPPED):
    """Decorator: the function runs only while holding ``held(name, seconds)``; a call that
    finds it held returns ``skipped`` (a copy) without running."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with held(name, seconds) as acquired:
                if not acquired:
                    logger.info("%s skipped: another run holds its lock", name)
                    return dict(skipped)
                return function(*args, **kwargs)

        wrapper.lock_name = name  # what tests and readers look for
        return wrapper

    return decorate
