"""Token authentication for every Web API method, and the failed-login throttle."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from crm.exceptions import InvalidToken, RateLimited
from crm.models import ApiToken

TOKEN_MAX_LENGTH = 128


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
    if not isinstance(raw, str) or not raw or len(raw) > TOKEN_MAX_LENGTH or "\x00" in raw:
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
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class LoginThrottle:
    """Counts failed logins per user name and per client address in the cache.

    Past ``CRM_LOGIN_MAX_FAILURES`` failures within ``CRM_LOGIN_WINDOW_SECONDS`` either key
    is locked out (``RATE_LIMITED``) until the window ends, even with the right password. A
    successful login clears the user name's count; the address keeps its count, so one good
    account cannot be used to reset guessing against others.
    """

    def __init__(self, username: str, address: str):
        self.keys = [
            f"login-fail:user:{hash_secret(username.lower())}",
            f"login-fail:addr:{address}",
        ]

    def check(self) -> None:
        counts = cache.get_many(self.keys)
        if any(count >= settings.CRM_LOGIN_MAX_FAILURES for count in counts.values()):
            raise RateLimited(
                "Too many failed logins; try again later.",
                param="username",
                detail=f"locked for up to {settings.CRM_LOGIN_WINDOW_SECONDS} seconds",
                retry_after=settings.CRM_LOGIN_WINDOW_SECONDS,
            )

    def failed(self) -> None:
        for key in self.keys:
            # add() creates the counter with the window's timeout; incr() keeps that timeout.
            if not cache.add(key, 1, settings.CRM_LOGIN_WINDOW_SECONDS):
                try:
                    cache.incr(key)
                except ValueError:
                    cache.add(key, 1, settings.CRM_LOGIN_WINDOW_SECONDS)

    def succeeded(self) -> None:
        cache.delete(self.keys[0])
