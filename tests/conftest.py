"""Fixtures shared by the whole suite: demo data, tokens and a Web API client."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from crm.demo import load_demo
from crm.models import ApiToken, User
from crm.services import token_issue

API = "/crmapi/rest/v2/"

# Helper modules that assert: report their failures with values, as a test module would.
pytest.register_assert_rewrite(
    "tests.servicerequests.helpers",
    "tests.servicerequests.config_helpers",
    "tests.servicerequests.page_helpers",
)


def services_required() -> bool:
    """CI sets CRM_REQUIRE_SERVICES=1: tests that need PostgreSQL or Redis must not skip."""
    return os.environ.get("CRM_REQUIRE_SERVICES") == "1"


def clear_cache() -> None:
    """Empty this run's cache keys only: on Redis, other runs (and the broker) share it."""
    from django.conf import settings

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    client = getattr(cache, "_cache", None)
    if prefix and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        for key in redis.scan_iter(f"{prefix}:*"):
            redis.delete(key)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    # The login throttle lives in the cache; one test's failures must not lock out the next.
    clear_cache()
    yield
    clear_cache()


# Where the demo leaves each PostgreSQL number sequence: {name: (last_value, is_called)}.
_SEQUENCE_BASELINE: dict[str, tuple[int, bool]] = {}


def _sequence_states() -> dict[str, tuple[int, bool]]:
    from crm.numbering import COUNTERS, sequence_name

    states = {}
    with connection.cursor() as cursor:
        for counter in COUNTERS:
            name = sequence_name(counter)
            # Names come from COUNTERS, never from input.
            cursor.execute(f"SELECT last_value, is_called FROM {connection.ops.quote_name(name)}")
            states[name] = cursor.fetchone()
    return states


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo organisation once into the test database; tests roll back to it."""
    with django_db_blocker.unblock():
        load_demo()
        if connection.vendor == "postgresql":
            _SEQUENCE_BASELINE.update(_sequence_states())


@pytest.fixture(autouse=True)
def _rewind_numbers(request, django_db_blocker):
    """PostgreSQL sequences ignore rollbacks: rewind them before each database test so
    numbers start where the demo leaves them, as they do on SQLite (a counter row)."""
    if _SEQUENCE_BASELINE and ("db" in request.fixturenames or _flushes(request)):
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for name, (value, called) in _SEQUENCE_BASELINE.items():
                cursor.execute("SELECT setval(%s, %s, %s)", [name, value, called])


def _flushes(request) -> bool:
    return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


def pytest_collection_modifyitems(items):
    """A ``django_db(transaction=True)`` marker sets the database up after the autouse
    fixtures, so it would flush the demo after ``_restore_demo`` put it back and leave the
    next test without it: transactional tests request the fixture instead."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction"):
            raise pytest.UsageError(
                f"{item.nodeid}: use the transactional_db fixture, not django_db(transaction=True)"
            )


@pytest.fixture(autouse=True)
def _restore_demo(request, django_db_blocker):
    """A transactional test ends by emptying the database: put the demo back for the rest.
    (Autouse fixtures are torn down last, so this runs after the flush.)"""
    yield
    if _flushes(request):
        with django_db_blocker.unblock():
            load_demo()


def demo_rows() -> dict | None:
    """The demo rows tests use, if the demo is loaded (a transactional test empties it)."""
    from crm.models import Group, PrivacyLevel, Unit

    users = {u.username: u for u in User.objects.filter(username__in=["MPAdministrator", "agent"])}
    if len(users) < 2:
        return None
    levels = {level.number: level for level in PrivacyLevel.objects.filter(number__in=[1, 5])}
    return {
        "admin": users["MPAdministrator"],
        "agent": users["agent"],
        "group": Group.objects.get(name="Main Group"),
        "unit": Unit.objects.get(name="Admin Unit"),
        "public": levels[1],
        "restricted": levels[5],
    }


@pytest.fixture
def demo(db) -> dict:
    """The demo organisation of contract section 7 (loaded once; reloaded after a test that
    flushed the database)."""
    return demo_rows() or load_demo()


def token_for(user: User) -> str:
    return token_issue(user=user, unit=user.default_unit, source=ApiToken.Source.LOGIN)


@pytest.fixture
def admin_user(demo) -> User:
    return demo["admin"]


@pytest.fixture
def agent_user(demo) -> User:
    return demo["agent"]


@pytest.fixture
def admin_token(admin_user) -> str:
    return token_for(admin_user)


@pytest.fixture
def agent_token(agent_user) -> str:
    return token_for(agent_user)


@dataclass
class ApiResponse:
    status_code: int
    body: Any
    headers: Any

    @property
    def code(self) -> str:
        return self.body["status"]["code"]

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def description(self) -> str:
        return self.body["status"]["description"]


class Api:
    """Calls Web API methods the way a client does: GET query strings, POST JSON bodies."""

    def __init__(self, client: Client, token: str | None = None):
        self.client = client
        self.token = token

    @staticmethod
    def _wrap(response) -> ApiResponse:
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        return ApiResponse(response.status_code, json.loads(response.content), response)

    def get(self, method: str, params: dict | None = None, *, token: Any = ..., **headers):
        query = dict(params or {})
        token = self.token if token is ... else token
        if token is not None:
            query.setdefault("token", token)
        return self._wrap(self.client.get(API + method, query, **headers))

    def post(
        self,
        method: str,
        body: Any = None,
        *,
        token: Any = ...,
        raw: bytes | None = None,
        content_type: str = "application/json",
        **headers,
    ):
        token = self.token if token is ... else token
        if raw is None:
            payload = dict(body or {})
            if token is not None:
                payload.setdefault("token", token)
            raw = json.dumps(payload).encode()
        return self._wrap(self.client.post(API + method, raw, content_type=content_type, **headers))


@pytest.fixture
def api(client, admin_token) -> Api:
    """A Web API client acting as MPAdministrator."""
    return Api(client, admin_token)


@pytest.fixture
def agent_api(client, agent_token) -> Api:
    """A Web API client acting as the demo agent (clearance 1, no admin rights)."""
    return Api(client, agent_token)


@pytest.fixture
def anon_api(client) -> Api:
    return Api(client, None)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"
