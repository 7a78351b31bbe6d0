"""Webhooks through a real Celery worker with beat, on Redis and the test database (contract
section 11, issue 16): deliveries after commit, signed; a retry after a 500; a receiver
slower than the timeout never slows a write down; a killed worker loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.acceptance.test_worker import ROOT, database_url
from tests.conftest import Api, services_required
from tests.servicerequests.helpers import create_body
from tests.servicerequests.helpers.lifecycle import act
from tests.webhooks.receiver import Receiver
from webhooks.models import SR_CREATED, SR_STATE_CHANGED, Delivery, DeliveryAttempt, Webhook

REDIS_URL = os.environ.get("REDIS_URL", "")
# The worker's broker: a Redis database of its own, away from the tests' cache keys and from
# the other worker test's (14).
WORKER_REDIS_DB = os.environ.get("WEBHOOK_WORKER_REDIS_DB", "13")
SECRET = "whsec-worker-test-0123456789"

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not REDIS_URL and not services_required(), reason="needs Redis (REDIS_URL)"),
]


def broker_url() -> str:
    return urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{WORKER_REDIS_DB}"))


@contextmanager
def publishing_to(url: str):
    """Tasks this process queues (after a write commits) go to the worker's broker instead
    of running in place, as the test settings have them. Celery keeps the connection pools
    of the first broker it used, so its references are dropped on the way in and out (the
    pools themselves stay open in kombu's registry, for the next test to reuse)."""
    from crm.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, url
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = app.amqp._producer_pool = None


class Workers:
    """Starts ``celery -A crm worker --beat`` processes, each in a session of its own so that
    killing one kills its beat child too; stops whatever is left at the end."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "DJANGO_SECRET_KEY": "worker-test-key-not-secret-0123456789",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url(),
            "CRM_SCAN_INTERVAL_SECONDS": "3600",
            "CRM_WEBHOOK_SWEEP_SECONDS": "1",
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }

    def start(self) -> subprocess.Popen:
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
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
                f"--schedule={self.tmp_path / 'beat-schedule'}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the child has its own copy
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL, as when the machine loses the process: no clean-up of any kind."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            path.read_text()[-3000:] for path in sorted(self.tmp_path.glob("worker-*.log"))
        )

    def wait_until(self, condition: Callable[[], bool], timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            current = self.processes[-1]
            assert current.poll() is None, self.logs()
            assert time.monotonic() < deadline, self.logs()
            time.sleep(0.2)


@pytest.fixture
def workers(transactional_db, tmp_path):
    assert REDIS_URL, "CI must provide REDIS_URL"
    started = Workers(tmp_path)
    with publishing_to(broker_url()):
        yield started
    started.stop_all()


def subscribe(demo, receiver: Receiver, *events: str) -> Webhook:
    return Webhook.objects.create(
        url=receiver.url, events=list(events), secret=SECRET, created_by_user=demo["admin"]
    )


def create(api: Api) -> dict:
    created = api.post("service_requests/create", create_body())
    assert created.code == "OK", created.body
    return created.data


def log_of(delivery_id: str) -> list[tuple]:
    rows = DeliveryAttempt.objects.filter(delivery_id=delivery_id).order_by("attempted_at", "id")
    return list(rows.values_list("status_code", "error"))


def settled(hook: Webhook, count: int) -> bool:
    rows = Delivery.objects.filter(webhook=hook)
    return rows.count() == count and not rows.filter(status=Delivery.Status.PENDING).exists()


def test_a_create_then_a_respond_reach_the_receiver_signed_and_in_order(workers, api, demo):
    workers.start()
    with Receiver() as receiver:
        hook = subscribe(demo, receiver, SR_CREATED, SR_STATE_CHANGED)
        number = create(api)["number"]
        responded = act(api, "respond", number)
        assert responded.code == "OK", responded.body
        workers.wait_until(lambda: len(receiver.received) >= 2)
        workers.wait_until(lambda: settled(hook, 2))
        time.sleep(1.5)  # a sweep or two later: nothing more arrives
        got = list(receiver.received)
    assert [r.headers["X-CRM-Event"] for r in got] == [SR_CREATED, SR_STATE_CHANGED]
    assert [r.json["event"] for r in got] == [SR_CREATED, SR_STATE_CHANGED]
    assert all(r.signed_with(SECRET) for r in got)
    assert [r.json["data"]["number"] for r in got] == [number, number]
    assert got[1].json["data"]["life_cycle_state"] == "RESPONDED"
    deliveries = {d.pk: d for d in Delivery.objects.filter(webhook=hook)}
    assert {r.headers["X-CRM-Delivery"] for r in got} == set(deliveries)
    assert [r.json["id"] for r in got] == [r.headers["X-CRM-Delivery"] for r in got]
    for r in got:
        delivery = deliveries[r.json["id"]]
        assert (delivery.status, delivery.event, delivery.body.encode()) == (
            "DELIVERED",
            r.json["event"],
            r.body,
        )
        assert log_of(delivery.pk) == [(200, "")]


def test_a_500_is_retried_10_seconds_later_and_then_delivered(workers, api, demo):
    workers.start()
    with Receiver(lambda got, index: 500 if index == 0 else 200) as receiver:
        hook = subscribe(demo, receiver, SR_CREATED)
        create(api)
        workers.wait_until(lambda: len(receiver.received) >= 2, timeout=60)
        workers.wait_until(lambda: settled(hook, 1))
        first, second = receiver.received
    (delivery,) = Delivery.objects.filter(webhook=hook)
    assert first.headers["X-CRM-Delivery"] == second.headers["X-CRM-Delivery"] == delivery.pk
    assert first.body == second.body  # the same bytes, the same signature
    assert first.signed_with(SECRET)
    assert second.signed_with(SECRET)
    assert second.at - first.at >= 9.5  # the first retry delay: 10 s
    assert (delivery.status, delivery.attempt_count) == ("DELIVERED", 2)
    assert log_of(delivery.pk) == [(500, "HTTP 500"), (200, "")]


def test_a_receiver_that_never_answers_does_not_slow_the_write(workers, api, demo):
    workers.start()
    with Receiver(delay=8) as receiver:
        hook = subscribe(demo, receiver, SR_CREATED)
        started = time.monotonic()
        create(api)
        took = time.monotonic() - started
        workers.wait_until(lambda: DeliveryAttempt.objects.filter(delivery__webhook=hook).exists())
    # The write answered long before the receiver's timeout: the worker waits, not the caller.
    assert took < 5
    (delivery,) = Delivery.objects.filter(webhook=hook)
    assert log_of(delivery.pk) == [(None, "timed out after 5 s")]
    (attempt,) = DeliveryAttempt.objects.filter(delivery=delivery)
    assert 5000 <= attempt.duration_ms < 6500
    delivery.refresh_from_db()
    assert (delivery.status, delivery.schedule_step) == ("PENDING", 1)


def test_a_worker_killed_mid_send_loses_nothing_and_each_delivery_succeeds_once(workers, api, demo):
    count = 5
    first_worker = workers.start()
    with Receiver(delay=1) as receiver:
        hook = subscribe(demo, receiver, SR_CREATED)
        numbers = [create(api)["number"] for _ in range(count)]
        # The first POST has arrived and its answer is a second away: the worker is
        # mid-send, holding the row, when it dies.
        workers.wait_until(lambda: len(receiver.received) >= 1)
        workers.kill(first_worker)
        killed_at = len(receiver.received)
        assert Delivery.objects.filter(webhook=hook, status="PENDING").count() >= count - killed_at
        workers.start()
        workers.wait_until(lambda: settled(hook, count), timeout=60)
        got = list(receiver.received)
    deliveries = list(Delivery.objects.filter(webhook=hook))
    assert sorted(d.status for d in deliveries) == ["DELIVERED"] * count
    assert {r.headers["X-CRM-Delivery"] for r in got} == {d.pk for d in deliveries}
    # Only what was in flight when the worker died may arrive twice (at least once); the
    # log shows each delivery succeeding exactly once, and the killed attempt not at all.
    ids = [r.headers["X-CRM-Delivery"] for r in got]
    repeated = {i for i in ids if ids.count(i) > 1}
    assert repeated <= set(ids[:killed_at]), (ids, killed_at)
    assert {d.pk: log_of(d.pk) for d in deliveries} == {d.pk: [(200, "")] for d in deliveries}
    assert {d.pk: d.attempt_count for d in deliveries} == {d.pk: 1 for d in deliveries}
    assert sorted({r.json["data"]["number"] for r in got}) == sorted(numbers)
