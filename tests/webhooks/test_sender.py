"""Sending webhook deliveries (contract section 11): body, signature, retries, timeout,
private addresses, visibility, and one send however many workers try."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from crm.api.formats import format_datetime
from tests.conftest import Api, is_postgresql, services_required, token_for
from tests.factories import UserFactory, make_service_request
from tests.racing import race
from tests.servicerequests.helpers.rows import make_job
from tests.webhooks.receiver import Receiver
from webhooks import http, sender
from webhooks.models import (
    JOB_STATE_CHANGED,
    SR_CREATED,
    SR_STATE_CHANGED,
    Delivery,
    DeliveryAttempt,
    Webhook,
)

SECRET = "whsec-test-0123456789"
DELAYS = [10, 60, 300, 1800, 7200, 21600, 43200]


def webhook(user, url: str, events=(SR_CREATED,), **fields) -> Webhook:
    return Webhook.objects.create(
        url=url, events=list(events), secret=SECRET, created_by_user=user, **fields
    )


def delivery(hook: Webhook, record=None, event: str = SR_CREATED, **fields) -> Delivery:
    """A PENDING delivery due now about ``record`` (a request, or a job)."""
    now = timezone.now()
    key = "job" if record is not None and record.RECORD_KEY == "job" else "service_request"
    values = {"occurred_date": now - timedelta(seconds=3), "next_attempt_at": now, **fields}
    values[key] = record if record is not None else make_service_request()
    return Delivery.objects.create(webhook=hook, event=event, **values)


def attempts(d: Delivery) -> list[tuple]:
    rows = DeliveryAttempt.objects.filter(delivery=d).order_by("attempted_at", "id")
    return list(rows.values_list("status_code", "error"))


def make_due(d: Delivery) -> None:
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def snapshot(d: Delivery) -> tuple:
    d.refresh_from_db()
    return (d.status, d.attempt_count, d.schedule_step, d.next_attempt_at, d.body, attempts(d))


# -- what is sent ----------------------------------------------------------------------------------


def test_a_delivery_is_the_show_output_signed_with_the_secret(demo, client):
    sr = make_service_request(description="Decoder is dead")
    with Receiver() as receiver:
        d = delivery(webhook(demo["admin"], receiver.url), sr)
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        (got,) = receiver.received
    show = Api(client, token_for(demo["admin"])).get(
        "service_requests/show", {"service_request_identifier": f"id={sr.pk}"}
    )
    sent = got.json
    # The service-level clock ticks between the send and the show call: all else is equal.
    assert (
        abs(sent["data"]["sla"].pop("elapsed_seconds") - show.data["sla"].pop("elapsed_seconds"))
        <= 2
    )
    assert sent == {
        "id": d.pk,
        "event": SR_CREATED,
        "occurred_date": format_datetime(d.occurred_date),
        "data": show.data,
    }
    assert got.json["data"]["description"] == "Decoder is dead"
    assert got.path == "/hook"
    assert got.signed_with(SECRET)
    assert not got.signed_with(SECRET + "x")
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-CRM-Event"] == SR_CREATED
    assert got.headers["X-CRM-Delivery"] == d.pk
    assert got.headers["User-Agent"] == sender.USER_AGENT
    d.refresh_from_db()
    assert d.body.encode() == got.body  # kept: a retry sends the same bytes
    assert (d.status, d.attempt_count, d.next_attempt_at) == ("DELIVERED", 1, None)
    assert d.delivered_at is not None
    (attempt,) = DeliveryAttempt.objects.filter(delivery=d)
    assert (attempt.status_code, attempt.error) == (200, "")
    assert attempt.attempted_at <= d.delivered_at


def test_a_job_delivery_is_the_job_show_output(demo, client):
    job = make_job()
    with Receiver() as receiver:
        d = delivery(
            webhook(demo["admin"], receiver.url, [JOB_STATE_CHANGED]), job, JOB_STATE_CHANGED
        )
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        (got,) = receiver.received
    show = Api(client, token_for(demo["admin"])).get(
        "jobs/all_scopes/show", {"job_identifier": f"id={job.pk}"}
    )
    assert got.json["data"] == show.data
    assert got.json["data"]["number"] == job.number
    assert got.headers["X-CRM-Event"] == JOB_STATE_CHANGED


def test_the_body_is_built_once_and_every_retry_sends_the_same_bytes(demo):
    sr = make_service_request(description="first words")
    with Receiver(lambda got, index: 500 if index == 0 else 200) as receiver:
        d = delivery(webhook(demo["admin"], receiver.url), sr)
        assert sender.send(d.pk) == Delivery.Status.PENDING
        # The record changes before the retry: the retry still sends what was built.
        type(sr).objects.filter(pk=sr.pk).update(description="changed since")
        make_due(d)
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        first, second = receiver.received
    assert first.body == second.body
    assert first.json["data"]["description"] == "first words"
    assert attempts(d) == [(500, "HTTP 500"), (200, "")]


# -- failures and the retry schedule -------------------------------------------------------------


def test_a_500_is_logged_and_tried_again_10_seconds_later(demo):
    with Receiver(lambda got, index: 500) as receiver:
        d = delivery(webhook(demo["admin"], receiver.url))
        assert sender.send(d.pk) == Delivery.Status.PENDING
        # Not due yet: neither the task nor the sweep sends it again now.
        assert sender.send(d.pk) is None
        assert sender.deliver_due() == 0
        assert len(receiver.received) == 1
    d.refresh_from_db()
    (attempt,) = DeliveryAttempt.objects.filter(delivery=d)
    assert (attempt.status_code, attempt.error) == (500, "HTTP 500")
    assert 0 <= attempt.duration_ms < 5000
    assert (d.status, d.attempt_count, d.schedule_step) == ("PENDING", 1, 1)
    assert d.next_attempt_at == attempt.attempted_at + timedelta(seconds=10)
    assert d.delivered_at is None


def test_the_delays_grow_and_the_eighth_failure_marks_it_failed(demo):
    with Receiver(lambda got, index: 503) as receiver:
        d = delivery(webhook(demo["admin"], receiver.url))
        delays = []
        for _ in range(8):
            assert sender.send(d.pk) in ("PENDING", "FAILED")
            d.refresh_from_db()
            last = DeliveryAttempt.objects.filter(delivery=d).latest("attempted_at", "id")
            if d.next_attempt_at is not None:
                delays.append((d.next_attempt_at - last.attempted_at).total_seconds())
                make_due(d)
        assert len(receiver.received) == 8
        # Given up: even when asked, nothing more is sent.
        before = snapshot(d)
        assert sender.send(d.pk) is None
        assert sender.deliver([d.pk]) == 0
        assert snapshot(d) == before
        assert len(receiver.received) == 8
    assert delays == DELAYS
    assert (d.status, d.attempt_count, d.schedule_step, d.next_attempt_at) == ("FAILED", 8, 7, None)
    assert attempts(d) == [(503, "HTTP 503")] * 8
    assert {r.headers["X-CRM-Delivery"] for r in receiver.received} == {d.pk}


@override_settings(CRM_WEBHOOK_TIMEOUT_SECONDS=1)
def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(demo):
    with Receiver(delay=3) as receiver:
        d = delivery(webhook(demo["admin"], receiver.url))
        started = time.monotonic()
        assert sender.send(d.pk) == Delivery.Status.PENDING
        took = time.monotonic() - started
    assert 0.9 < took < 2.5
    (attempt,) = DeliveryAttempt.objects.filter(delivery=d)
    assert (attempt.status_code, attempt.error) == (None, "timed out after 1 s")
    assert 900 <= attempt.duration_ms < 2500
    d.refresh_from_db()
    assert (d.status, d.schedule_step) == ("PENDING", 1)


@override_settings(CRM_WEBHOOK_TIMEOUT_SECONDS=1)
def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_timeout(demo):
    """The timeout is for the whole exchange, not for each read."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = []

    def trickle():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop:
            try:
                conn.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
            time.sleep(0.3)
        conn.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/hook"
        d = delivery(webhook(demo["admin"], url))
        started = time.monotonic()
        assert sender.send(d.pk) == Delivery.Status.PENDING
        took = time.monotonic() - started
    finally:
        stop.append(True)
        server.close()
    assert took < 2
    assert attempts(d) == [(None, "timed out after 1 s")]


