"""Sending webhook deliveries (contract section 11): the body, its signature and its bytes."""

import json

from crm.api.formats import format_datetime
from tests.conftest import Api, token_for
from tests.factories import make_service_request
from tests.servicerequests.helpers.rows import make_job
from tests.webhooks.receiver import Receiver
from tests.webhooks.sending import SECRET, attempts, delivery, make_due, webhook
from webhooks import sender
from webhooks.models import (
    JOB_STATE_CHANGED,
    SR_CREATED,
    Delivery,
    DeliveryAttempt,
)

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


def test_json_of_the_body_is_compact_utf8(demo):
    sr = make_service_request(description="Ünïcode — ok")
    with Receiver() as receiver:
        d = delivery(webhook(demo["admin"], receiver.url), sr)
        sender.send(d.pk)
        (got,) = receiver.received
    assert "Ünïcode — ok".encode() in got.body
    assert got.body == json.dumps(got.json, ensure_ascii=False, separators=(",", ":")).encode()
