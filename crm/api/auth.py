"""Token authentication for every Web API method, and the failed-login throttle."""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from crm.api.parsers import has_surrogate
from crm.exceptions import InvalidToken, RateLimited
from crm.models import ApiToken

TOKEN_MAX_LENGTH = 128
T = TypeVar("T")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def authenticate(request, token_value: Any) -> ApiToken:
    """The live token given as ``token`` parameter or ``Authorization: Bearer``."""
    raw = token_value if token_value is not None else bearer_token(request)
    if raw is None:
        raise InvalidToken("A token is required.", param="token", detail="no token was given")
    if (
        not isinstance(raw, str)
        or not raw
        or len(raw) > TOKEN_MAX_LENGTH
        or "\x00" in raw
        or has_surrogate(raw)
    ):
        raise InvalidToken(param="token", detail="the token is not valid")
    token = (
        ApiToken.objects.select_related("user__clearance", "unit__group__community")
        .filter(token_hash=hash_secret(raw.strip()))
        .first()
    )
    now = timezone.now()
    if token is None or token.released_at is not None or not token.user.is_active:
        raise InvalidToken(param="token", detail="the token is unknown or was released")
    if token.expires_at <= now:
        raise InvalidToken("The token has expired.", param="token", detail="log in again")
    return token


def client_address(request) -> str:
    """The client's address: the connection's, or, when ``CRM_CLIENT_ADDRESS_HEADER`` names
    the header a trusted proxy sets (``X-Forwarded-For``), the address that proxy saw, which
    is ``CRM_TRUSTED_PROXY_COUNT`` entries from the right (entries further left are
    whatever the client chose to send)."""
    header = settings.CRM_CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if len(entries) >= settings.CRM_TRUSTED_PROXY_COUNT:
            return entries[-settings.CRM_TRUSTED_PROXY_COUNT][:100]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class LoginThrottle:
    """Limits failed logins per user name (strictly) and per client address (loosely).

    Per user name, a password is checked only with a slot reserved beforehand by an atomic
    increment, and at most ``CRM_LOGIN_MAX_FAILURES`` minus the failures so far are in
    flight at once. So parallel guesses cannot slip past the limit between a check and a
    count: of 40 wrong passwords at once exactly 5 are checked and the rest refused, while
    24 right ones at once all succeed (they wait their turn for a slot, at most
    ``CRM_LOGIN_WAIT_SECONDS``). Past the limit within ``CRM_LOGIN_WINDOW_SECONDS`` the
    user name is locked out (``RATE_LIMITED``) until the window ends, even with the right
    password; a success clears the count.

    An address has a limit of its own, far higher (``CRM_LOGIN_MAX_FAILURES_PER_ADDRESS``),
    so one attacker cannot lock out an office behind one NAT, yet cannot try every user name
    either. It is counted without slots (loosely, as its name says).

    With the cache down every count reads as 0: logins go on, unthrottled (crm.cache).
    """

    # A reserved slot left by a crashed process frees itself after this long.
    SLOT_SECONDS = 60

    def __init__(self, username: str, address: str):
        user = hash_secret(username.lower())
        self.failures_key = f"login-fail:user:{user}"
        self.slots_key = f"login-slots:user:{user}"
        self.address_key = f"login-fail:addr:{hash_secret(address)}"

    @staticmethod
    def _add_one(key: str, lifetime: int) -> int:
        """Add one to ``key``'s count, creating it with ``lifetime``; the new count."""
        if cache.add(key, 1, lifetime):
            return 1
        try:
            return cache.incr(key)  # keeps the key's expiry
        except ValueError:  # expired between add() and incr()
            return 1 if cache.add(key, 1, lifetime) else cache.incr(key)

    @staticmethod
    def _count(key: str) -> int:
        return cache.get(key) or 0

    @staticmethod
    def _refused() -> RateLimited:
        return RateLimited(
            "Too many failed logins; try again later.",
            param="username",
            detail=f"locked for up to {settings.CRM_LOGIN_WINDOW_SECONDS} seconds",
            retry_after=settings.CRM_LOGIN_WINDOW_SECONDS,
        )

    def _release(self) -> None:
        with contextlib.suppress(ValueError):  # expired meanwhile
            cache.decr(self.slots_key)

    def _admit(self) -> None:
        """Reserve a slot for one password check, or refuse."""
        limit = settings.CRM_LOGIN_MAX_FAILURES
        if self._count(self.address_key) >= settings.CRM_LOGIN_MAX_FAILURES_PER_ADDRESS:
            raise self._refused()
        deadline = time.monotonic() + settings.CRM_LOGIN_WAIT_SECONDS
        while True:
            if self._count(self.failures_key) >= limit:
                raise self._refused()
            place = self._add_one(self.slots_key, self.SLOT_SECONDS)
            # Read after reserving: a failure adds to the count before it gives its slot
            # back, so the two together never undercount.
            if self._count(self.failures_key) + place <= limit:
                return
            self._release()
            if time.monotonic() > deadline:
                raise self._refused()
            time.sleep(random.uniform(0.01, 0.05))

    def guarded(self, check: Callable[[], T | None]) -> T | None:
        """Run the password check ``check`` in a slot; ``None`` from it is a failure."""
        self._admit()
        try:
            result = check()
            if result is None:
                self._add_one(self.failures_key, settings.CRM_LOGIN_WINDOW_SECONDS)
                self._add_one(self.address_key, settings.CRM_LOGIN_WINDOW_SECONDS)
            else:
                cache.delete(self.failures_key)
        finally:
            self._release()
        return result