def test_a_refused_connection_is_a_failed_attempt(demo):
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    d = delivery(webhook(demo["admin"], f"http://127.0.0.1:{port}/hook"))
    assert sender.send(d.pk) == Delivery.Status.PENDING
    ((status_code, error),) = attempts(d)
    assert status_code is None
    assert error.startswith("ConnectionRefusedError")


def test_a_redirect_is_not_followed_and_is_a_failure(demo):
    with Receiver(lambda got, index: 302) as receiver:
        d = delivery(webhook(demo["admin"], receiver.url))
        assert sender.send(d.pk) == Delivery.Status.PENDING
        assert [got.path for got in receiver.received] == ["/hook"]  # not /hook/moved
    assert attempts(d) == [(302, "HTTP 302")]


def test_a_body_that_cannot_be_built_is_a_failed_attempt_not_a_stuck_sweep(demo, monkeypatch):
    def broken(delivery, user):
        raise ValueError("a field that cannot render")

    monkeypatch.setattr(sender, "render_record", broken)
    with Receiver() as receiver:
        hook = webhook(demo["admin"], receiver.url)
        stuck, after = delivery(hook), delivery(hook)
        assert sender.deliver_due() == 2  # the first does not stop the sweep at it
        assert receiver.received == []
    for d in (stuck, after):
        d.refresh_from_db()
        assert (d.status, d.body, d.schedule_step) == ("PENDING", None, 1)
        assert attempts(d) == [(None, "could not build the body: ValueError")]


