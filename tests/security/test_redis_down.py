"""With Redis down or hung, signing in (pages and Web API) and the staff pages keep working:
sessions are in the database, and the cache (queue counts, login throttle) fails open after
one short socket timeout, then stays out of the way for a cool-down (crm.cache)."""

from __future__ import annotations

import json
import logging
import socket
import threading

import pytest
from django.test import Client
from django.urls import reverse

from crm import cache as resilient

pytestmark = pytest.mark.django_db
PASSWORD = "demo"


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "crm.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "down-test",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


class HungServer:
    """Accepts connections and never answers, like a Redis stopped with SIGSTOP."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def redis_unreachable(settings):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # nothing listens on port 1
    yield
    from django.core.cache import cache

    cache.breaker.reset()


@pytest.fixture
def redis_hung(settings):
    server = HungServer()
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{server.port}/0")
    yield server
    server.close()


def walk_the_pages(client: Client) -> None:
    response = client.post(
        reverse("login"), {"username": "agent", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    for name in ("sr-queue-default", "notifications", "job-queue-default"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("sr-queue", args=["pending"])).status_code == 200


def api_login(client: Client):
    body = {"username": "agent", "password": PASSWORD, "organisation": "CRMDEMO"}
    response = client.post(
        "/crmapi/rest/v2/authentication/token", json.dumps(body), content_type="application/json"
    )
    return response.status_code, json.loads(response.content)


def test_sign_in_and_pages_work_with_redis_unreachable(redis_unreachable, demo, caplog):
    with caplog.at_level(logging.WARNING, logger="crm.cache"):
        walk_the_pages(Client())
        status, body = api_login(Client())
    assert status == 200, body
    assert body["data"]["token"]
    # Said once, not once per call.
    assert caplog.text.count("cache unavailable") == 1


def test_a_hung_redis_costs_one_timeout_per_cool_down(redis_hung, demo):
    walk_the_pages(Client())
    status, _ = api_login(Client())
    assert status == 200
    # One connection was tried; every later cache call skipped Redis during the cool-down.
    assert redis_hung.accepted == 1


def test_the_throttle_fails_open_without_redis(redis_unreachable, demo, settings):
    settings.CRM_LOGIN_MAX_FAILURES = 1
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "agent", "password": "wrong"})
    # Nothing could be counted, so nothing is locked: availability over throttling while
    # Redis is out (the warning in the log says so).
    assert api_login(Client())[0] == 200


def test_health_names_the_cache_when_redis_is_down(redis_unreachable, demo, client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "database": "ok",
        "broker": "unavailable",
        "cache": "unavailable",
    }


def test_the_breaker_closes_again_after_its_cool_down(redis_unreachable, monkeypatch):
    from django.core.cache import cache

    assert cache.get("anything", "default") == "default"
    assert cache.breaker.open
    clock = [resilient.time.monotonic() + resilient.COOLDOWN_SECONDS + 1]
    monkeypatch.setattr(resilient.time, "monotonic", lambda: clock[0])
    assert not cache.breaker.open
