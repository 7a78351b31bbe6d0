"""System checks for a deployment with more than one process (README, "Scaling out")."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """``check --deploy`` warns when the cache lives in one process's memory: gunicorn runs
    several processes even on one machine, and each would keep its own login-throttle
    counts (five wrong passwords per process instead of five), queue-count version and
    dashboard numbers. Redis (``REDIS_URL``) is what production uses. A warning, not a
    refusal: the image build and a one-process trial run without Redis."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend != LOCMEM:
        return []
    return [
        Warning(
            "The cache is in this process's memory (REDIS_URL is not set).",
            hint=(
                "Set REDIS_URL: the failed-login throttle, the queue counts and the dashboard "
                "cache must be shared by every process and every web node."
            ),
            id="crm.W001",
        )
    ]
