"""Shared state with more than one process or node (README, "Scaling out"): sessions and
tokens in the database, the cache in Redis, and ``check --deploy`` warning when the cache
would be one process's memory."""

from __future__ import annotations

import secrets

from django.conf import settings

from tests.security.test_production_settings import PRODUCTION, check_deploy, run


def test_sessions_live_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_check_deploy_warns_when_the_cache_is_in_one_process():
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = check_deploy(**without_redis)
    assert result.returncode != 0
    assert "crm.W001" in result.stdout + result.stderr
    assert "REDIS_URL" in result.stdout + result.stderr


def test_with_redis_the_cache_every_process_shares_is_redis():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])"
    )
    result = run(["-c", code], **{**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["crm.cache.ResilientRedisCache", PRODUCTION["REDIS_URL"]]
