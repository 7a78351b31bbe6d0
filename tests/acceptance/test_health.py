"""``/health/``: each part (database, broker, cache) named ok or unavailable; 503 only when the
database does not answer (without Redis the process still serves, degraded), with no detail
and no authentication; and the production path end to end: collectstatic,
gunicorn with gunicorn.conf.py and crm.production_settings, probed over real HTTP."""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError

from crm import health
from tests.conftest import services_required

ROOT = Path(__file__).resolve().parents[2]
OK = {"database": "ok", "broker": "ok", "cache": "ok"}
REDIS_URL = os.environ.get("REDIS_URL", "")
SECRET_DETAIL = "connection to server at db.internal (10.1.2.3), port 5432 failed: password"


@pytest.fixture
def filesystem_broker(settings, tmp_path):
    folders = {name: tmp_path / name for name in ("in", "out", "control")}
    for folder in folders.values():
        folder.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(folders["in"]),
        "data_folder_out": str(folders["out"]),
        "control_folder": str(folders["control"]),
    }
    return folders


class BrokenConnection:
    """Stands in for django.db.connection when the database server is gone."""

    def cursor(self):
        raise OperationalError(SECRET_DETAIL)


def get(client, **extra):
    response = client.get("/health/", **extra)
    return response.status_code, json.loads(response.content), response


@pytest.mark.django_db
def test_healthy(client, filesystem_broker):
    status, body, response = get(client)
    assert (status, body) == (200, OK)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    # Nothing about a session: a probe every few seconds must not create one.
    assert not response.cookies


@pytest.mark.django_db
def test_database_down(client, filesystem_broker, monkeypatch, caplog):
    monkeypatch.setattr(health, "connection", BrokenConnection())
    with caplog.at_level(logging.ERROR, logger="crm.health"):
        status, body, response = get(client)
    assert (status, body) == (503, {**OK, "database": "unavailable"})
    assert b"db.internal" not in response.content
    assert SECRET_DETAIL in caplog.text  # the reason is in the log, for the operator


@pytest.mark.django_db
def test_redis_broker_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    status, body, response = get(client)
    # Degraded, not down: the pages and the Web API still serve; background work waits.
    assert (status, body) == (200, {**OK, "broker": "unavailable"})
    assert time.monotonic() - started < health.BROKER_TIMEOUT_SECONDS + 2
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_filesystem_broker_folder_missing(client, filesystem_broker):
    filesystem_broker["in"].rmdir()
    status, body, _ = get(client)
    assert (status, body) == (200, {**OK, "broker": "unavailable"})


@pytest.mark.django_db
def test_both_down(client, settings, monkeypatch):
    monkeypatch.setattr(health, "connection", BrokenConnection())
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    status, body, _ = get(client)
    assert (status, body) == (503, {**OK, "database": "unavailable", "broker": "unavailable"})


@pytest.mark.django_db
def test_unknown_broker_transport_is_not_healthy(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    assert get(client)[:2] == (200, {**OK, "broker": "unavailable"})


@pytest.mark.skipif(not REDIS_URL and not services_required(), reason="needs Redis (REDIS_URL)")
@pytest.mark.django_db
def test_healthy_with_redis(client, settings):
    assert REDIS_URL, "CI must provide REDIS_URL"
    settings.CELERY_BROKER_URL = REDIS_URL
    assert get(client)[:2] == (200, OK)


@pytest.mark.django_db
def test_only_get_and_head(client, filesystem_broker):
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


@pytest.mark.django_db
def test_not_redirected_to_https_unlike_the_pages(client, settings, filesystem_broker):
    settings.SECURE_SSL_REDIRECT = True
    assert get(client)[:2] == (200, OK)
    assert client.get("/accounts/login/").status_code == 301


# -- production, for real -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def production_server(tmp_path):
    port = free_port()
    own = ("DJANGO_", "DATABASE_", "CRM_", "CELERY_", "GUNICORN_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        DJANGO_SETTINGS_MODULE="crm.production_settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collect.returncode == 0, collect.stderr
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/health/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start: " + Path(log.name).read_text())
        yield base, server, Path(log.name)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=40)
        log.close()


@pytest.mark.live
def test_production_server(production_server):
    base, server, log = production_server
    # Health over plain HTTP, as a container probe asks: no redirect.
    status, headers, body = fetch(base + "/health/")
    assert (status, json.loads(body)) == (200, OK)

    # Pages over plain HTTP are sent to HTTPS.
    status, headers, _ = fetch(base + "/accounts/login/")
    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1")

    # Through the TLS proxy (X-Forwarded-Proto: https): served, with HSTS, the policy and
    # Secure cookies.
    status, headers, body = fetch(base + "/accounts/login/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Secure" in headers["Set-Cookie"]

    # Static files: collected under hashed names, compressed, cached for good.
    page = body.decode()
    start = page.index("/static/css/crm.")
    css = page[start : page.index('"', start)]
    assert css != "/static/css/crm.css"
    via_proxy = {"X-Forwarded-Proto": "https"}
    status, headers, _ = fetch(base + css, {**via_proxy, "Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers["Cache-Control"]

    # The Web API answers with its envelope.
    status, headers, body = fetch(base + "/crmapi/rest/v2/products/list", via_proxy)
    assert (status, json.loads(body)["status"]["code"]) == (401, "INVALID_TOKEN")

    # A long query (past gunicorn's default limit of 4,094) reaches the application.
    long_query = "?fields_set=" + ",".join(["number"] * 800)
    status, headers, body = fetch(base + "/crmapi/rest/v2/products/list" + long_query, via_proxy)
    assert len(long_query) > 4094
    assert (status, json.loads(body)["status"]["code"]) == (401, "INVALID_TOKEN")
    assert "no-store" in headers["Cache-Control"]
    # (This server's database is empty: the token's masking is checked on /health/.)
    assert fetch(base + "/health/?token=" + "A" * 32)[0] == 200

    # What gunicorn refuses itself (a request line or a header past its limits) is answered
    # with the envelope, not an HTML page.
    for path, extra in (
        ("/crmapi/rest/v2/products/list?x=" + "a" * 9000, {}),
        ("/crmapi/rest/v2/products/list", {"X-Padding": "b" * 20000}),
    ):
        status, headers, body = fetch(base + path, {**via_proxy, **extra})
        assert status == 400
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["status"]["code"] == "INVALID_PARAMETER"

    # A graceful stop, and the access log went to stdout, with the token masked.
    server.terminate()
    assert server.wait(timeout=40) == 0
    text = log.read_text()
    assert '"GET /health/ HTTP/1.1" 200' in text
    assert "Booting worker" in text
    assert "token=[masked]" in text
    assert "A" * 32 not in text
