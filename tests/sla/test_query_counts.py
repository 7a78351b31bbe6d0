"""The ``sla`` object and the countdown cost the same few queries for 5 rows as for 60, on
a business calendar too (its windows and holidays load once per calendar version)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from servicerequests import models as sm
from sla import calendars
from tests.conftest import clear_cache
from tests.factories import make_service_request

pytestmark = pytest.mark.django_db

ACCOUNT = {"accounts_receivable_identifier": "number=ACR001143"}


def rows(count: int, demo) -> None:
    """``count`` open On-site Repair requests (Office hours calendar), one of them paused,
    all at risk, assigned to the admin."""
    repair = sm.ServiceRequestType.objects.get(name="On-site Repair")
    now = timezone.now()
    first = make_service_request(
        type=repair,
        start_date=now - timedelta(days=3),
        expected_completion_date=now + timedelta(hours=1),
        assigned_to_user=demo["admin"],
    )
    values = {
        f.attname: getattr(first, f.attname)
        for f in sm.ServiceRequest._meta.concrete_fields
        if f.name not in ("id", "number")
    }
    start = sm.ServiceRequest.objects.filter(number__startswith=f"{first.number}-").count()
    sm.ServiceRequest.objects.bulk_create(
        sm.ServiceRequest(**values, number=f"{first.number}-{start + i:03d}")
        for i in range(count - 1)
    )
    on_hold = sm.ServiceRequestStatus.objects.get(name="On Hold")
    sm.ServiceRequest.objects.filter(pk=first.pk).update(status=on_hold, sla_paused_since=now)


def measured(call) -> tuple[int, object]:
    calendars._CACHE.clear()  # a cold calendar cache: its load is counted every time
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return len(queries.captured_queries), result


def test_api_list_with_sla_is_constant(api, demo):
    params = {**ACCOUNT, "number_of_results": "100", "fields_set": "number,sla"}
    rows(5, demo)
    few, response = measured(lambda: api.get("service_requests/list", params))
    assert len(response.data) == 5
    assert {row["sla"]["calendar"] for row in response.data} == {"Office hours"}
    rows(60, demo)
    many, response = measured(lambda: api.get("service_requests/list", params))
    assert len(response.data) == 65
    assert few == many
    clocks = [row["sla"]["clock"] for row in response.data]
    assert sorted(set(clocks)) == ["PAUSED", "RUNNING"]


def test_at_risk_queue_with_countdowns_is_constant(demo):
    client = Client()
    client.force_login(demo["admin"])
    url = reverse("sr-queue", args=["at-risk"])
    rows(5, demo)
    few, response = measured(lambda: client.get(url))
    page = response.content.decode()
    assert page.count('class="badge badge--warn"') + page.count("badge--paused") >= 5
    rows(60, demo)
    many, response = measured(lambda: client.get(url))
    assert response.status_code == 200
    assert few == many
