"""Two beats (or two overlapping runs of a scheduled task) do not do the work twice: the
second runner skips (crm.singleton). On Redis a SET NX PX lock with a token, on PostgreSQL
without Redis an advisory lock, on SQLite without Redis no lock (one machine)."""

from __future__ import annotations

import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils import timezone
from redis.exceptions import RedisError

from crm import flagging, singleton
from crm.models import IdempotencyKey, Notification
from crm.tasks import purge_idempotency_keys
from servicerequests.models import ServiceRequestEvent
from servicerequests.tasks import scan_due_requests
from tests.conftest import services_required
from tests.factories import make_service_request
from tests.racing import race

ON_REDIS = isinstance(caches["default"], RedisCache)
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
needs_redis = pytest.mark.skipif(
    not ON_REDIS and not services_required(), reason="needs Redis (REDIS_URL)"
)
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL and not services_required(), reason="needs PostgreSQL (DATABASE_URL)"
)
SKIPPED = {"skipped": "another scan is running"}


def slowed_scan(monkeypatch, seconds: float = 0.6) -> list:
    """The real scan, made to take ``seconds`` longer, so that two runs overlap; the list
    collects one entry per scan that ran."""
    real, ran = flagging.scan, []

    def slow(target, **kwargs):
        ran.append(target.label)
        time.sleep(seconds)
        return real(target, **kwargs)

    monkeypatch.setattr(flagging, "scan", slow)
    return ran


def two_beats_at_once(monkeypatch, demo) -> tuple[list, list]:
    now = timezone.now()
    for i in range(6):
        make_service_request(
            expected_completion_date=now + timedelta(hours=1, minutes=i),
            start_date=now - timedelta(days=3),
            assigned_to_user=demo["agent"],
        )
    ran = slowed_scan(monkeypatch)
    return race(lambda _: scan_due_requests(), 2), ran


def assert_one_scanned_the_other_skipped(outcomes: list, ran: list) -> None:
    assert sorted(outcomes, key=str) == sorted(
        [{"approaching": 6, "overdue": 0}, SKIPPED], key=str
    ), outcomes
    assert ran == ["service request"]
    assert ServiceRequestEvent.objects.filter(action="flag_approaching").count() == 6
    assert Notification.objects.count() == 6
    # The lock went with the run: the next beat scans (and finds nothing left to flag).
    assert scan_due_requests() == {"approaching": 0, "overdue": 0}
    assert ran == ["service request", "service request"]


@needs_redis
@pytest.mark.usefixtures("transactional_db")
def test_two_beats_on_redis_one_scans_the_other_skips(demo, monkeypatch):
    outcomes, ran = two_beats_at_once(monkeypatch, demo)
    assert_one_scanned_the_other_skipped(outcomes, ran)


@needs_postgresql
@pytest.mark.usefixtures("transactional_db")
def test_two_beats_on_postgresql_without_redis_use_an_advisory_lock(demo, monkeypatch):
    monkeypatch.setattr(singleton, "_redis", lambda: None)
    outcomes, ran = two_beats_at_once(monkeypatch, demo)
    assert_one_scanned_the_other_skipped(outcomes, ran)
    with connection.cursor() as cursor:  # nothing left held in the database
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
        assert cursor.fetchone()[0] == 0


@needs_redis
@pytest.mark.django_db
def test_an_expired_holder_cannot_release_the_next_holders_lock():
    with ExitStack() as first:
        assert first.enter_context(singleton.held("t", seconds=0.05)) is True
        time.sleep(0.1)  # the first run outlived its lock
        second = ExitStack()
        assert second.enter_context(singleton.held("t", seconds=10)) is True
    # The first run's release found another token: the second still holds the lock.
    with singleton.held("t", seconds=10) as third:
        assert third is False
    second.close()
    with singleton.held("t", seconds=10) as fourth:
        assert fourth is True


@needs_redis
@pytest.mark.django_db
def test_the_lock_lives_in_this_runs_cache_keys_and_expires():
    backend = caches["default"]
    client = backend._cache.get_client(write=True)
    with singleton.held("expiring", seconds=30) as mine:
        assert mine is True
        key = backend.make_key("singleton:expiring")
        assert key.startswith(f"{settings.CACHES['default']['KEY_PREFIX']}:")
        assert 0 < client.pttl(key) <= 30_000
    assert client.exists(key) == 0


@pytest.mark.django_db
def test_with_redis_unreachable_the_database_decides(monkeypatch):
    class Down:
        def set(self, *args, **kwargs):
            raise RedisError("connection refused")

    monkeypatch.setattr(singleton, "_redis", lambda: (Down(), caches["default"]))
    with singleton.held("down", seconds=5) as mine:
        assert mine is True
        if connection.vendor == "postgresql":  # the advisory lock holds it meanwhile
            with singleton._advisory("down") as again:
                # The same session may take its own advisory lock again: another may not.
                assert again is True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            assert cursor.fetchone()[0] == 0


@needs_postgresql
@pytest.mark.django_db
def test_an_advisory_lock_held_elsewhere_makes_the_task_skip(monkeypatch):
    monkeypatch.setattr(singleton, "_redis", lambda: None)
    key = singleton.advisory_key("crm.purge_idempotency_keys")
    holder = connection.copy()  # another session, as another beat's worker would have
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        before = IdempotencyKey.objects.count()
        assert purge_idempotency_keys() == {"skipped": "another purge is running"}
        assert IdempotencyKey.objects.count() == before
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        assert purge_idempotency_keys() == 0
    finally:
        holder.close()


@pytest.mark.django_db
def test_on_sqlite_without_redis_there_is_nothing_to_share(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the single-machine case: SQLite")
    monkeypatch.setattr(singleton, "_redis", lambda: None)
    with singleton.held("alone", seconds=5) as first, singleton.held("alone", seconds=5) as second:
        assert (first, second) == (True, True)


@pytest.mark.django_db
def test_a_held_lock_skips_the_scan_and_changes_nothing(demo, monkeypatch):
    now = timezone.now()
    make_service_request(
        expected_completion_date=now + timedelta(hours=1),
        start_date=now - timedelta(days=3),
        assigned_to_user=demo["agent"],
    )
    ran = slowed_scan(monkeypatch, seconds=0)
    before = (ServiceRequestEvent.objects.count(), Notification.objects.count())
    monkeypatch.setattr(singleton, "held", AlwaysHeld)
    assert scan_due_requests() == SKIPPED
    assert ran == []
    assert (ServiceRequestEvent.objects.count(), Notification.objects.count()) == before
    monkeypatch.undo()
    assert scan_due_requests() == {"approaching": 1, "overdue": 0}


class AlwaysHeld:
    """Stands in for crm.singleton.held: the lock is always held elsewhere."""

    def __init__(self, name, seconds):
        pass

    def __enter__(self):
        return False

    def __exit__(self, *exc):
        return False


LOCKED = ("servicerequests.scan_due", "jobs.scan_due", "crm.purge_idempotency_keys")


def test_the_beat_tasks_take_the_lock():
    """The scans and the purge are wrapped by crm.singleton.one_at_a_time, each under its
    own name, and all are scheduled."""
    from crm.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in LOCKED:
        assert name in scheduled
        assert getattr(app.tasks[name].run, "lock_name", None) == name
