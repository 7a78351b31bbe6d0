"""The webhook methods of the Web API (contract section 11): create (the secret once), list,
show, delete, a webhook's deliveries; every refusal names its parameter and changes nothing;
only roles with the webhook permissions may call them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.api.formats import format_datetime
from crm.models import User
from servicerequests.models import ServiceRequest
from tests.factories import make_service_request
from webhooks.models import EVENTS, Delivery, DeliveryAttempt, Webhook

pytestmark = pytest.mark.django_db

CREATE = "webhooks/create"
LIST = "webhooks/list"
SHOW = "webhooks/show"
DELETE = "webhooks/delete"
DELIVERIES = "webhooks/deliveries/list"
HOOK = "webhook_identifier"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
ID = re.compile(r"^[0-9A-F]{32}$")
URL = "https://example.com/hooks/crm"


def make_hook(**values) -> Webhook:
    values = {
        "url": URL,
        "events": ["service_request.created"],
        "secret": "k" * 64,
        "created_by_user": User.objects.get(username="MPAdministrator"),
        **values,
    }
    return Webhook.objects.create(**values)


def snapshot() -> dict:
    return {
        "webhooks": sorted(Webhook.objects.values_list("id", "url", "events", "secret")),
        "deliveries": Delivery.objects.count(),
        "attempts": DeliveryAttempt.objects.count(),
        "log": LogEntry.objects.count(),
    }


def assert_error(response, status: int, code: str, param: str) -> None:
    assert (response.status_code, response.code) == (status, code), response.body
    assert response.data is None
    assert response.description.startswith(f"{param}: "), response.description


def user_object(user: User) -> dict:
    return {"id": user.pk, "username": user.username, "person_name": user.person_name}


# -- create -----------------------------------------------------------------------------------


def test_create_returns_the_webhook_and_a_generated_secret_once(api, admin_user):
    body = {
        "url": URL,
        "events": ["job.created", "service_request.created", "job.created"],
        "description": "Our ticketing bridge",
    }
    response = api.post(CREATE, body)
    assert response.status_code == 200, response.body
    webhook = Webhook.objects.get()
    assert response.data == {
        "id": webhook.pk,
        "url": URL,
        # Each once, in the contract's order.
        "events": ["service_request.created", "job.created"],
        "description": "Our ticketing bridge",
        "is_active": True,
        "created_date": format_datetime(webhook.created_date),
        "created_by": user_object(admin_user),
        "secret": webhook.secret,
    }
    assert ID.match(webhook.pk)
    assert HEX64.match(webhook.secret)
    assert webhook.created_by_user == admin_user
    entry = LogEntry.objects.get(object_id=webhook.pk)
    assert (entry.action_flag, entry.user_id) == (ADDITION, admin_user.pk)

    # Never again: neither show nor list carries it.
    shown = api.get(SHOW, {HOOK: f"id={webhook.pk}"})
    listed = api.get(LIST)
    for answer in (shown, listed):
        assert answer.status_code == 200, answer.body
        assert webhook.secret not in str(answer.body)
    assert "secret" not in shown.data
    assert "secret" not in listed.data[0]


def test_create_keeps_a_given_secret_and_answers_with_it(api):
    response = api.post(CREATE, {"url": "http://10.0.0.5:8080/in", "events": list(EVENTS)})
    assert response.status_code == 200
    given = api.post(CREATE, {"url": URL, "events": ["job.created"], "secret": "my-secret"})
    assert given.data["secret"] == "my-secret"
    assert Webhook.objects.get(pk=given.data["id"]).secret == "my-secret"
    assert response.data["events"] == list(EVENTS)


def test_create_honours_fields_set(api):
    response = api.post(CREATE, {"url": URL, "events": ["job.created"], "fields_set": "id,url"})
    assert response.data == {"id": Webhook.objects.get().pk, "url": URL}


BAD_CREATES = [
    ({"events": ["job.created"]}, 400, "MISSING_MANDATORY_PARAMETER", "url"),
    ({"url": None, "events": ["job.created"]}, 400, "MISSING_MANDATORY_PARAMETER", "url"),
    ({"url": "ftp://example.com/x", "events": ["job.created"]}, 400, "INVALID_PARAMETER", "url"),
    ({"url": "javascript:alert(1)", "events": ["job.created"]}, 400, "INVALID_PARAMETER", "url"),
    ({"url": "example.com/hook", "events": ["job.created"]}, 400, "INVALID_PARAMETER", "url"),
    ({"url": "", "events": ["job.created"]}, 400, "INVALID_PARAMETER", "url"),
    ({"url": 42, "events": ["job.created"]}, 400, "INVALID_PARAMETER", "url"),
    (
        {"url": "https://x.io/" + "a" * 2000, "events": ["job.created"]},
        400,
        "INVALID_PARAMETER",
        "url",
    ),
    ({"url": URL}, 400, "MISSING_MANDATORY_PARAMETER", "events"),
    ({"url": URL, "events": []}, 400, "INVALID_PARAMETER", "events"),
    ({"url": URL, "events": ["job.deleted"]}, 400, "INVALID_PARAMETER", "events"),
    ({"url": URL, "events": ["job.created", "nope"]}, 400, "INVALID_PARAMETER", "events"),
    ({"url": URL, "events": "job.created"}, 400, "INVALID_PARAMETER", "events"),
    ({"url": URL, "events": [1]}, 400, "INVALID_PARAMETER", "events"),
    ({"url": URL, "events": [{"name": "job.created"}]}, 400, "INVALID_PARAMETER", "events"),
    ({"url": URL, "events": ["job.created"], "secret": ""}, 400, "INVALID_PARAMETER", "secret"),
    ({"url": URL, "events": ["job.created"], "secret": "  "}, 400, "INVALID_PARAMETER", "secret"),
    (
        {"url": URL, "events": ["job.created"], "secret": "s" * 129},
        400,
        "INVALID_PARAMETER",
        "secret",
    ),
    ({"url": URL, "events": ["job.created"], "secret": 7}, 400, "INVALID_PARAMETER", "secret"),
    (
        {"url": URL, "events": ["job.created"], "description": []},
        400,
        "INVALID_PARAMETER",
        "description",
    ),
    ({"url": URL, "events": ["job.created"], "active": True}, 400, "INVALID_PARAMETER", "active"),
]


@pytest.mark.parametrize(("body", "status", "code", "param"), BAD_CREATES)
def test_a_bad_create_is_refused_naming_the_parameter(api, demo, body, status, code, param):
    before = snapshot()
    assert_error(api.post(CREATE, body), status, code, param)
    assert snapshot() == before


# -- list and show ----------------------------------------------------------------------------


def test_list_is_newest_first_and_paged(api, demo):
    now = timezone.now()
    hooks = [
        make_hook(url=f"https://example.com/{n}", created_date=now - timedelta(minutes=n))
        for n in range(3)
    ]
    listed = api.get(LIST)
    assert [row["id"] for row in listed.data] == [hook.pk for hook in hooks]
    assert listed.data[1] == {
        "id": hooks[1].pk,
        "url": "https://example.com/1",
        "events": ["service_request.created"],
        "description": "",
        "is_active": True,
        "created_date": format_datetime(hooks[1].created_date),
        "created_by": user_object(User.objects.get(username="MPAdministrator")),
    }
    page = api.get(LIST, {"number_of_results": 1, "offset": 1})
    assert [row["id"] for row in page.data] == [hooks[1].pk]


def test_show_and_its_refusals(api, demo):
    hook = make_hook(description="Shown")
    shown = api.get(SHOW, {HOOK: f"id={hook.pk.lower()}"})
    assert shown.data["id"] == hook.pk
    assert shown.data["description"] == "Shown"
    assert_error(api.get(SHOW, {HOOK: "id=" + "F" * 32}), 404, "ENTITY_NOT_FOUND", HOOK)
    assert_error(api.get(SHOW, {HOOK: "url=" + URL}), 400, "INVALID_IDENTIFIER", HOOK)
    assert_error(api.get(SHOW), 400, "MISSING_MANDATORY_PARAMETER", HOOK)


# -- delete -----------------------------------------------------------------------------------


def test_delete_removes_the_webhook_with_its_deliveries(api, admin_user):
    hook, other = make_hook(), make_hook(url="https://example.com/other")
    sr = make_service_request()
    for webhook in (hook, other):
        delivery = Delivery.objects.create(
            webhook=webhook,
            event="service_request.created",
            occurred_date=timezone.now(),
            service_request=sr,
        )
        DeliveryAttempt.objects.create(delivery=delivery, attempted_at=timezone.now())
    shown = api.get(SHOW, {HOOK: f"id={hook.pk}"}).data

    response = api.post(DELETE, {HOOK: {"id": hook.pk}})
    assert response.status_code == 200, response.body
    assert response.data == shown
    assert list(Webhook.objects.values_list("id", flat=True)) == [other.pk]
    assert list(Delivery.objects.values_list("webhook_id", flat=True)) == [other.pk]
    assert DeliveryAttempt.objects.count() == 1
    assert ServiceRequest.objects.filter(pk=sr.pk).exists()
    entry = LogEntry.objects.get(object_id=hook.pk)
    assert (entry.action_flag, entry.user_id) == (DELETION, admin_user.pk)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({HOOK: {"id": "F" * 32}}, 404, "ENTITY_NOT_FOUND"),
        ({HOOK: {"url": URL}}, 400, "INVALID_IDENTIFIER"),
        ({HOOK: {}}, 400, "INVALID_IDENTIFIER"),
        ({HOOK: "id=" + "F" * 32}, 400, "INVALID_PARAMETER"),
        ({}, 400, "MISSING_MANDATORY_PARAMETER"),
    ],
)
def test_a_bad_delete_is_refused_and_deletes_nothing(api, demo, body, status, code):
    make_hook()
    before = snapshot()
    assert_error(api.post(DELETE, body), status, code, HOOK)
    assert snapshot() == before


# -- deliveries -------------------------------------------------------------------------------


def add_delivery(hook: Webhook, sr, minutes_ago: int, attempts: int = 2, **values) -> Delivery:
    now = timezone.now().replace(microsecond=0)
    delivery = Delivery.objects.create(
        webhook=hook,
        event=values.pop("event", "service_request.created"),
        occurred_date=now - timedelta(minutes=minutes_ago),
        created_at=now - timedelta(minutes=minutes_ago),
        service_request=sr,
        **values,
    )
    for n in range(attempts):
        DeliveryAttempt.objects.create(
            delivery=delivery,
            attempted_at=delivery.created_at + timedelta(seconds=10 * (attempts - n)),
            status_code=500 if n == 0 else None,
            error="HTTP 500" if n == 0 else "timed out",
            duration_ms=120 + n,
        )
    return delivery


def test_deliveries_list_shape_and_order(api, demo):
    hook, other = make_hook(), make_hook(url="https://example.com/other")
    sr = make_service_request()
    now = timezone.now().replace(microsecond=0)
    old = add_delivery(
        hook,
        sr,
        10,
        status="DELIVERED",
        attempt_count=2,
        delivered_at=now - timedelta(minutes=9),
    )
    new = add_delivery(
        hook,
        sr,
        1,
        attempts=0,
        event="service_request.updated",
        next_attempt_at=now + timedelta(seconds=10),
    )
    add_delivery(other, sr, 0)

    response = api.get(DELIVERIES, {HOOK: f"id={hook.pk}"})
    assert response.status_code == 200, response.body
    assert [row["id"] for row in response.data] == [new.pk, old.pk]
    first_attempt, second_attempt = old.attempts.order_by("attempted_at")
    assert response.data[1] == {
        "id": old.pk,
        "event": "service_request.created",
        "occurred_date": format_datetime(old.occurred_date),
        "status": "DELIVERED",
        "attempt_count": 2,
        "next_attempt_date": None,
        "delivered_date": format_datetime(old.delivered_at),
        "attempts": [
            {
                "attempted_date": format_datetime(first_attempt.attempted_at),
                "status_code": None,
                "error": "timed out",
                "duration_ms": 121,
            },
            {
                "attempted_date": format_datetime(second_attempt.attempted_at),
                "status_code": 500,
                "error": "HTTP 500",
                "duration_ms": 120,
            },
        ],
    }
    assert response.data[0]["attempts"] == []
    assert response.data[0]["status"] == "PENDING"
    assert response.data[0]["next_attempt_date"] == format_datetime(new.next_attempt_at)
    page = api.get(DELIVERIES, {HOOK: f"id={hook.pk}", "number_of_results": 1, "offset": 1})
    assert [row["id"] for row in page.data] == [old.pk]


def test_deliveries_list_costs_the_same_for_one_and_many(api, demo):
    hook = make_hook()
    sr = make_service_request()
    counts = []
    for total in (1, 12):
        while Delivery.objects.filter(webhook=hook).count() < total:
            add_delivery(hook, sr, Delivery.objects.count(), attempts=3)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(DELIVERIES, {HOOK: f"id={hook.pk}"})
        assert len(response.data) == total
        assert all(len(row["attempts"]) == 3 for row in response.data)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_deliveries_list_refusals(api, demo):
    assert_error(api.get(DELIVERIES), 400, "MISSING_MANDATORY_PARAMETER", HOOK)
    assert_error(api.get(DELIVERIES, {HOOK: "id=" + "F" * 32}), 404, "ENTITY_NOT_FOUND", HOOK)


# -- who may call them ------------------------------------------------------------------------


CALLS = [
    ("post", CREATE, {"url": URL, "events": ["job.created"]}),
    ("get", LIST, {}),
    ("get", SHOW, "hook"),
    ("post", DELETE, "hook"),
    ("get", DELIVERIES, "hook"),
]


@pytest.mark.parametrize(("verb", "method", "params"), CALLS, ids=[c[1] for c in CALLS])
def test_an_agent_may_not_call_them(agent_api, demo, verb, method, params):
    hook = make_hook()
    if params == "hook":
        params = {HOOK: f"id={hook.pk}"} if verb == "get" else {HOOK: {"id": hook.pk}}
    before = snapshot()
    response = getattr(agent_api, verb)(method, params)
    assert (response.status_code, response.code) == (403, "PERMISSION_DENIED"), response.body
    assert response.data is None
    assert hook.secret not in str(response.body)
    assert snapshot() == before


def test_a_role_given_the_permissions_may_call_them(agent_api, agent_user):
    from django.contrib.auth.models import Permission

    agent_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="webhooks", codename__in=["view_webhook", "add_webhook"]
        )
    )
    created = agent_api.post(CREATE, {"url": URL, "events": ["job.created"]})
    assert created.status_code == 200, created.body
    assert agent_api.get(LIST).data[0]["id"] == created.data["id"]
    deleted = agent_api.post(DELETE, {HOOK: {"id": created.data["id"]}})
    assert (deleted.status_code, deleted.code) == (403, "PERMISSION_DENIED")
    assert Webhook.objects.filter(pk=created.data["id"]).exists()