# -- private addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_block_private_refuses_a_loopback_receiver_for_good(demo, host):
    with Receiver() as receiver, override_settings(CRM_WEBHOOK_BLOCK_PRIVATE=True):
        d = delivery(webhook(demo["admin"], receiver.url.replace("127.0.0.1", host)))
        assert sender.send(d.pk) == Delivery.Status.FAILED
        assert receiver.received == []
    ((status_code, error),) = attempts(d)
    assert status_code is None
    assert error.startswith(f"blocked: {host} resolves to a private address (")
    assert "127.0.0.1" in error
    d.refresh_from_db()
    assert (d.status, d.attempt_count, d.next_attempt_at) == ("FAILED", 1, None)


def test_without_block_private_a_loopback_receiver_is_sent_to(demo):
    with Receiver() as receiver, override_settings(CRM_WEBHOOK_BLOCK_PRIVATE=False):
        d = delivery(webhook(demo["admin"], receiver.url))
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata: link-local
        ("100.64.0.1", True),  # shared address space (carrier NAT)
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fc00::1", True),
        ("::", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 of 127.0.0.1
        ("8.8.8.8", False),
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
        ("::ffff:8.8.8.8", False),
    ],
)
def test_which_addresses_are_private(address, private):
    assert http.is_private(address) is private


def test_the_connection_goes_to_the_address_that_was_checked(demo, monkeypatch):
    """One lookup: the host is resolved once, checked, and that address is connected to,
    with the original name in the Host header."""
    lookups = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        lookups.append(host)
        if host == "hooks.example.test":
            return real("127.0.0.1", port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "unknown")

    monkeypatch.setattr(http.socket, "getaddrinfo", fake)
    with Receiver() as receiver:
        url = f"http://hooks.example.test:{receiver.port}/hook"
        d = delivery(webhook(demo["admin"], url))
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        (got,) = receiver.received
    assert lookups == ["hooks.example.test"]
    assert got.headers["Host"] == f"hooks.example.test:{receiver.port}"


