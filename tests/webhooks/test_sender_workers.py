"""Sending webhook deliveries (contract section 11): visibility, the tasks and the sweep, and
one send however many workers try."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import is_postgresql, services_required
from tests.factories import UserFactory, make_service_request
from tests.racing import race
from tests.webhooks.receiver import Receiver
from tests.webhooks.sending import DELAYS, SECRET, attempts, delivery, webhook
from webhooks import sender
from webhooks.models import (
    SR_CREATED,
    SR_STATE_CHANGED,
    Delivery,
    DeliveryAttempt,
)

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
