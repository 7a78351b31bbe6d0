"""The report methods are in the OpenAPI schema, with their parameters and results as
they are parsed and rendered."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from reports.api.views import VIEWS
from tests.reports.helpers import dataset

pytestmark = pytest.mark.django_db

CALLS = {
    "reports/service_requests/summary": {"group_by": "owned_by_group"},
    "reports/service_requests/aging": {"group_by": "assigned_to"},
    "reports/service_requests/trend": {"period": "DAY", "date_from": "2026-11-28",
                                       "date_to": "2026-12-03"},
    "reports/service_requests/sla_compliance": {"period": "WEEK", "date_from": "2026-11-01",
                                                "date_to": "2026-12-31", "group_by": "type"},
}  # fmt: skip


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.method_name)
def test_documented_and_rendered_as_documented(api, demo, schema, view):
    operation = schema["paths"][f"/crmapi/rest/v2/{view.method_name}"]["get"]
    assert operation["tags"] == ["reports"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == set(view.all_params())
    items = operation["responses"]["200"]["content"]["application/json"]["schema"]
    items = items["properties"]["data"]["items"]
    dataset(demo)
    data = api.get(view.method_name, CALLS[view.method_name]).data
    assert data
    for row in data:
        assert set(items["required"]) <= set(row) <= set(items["properties"])