@pytest.fixture
def tls_receiver_files(tmp_path):
    """A self-signed certificate for hooks.example.test (made with the openssl tool)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=hooks.example.test",
            "-addext",
            "subjectAltName=DNS:hooks.example.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize("trusted", [True, False])
def test_https_verifies_the_original_name_on_the_checked_address(
    demo, monkeypatch, tls_receiver_files, trusted
):
    """The socket goes to the address resolved once; TLS sends the URL's host name (SNI)
    and verifies the certificate against it: an untrusted certificate is a failed attempt."""
    cert, key = tls_receiver_files
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    names = []
    server_side.sni_callback = lambda sock, name, context: names.append(name)
    real = socket.getaddrinfo
    monkeypatch.setattr(
        http.socket, "getaddrinfo", lambda host, port, *a, **k: real("127.0.0.1", port, *a, **k)
    )
    if trusted:  # as if a public CA had signed it
        trusting = ssl.create_default_context(cafile=cert)
        monkeypatch.setattr(http.ssl, "create_default_context", lambda: trusting)
    with Receiver(tls=server_side) as receiver:
        d = delivery(webhook(demo["admin"], f"https://hooks.example.test:{receiver.port}/hook"))
        status = sender.send(d.pk)
        got = list(receiver.received)
    assert names == ["hooks.example.test"]
    ((status_code, error),) = attempts(d)
    if trusted:
        assert (status, status_code, error) == ("DELIVERED", 200, "")
        assert got[0].headers["Host"] == f"hooks.example.test:{receiver.port}"
    else:
        assert (status, status_code, got) == ("PENDING", None, [])
        assert "CERTIFICATE_VERIFY_FAILED" in error


def test_a_public_address_passes_the_check(monkeypatch):
    monkeypatch.setattr(
        http.socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port))
        ],
    )
    assert http.resolve("dns.example", 443, block_private=True) == [
        (socket.AF_INET, ("8.8.8.8", 443))
    ]


def test_a_host_that_does_not_resolve_is_retried(demo):
    d = delivery(webhook(demo["admin"], "http://no-such-host.invalid/hook"))
    assert sender.send(d.pk) == Delivery.Status.PENDING
    ((status_code, error),) = attempts(d)
    assert status_code is None
    assert error.startswith("cannot resolve no-such-host.invalid")


# -- visibility: what the creator may not see is never sent ---------------------------------------


def test_a_record_hidden_from_the_creator_is_skipped_and_nothing_is_sent(demo):
    hidden = make_service_request(privacy_level=demo["restricted"])
    with Receiver() as receiver:
        d = delivery(webhook(demo["agent"], receiver.url), hidden)  # clearance Public
        assert sender.send(d.pk) == Delivery.Status.SKIPPED
        assert sender.deliver_due() == 0
        assert receiver.received == []
    d.refresh_from_db()
    assert (d.status, d.body, d.attempt_count, d.next_attempt_at) == ("SKIPPED", None, 0, None)
    assert attempts(d) == []


def test_the_same_record_is_sent_to_a_creator_who_may_see_it(demo):
    hidden = make_service_request(privacy_level=demo["restricted"])
    with Receiver() as receiver:
        d = delivery(webhook(demo["admin"], receiver.url), hidden)
        assert sender.send(d.pk) == Delivery.Status.DELIVERED
        assert receiver.received[0].json["data"]["number"] == hidden.number


def test_an_inactive_creator_or_webhook_sends_nothing(demo):
    creator = UserFactory(is_active=False, clearance=demo["restricted"])
    with Receiver() as receiver:
        by_inactive = delivery(webhook(creator, receiver.url))
        switched_off = delivery(webhook(demo["admin"], receiver.url, is_active=False))
        assert sender.deliver([by_inactive.pk, switched_off.pk]) == 2
        assert receiver.received == []
    for d in (by_inactive, switched_off):
        d.refresh_from_db()
        assert (d.status, d.body, attempts(d)) == ("SKIPPED", None, [])


def test_a_creator_whose_role_may_not_show_requests_is_skipped(demo):
    no_role = UserFactory(clearance=demo["restricted"])  # no permissions at all
    with Receiver() as receiver:
        d = delivery(webhook(no_role, receiver.url))
        assert sender.send(d.pk) == Delivery.Status.SKIPPED
        assert receiver.received == []


# -- the tasks and the sweep -----------------------------------------------------------------------


def test_the_sweep_sends_what_is_due_oldest_first_and_nothing_else(demo):
    with Receiver() as receiver:
        hook = webhook(demo["admin"], receiver.url)
        now = timezone.now()
        older = delivery(hook, next_attempt_at=now - timedelta(minutes=5))
        old = delivery(hook, next_attempt_at=now - timedelta(minutes=1))
        later = delivery(hook, next_attempt_at=now + timedelta(minutes=1))
        failed = delivery(hook, status=Delivery.Status.FAILED)
        assert sender.deliver_due(batch_size=1) == 2
        ids = [got.headers["X-CRM-Delivery"] for got in receiver.received]
    assert ids == [older.pk, old.pk]
    assert Delivery.objects.get(pk=later.pk).status == "PENDING"
    assert attempts(later) == attempts(failed) == []


def test_the_sweep_passes_over_what_it_cannot_send_and_ends(demo):
    with Receiver(lambda got, index: 500) as receiver:
        hook = webhook(demo["admin"], receiver.url)
        rows = [delivery(hook) for _ in range(3)]
        assert sender.deliver_due(batch_size=2) == 3
        assert sender.deliver_due(batch_size=2) == 0  # each is due again in 10 s
        assert len(receiver.received) == 3
    assert all(attempts(d) == [(500, "HTTP 500")] for d in rows)


def test_the_tasks_send_through_celery(demo):
    from webhooks import tasks

    with Receiver() as receiver:
        hook = webhook(demo["admin"], receiver.url)
        first, second = delivery(hook), delivery(hook)
        tasks.deliver.delay([first.pk, first.pk])  # eager in tests
        tasks.deliver_due.delay()
        assert [got.headers["X-CRM-Delivery"] for got in receiver.received] == [
            first.pk,
            second.pk,
        ]


def test_beat_runs_the_sweep_every_few_seconds():
    from django.conf import settings

    from crm.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-due-webhook-deliveries"]
    assert entry["task"] == "webhooks.deliver_due"
    assert entry["schedule"] == settings.CRM_WEBHOOK_SWEEP_SECONDS == 5
    assert settings.CRM_WEBHOOK_RETRY_DELAYS == DELAYS
    assert settings.CRM_WEBHOOK_TIMEOUT_SECONDS == 5
    assert settings.CRM_WEBHOOK_BLOCK_PRIVATE is False
    app.loader.import_default_modules()
    assert {"webhooks.deliver", "webhooks.deliver_due"} <= set(app.tasks)


def test_a_write_through_the_api_is_delivered_after_it_commits(
    demo, api, django_capture_on_commit_callbacks
):
    from tests.servicerequests.helpers import create_body

    with Receiver() as receiver:
        webhook(demo["admin"], receiver.url, [SR_CREATED, SR_STATE_CHANGED])
        with django_capture_on_commit_callbacks(execute=True):
            created = api.post("service_requests/create", create_body())
            assert receiver.received == []  # nothing before the commit
        assert created.code == "OK", created.body
        (got,) = receiver.wait_for(1)
    assert got.json["event"] == SR_CREATED
    assert got.json["data"]["id"] == created.data["id"]
    assert got.signed_with(SECRET)


# -- concurrency -----------------------------------------------------------------------------------


def _need_postgresql():
    if not is_postgresql():
        if services_required():
            pytest.fail("CI must run this on PostgreSQL")
        pytest.skip("row locks need PostgreSQL")


def test_two_workers_send_a_delivery_once(transactional_db, demo):
    _need_postgresql()
    with Receiver(delay=0.5) as receiver:
        d = delivery(webhook(demo["admin"], receiver.url))
        outcomes = race(lambda index: sender.send(d.pk), 2)
        assert sorted(map(str, outcomes)) == ["DELIVERED", "None"]
        assert len(receiver.received) == 1
    assert attempts(d) == [(200, "")]
    d.refresh_from_db()
    assert (d.status, d.attempt_count) == ("DELIVERED", 1)


def test_two_sweeps_side_by_side_send_each_delivery_once(transactional_db, demo):
    _need_postgresql()
    with Receiver(delay=0.05) as receiver:
        hook = webhook(demo["admin"], receiver.url)
        rows = [delivery(hook) for _ in range(12)]
        outcomes = race(lambda index: sender.deliver_due(batch_size=3), 2)
        assert sum(outcomes) == 12, outcomes
        ids = sorted(got.headers["X-CRM-Delivery"] for got in receiver.received)
    assert ids == sorted(d.pk for d in rows)
    assert DeliveryAttempt.objects.filter(delivery__in=rows).count() == 12
    assert set(
        Delivery.objects.filter(pk__in=[d.pk for d in rows]).values_list("status", flat=True)
    ) == {"DELIVERED"}


def test_json_of_the_body_is_compact_utf8(demo):
    sr = make_service_request(description="Ünïcode — ok")
    with Receiver() as receiver:
        d = delivery(webhook(demo["admin"], receiver.url), sr)
        sender.send(d.pk)
        (got,) = receiver.received
    assert "Ünïcode — ok".encode() in got.body
    assert got.body == json.dumps(got.json, ensure_ascii=False, separators=(",", ":")).encode()
