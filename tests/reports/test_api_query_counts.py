"""Each report costs the same number of queries for few rows as for many (house rule 7):
grouped and counted in SQL, with one query for the keys shown."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicerequests import models as sm
from tests.factories import make_service_request
from tests.reports.helpers import dataset

pytestmark = pytest.mark.django_db

R = "reports/service_requests/"
PERIOD = {"period": "DAY", "date_from": "2026-11-01", "date_to": "2026-12-31"}
CALLS = [
    ("summary", {"group_by": "assigned_to"}),
    ("summary", {"group_by": "sla_status", "type_identifier": "name=Technical Support"}),
    ("aging", {"group_by": "status"}),
    ("aging", {}),
    ("trend", PERIOD),
    ("sla_compliance", {**PERIOD, "group_by": "owned_by_group"}),
]


def more(count: int) -> None:
    """``count`` more requests like the first of each status, as one insert."""
    values = []
    for row in sm.ServiceRequest.objects.all()[:9]:
        fields = [f for f in row._meta.concrete_fields if f.name not in ("id", "number")]
        values.append({f.attname: getattr(row, f.attname) for f in fields})
    first = make_service_request()
    sm.ServiceRequest.objects.bulk_create(
        sm.ServiceRequest(**values[i % len(values)], number=f"{first.number}-{i:03d}")
        for i in range(count)
    )


def measured(api, method: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(R + method, params)
    assert response.code == "OK"
    return len(queries.captured_queries)


@pytest.mark.parametrize(("method", "params"), CALLS)
def test_constant_queries(api, demo, method, params):
    dataset(demo)
    few = measured(api, method, params)
    more(60)
    assert measured(api, method, params) == few
