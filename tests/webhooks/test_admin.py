"""Webhooks in the admin: created through the service with the secret shown once, then only
its last four characters; deliveries read only, with "Send again"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import messages
from django.utils import timezone

from tests.admin.helpers import errors_of, shown_messages, url
from tests.factories import make_service_request
from webhooks.models import Delivery, DeliveryAttempt, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    """A client signed in to the admin as the demo's administrator."""
    client.force_login(admin_user)
    return client


def add(staff_client, **values):
    data = {
        "url": "https://example.com/hook",
        "events": ["service_request.created", "job.created"],
        "secret": "",
        "description": "From the admin",
        **values,
    }
    return staff_client.post(url(Webhook, "add"), data, follow=True)


def test_adding_generates_the_secret_and_shows_it_once(staff_client, admin_user):
    response = add(staff_client)
    webhook = Webhook.objects.get()
    assert (webhook.url, webhook.events, webhook.description) == (
        "https://example.com/hook",
        ["service_request.created", "job.created"],
        "From the admin",
    )
    assert webhook.created_by_user == admin_user
    assert len(webhook.secret) == 64
    shown = [text for level, text in shown_messages(response) if level == messages.SUCCESS]
    assert any(webhook.secret in text for text in shown), shown

    page = staff_client.get(url(Webhook, "change", webhook.pk))
    html = page.content.decode()
    assert webhook.secret not in html
    assert f"…{webhook.secret[-4:]}" in html
    assert webhook.secret not in staff_client.get(url(Webhook, "changelist")).content.decode()


def test_adding_keeps_a_given_secret(staff_client):
    add(staff_client, secret="given-secret-1234")
    assert Webhook.objects.get().secret == "given-secret-1234"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["job.deleted"]}, "events"),
    ],
)
def test_a_bad_webhook_is_refused_and_nothing_is_made(staff_client, values, field):
    response = staff_client.post(
        url(Webhook, "add"),
        {"url": "https://example.com/hook", "events": ["job.created"], "secret": "", **values},
    )
    assert errors_of(response)
    assert field in response.context["adminform"].form.errors
    assert not Webhook.objects.exists()


def test_a_change_keeps_the_secret(staff_client, admin_user):
    add(staff_client)
    webhook = Webhook.objects.get()
    response = staff_client.post(
        url(Webhook, "change", webhook.pk),
        {"url": "https://example.com/v2", "events": ["job.created"], "description": "v2"},
    )
    assert response.status_code == 302
    changed = Webhook.objects.get()
    assert (changed.url, changed.events, changed.is_active) == (
        "https://example.com/v2",
        ["job.created"],
        False,  # the checkbox was left unticked
    )
    assert changed.secret == webhook.secret


def delivery(webhook, sr, status, **values) -> Delivery:
    now = timezone.now()
    row = Delivery.objects.create(
        webhook=webhook,
        event="service_request.created",
        occurred_date=now - timedelta(hours=3),
        service_request=sr,
        status=status,
        body='{"id": "x"}',
        attempt_count=8,
        schedule_step=7,
        next_attempt_at=None,
        **values,
    )
    DeliveryAttempt.objects.create(
        delivery=row, attempted_at=now, status_code=503, error="HTTP 503", duration_ms=40
    )
    return row


def test_send_again_queues_the_selected_deliveries(
    staff_client, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[list[str]] = []
    monkeypatch.setattr("webhooks.tasks.deliver.delay", lambda ids: sent.append(list(ids)))
    webhook = Webhook.objects.create(
        url="https://example.com/h",
        events=["service_request.created"],
        secret="s" * 64,
        created_by_user=admin_user,
    )
    sr = make_service_request()
    failed = [delivery(webhook, sr, "FAILED") for _ in range(2)]
    untouched = delivery(webhook, sr, "FAILED")
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url(Delivery, "changelist"),
            {"action": "send_again", "_selected_action": [row.pk for row in failed]},
            follow=True,
        )
    assert (messages.SUCCESS, "2 deliveries queued to be sent again.") in shown_messages(response)
    for row in failed:
        row.refresh_from_db()
        assert (row.status, row.schedule_step, row.attempt_count, row.body) == (
            "PENDING",
            0,
            8,
            '{"id": "x"}',
        )
        assert row.next_attempt_at >= before
        assert row.attempts.count() == 1
    untouched.refresh_from_db()
    assert (untouched.status, untouched.schedule_step, untouched.next_attempt_at) == (
        "FAILED",
        7,
        None,
    )
    assert sorted(ids for call in sent for ids in call) == sorted(row.pk for row in failed)


def test_deliveries_are_read_only_with_their_attempts(staff_client, admin_user):
    webhook = Webhook.objects.create(
        url="https://example.com/h",
        events=["service_request.created"],
        secret="s" * 64,
        created_by_user=admin_user,
    )
    row = delivery(webhook, make_service_request(), "FAILED")
    assert staff_client.get(url(Delivery, "add")).status_code == 403
    page = staff_client.get(url(Delivery, "change", row.pk))
    assert page.status_code == 200
    assert "HTTP 503" in page.content.decode()
    assert not page.context["adminform"].form.fields  # everything is shown read only
    listed = staff_client.get(url(Delivery, "changelist"), {"status__exact": "DELIVERED"})
    assert listed.context["cl"].result_count == 0
    listed = staff_client.get(url(Delivery, "changelist"), {"status__exact": "FAILED"})
    assert [d.pk for d in listed.context["cl"].result_list] == [row.pk]
