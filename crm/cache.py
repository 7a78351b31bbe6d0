"""A Redis cache that degrades instead of failing the request.

What this project keeps in the cache (the staff pages' queue counts, the failed-login
counters) is worth having, not worth refusing service for: with Redis down or hung, every
staff page and every login used to answer 500, each after waiting seconds for a socket. Here
every cache call that fails answers as a miss (a read gives the default, a write is dropped,
``incr`` counts nothing), logs a warning, and skips Redis for ``COOLDOWN_SECONDS`` so that a
hung server costs one short socket timeout per process and cool-down, not one per call.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

COOLDOWN_SECONDS = 10.0


class _Breaker:
    """Open (skip Redis) for a cool-down after a failure; shared by a process's threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0

    @property
    def open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, error: Exception, operation: str) -> None:
        with self._lock:
            if self.open:
                return
            self._open_until = time.monotonic() + COOLDOWN_SECONDS
        logger.warning(
            "cache unavailable (%s: %s); going on without it for %.0f s",
            operation,
            error,
            COOLDOWN_SECONDS,
        )

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, failing open (see the module's docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = _Breaker()

    def available(self) -> bool:
        """A PING, for the health endpoint, which must see the truth, breaker or not."""
        return bool(self._cache.get_client(write=True).ping())


def _default(key, default=None, version=None):
    return default


# What each operation answers while Redis is unavailable: a miss, a dropped write, and for
# ``incr`` a count of 0 (the login throttle then lets the attempt through: failing open).
FALLBACKS = {
    "add": lambda *args, **kwargs: False,
    "get": _default,
    "set": lambda *args, **kwargs: None,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "incr": lambda *args, **kwargs: 0,
    "set_many": lambda data, *args, **kwargs: list(data),
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


def _failing_open(name: str, fallback):
    base = getattr(RedisCache, name)

    @functools.wraps(base)
    def method(self, *args, **kwargs):
        if self.breaker.open:
            return fallback(*args, **kwargs)
        try:
            return base(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            self.breaker.trip(error, name)
            return fallback(*args, **kwargs)

    return method


for _name, _fallback in FALLBACKS.items():
    setattr(ResilientRedisCache, _name, _failing_open(_name, _fallback))
