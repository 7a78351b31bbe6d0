"""CI runs the suite on PostgreSQL and Redis; this proves it really does."""

import pytest
from django.core.cache import cache, caches
from django.db import connection

from tests.conftest import services_required

pytestmark = pytest.mark.skipif(
    not services_required(), reason="CRM_REQUIRE_SERVICES is not set (local run on SQLite)"
)


@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_cache_is_redis():
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    cache.set("ci-probe", "ok", 10)
    assert cache.get("ci-probe") == "ok"
