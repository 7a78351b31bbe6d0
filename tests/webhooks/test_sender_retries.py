"""Sending webhook deliveries (contract section 11): failed attempts and the retry schedule."""

import socket
import threading
import time
from datetime import timedelta

from django.test import override_settings

from tests.webhooks.receiver import Receiver
from tests.webhooks.sending import DELAYS, attempts, delivery, make_due, snapshot, webhook
from webhooks import sender
from webhooks.models import (
    Delivery,
    DeliveryAttempt,
)

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
