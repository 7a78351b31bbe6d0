"""A real Celery worker with beat, on Redis, flags a request; the Web API shows the flag."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from crm.demo import load_demo
from tests.conftest import Api, services_required, token_for
from tests.factories import make_service_request

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not REDIS_URL and not services_required(), reason="needs Redis (REDIS_URL)"),
]


def database_url() -> str:
    """The test database, as the worker process must reach it."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    assert REDIS_URL, "CI must provide REDIS_URL"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DJANGO_SECRET_KEY": "worker-test-key-not-secret-0123456789",
        "DATABASE_URL": database_url(),
        # A Redis database of its own, away from the tests' cache keys.
        "REDIS_URL": urlunsplit(urlsplit(REDIS_URL)._replace(path="/14")),
        "CRM_SCAN_INTERVAL_SECONDS": "2",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "crm",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_worker_and_beat_flag_a_request(worker, client, tmp_path):
    demo = load_demo()
    sr = make_service_request(
        expected_completion_date=timezone.now() + timedelta(hours=2), assigned_to_user=demo["agent"]
    )
    api = Api(client, token_for(demo["admin"]))
    params = {
        "service_request_identifier": f"number={sr.number}",
        "fields_set": "approaching_completion",
    }
    deadline = time.monotonic() + 60
    flagged = None
    while time.monotonic() < deadline and flagged is None:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        flagged = api.get("service_requests/show", params).data["approaching_completion"]
        time.sleep(0.5)
    assert flagged is not None, (tmp_path / "worker.log").read_text()[-3000:]
    listed = api.get(
        "service_requests/get_close_to_estimated_completion_time",
        {"period": "1", "uot": "DAYS", "fields_set": "number,approaching_completion"},
    ).data
    assert listed == [{"number": sr.number, "approaching_completion": flagged}]


def test_worker_flags_at_risk_then_breached_once_each_and_never_a_paused_request(
    worker, client, tmp_path
):
    """Contract section 8: ON_TRACK -> AT_RISK -> BREACHED, one event row and one
    notification per step across repeated scans; a paused request is never flagged."""
    from crm.models import Notification
    from servicerequests.models import ServiceRequestEvent, ServiceRequestStatus

    demo = load_demo()
    now = timezone.now()
    running = make_service_request(
        sla_at_risk_date=now + timedelta(seconds=4),
        expected_completion_date=now + timedelta(seconds=9),
        assigned_to_user=demo["agent"],
    )
    paused = make_service_request(
        status=ServiceRequestStatus.objects.get(name="On Hold"),
        sla_paused_since=now,
        sla_at_risk_date=now + timedelta(seconds=1),
        expected_completion_date=now + timedelta(seconds=3),
        assigned_to_user=demo["agent"],
    )
    api = Api(client, token_for(demo["admin"]))

    def sla(sr) -> dict:
        params = {"service_request_identifier": f"number={sr.number}", "fields_set": "sla"}
        return api.get("service_requests/show", params).data["sla"]

    def flags(sr) -> list[str]:
        rows = ServiceRequestEvent.objects.filter(service_request=sr, action__startswith="flag_")
        return list(rows.order_by("created_at").values_list("action", flat=True))

    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and flags(running) != ["flag_approaching", "flag_overdue"]:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        status = sla(running)["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        time.sleep(0.3)
    assert flags(running) == ["flag_approaching", "flag_overdue"], (
        tmp_path / "worker.log"
    ).read_text()[-3000:]
    # The loop stops as soon as the second flag is written, possibly before it
    # polled BREACHED; what it saw must still only ever move forward.
    steps = ["ON_TRACK", "AT_RISK", "BREACHED"]
    ranks = [steps.index(status) for status in seen]
    assert ranks == sorted(set(ranks)), seen
    time.sleep(5)  # two more scans (every 2 seconds): nothing new
    assert flags(running) == ["flag_approaching", "flag_overdue"]
    kinds = Notification.objects.filter(service_request=running, user=demo["agent"])
    assert sorted(kinds.values_list("kind", flat=True)) == ["APPROACHING", "OVERDUE"]
    assert flags(paused) == []
    assert not Notification.objects.filter(service_request=paused).exists()
    assert (sla(paused)["clock"], sla(paused)["status"]) == ("PAUSED", "ON_TRACK")
    assert sla(running)["status"] == "BREACHED"
