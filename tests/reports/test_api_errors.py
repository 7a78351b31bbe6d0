"""The report methods' refusals (contract sections 2 and 9): a missing or bad parameter
gets the envelope naming it, never a 500, and changes nothing; the role that may list
service requests may count them; counts follow the caller's visibility."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from servicerequests.models import ServiceRequest
from tests.conftest import Api, token_for
from tests.factories import UserFactory
from tests.reports.helpers import dataset, listed

pytestmark = pytest.mark.django_db

R = "reports/service_requests/"
PERIOD = {"period": "WEEK", "date_from": "2026-11-01", "date_to": "2026-11-30"}
REFUSALS = [
    ("summary", {}, "MISSING_MANDATORY_PARAMETER", "group_by"),
    ("summary", {"group_by": "colour"}, "INVALID_PARAMETER", "group_by"),
    ("summary", {"group_by": "type", "open_only": "yes"}, "INVALID_PARAMETER", "open_only"),
    ("summary", {"group_by": "type", "life_cycle_state": "OPEN"}, "INVALID_PARAMETER",
     "life_cycle_state"),
    ("summary", {"group_by": "type", "created_date_from": "2026-13-01"}, "INVALID_PARAMETER",
     "created_date_from"),
    ("summary", {"group_by": "type", "type_identifier": "colour=red"}, "INVALID_IDENTIFIER",
     "type_identifier"),
    ("summary", {"group_by": "type", "type_identifier": "name=Nope"}, "ENTITY_NOT_FOUND",
     "type_identifier"),
    ("summary", {"group_by": "type", "owned_by_group_identifier": "name=Nope"},
     "ENTITY_NOT_FOUND", "owned_by_group_identifier"),
    ("summary", {"group_by": "type", "colour": "red"}, "INVALID_PARAMETER", "colour"),
    ("aging", {"group_by": "nothing"}, "INVALID_PARAMETER", "group_by"),
    ("trend", {"date_from": "2026-11-01", "date_to": "2026-11-30"},
     "MISSING_MANDATORY_PARAMETER", "period"),
    ("trend", {"period": "WEEK", "date_to": "2026-11-30"}, "MISSING_MANDATORY_PARAMETER",
     "date_from"),
    ("trend", {"period": "WEEK", "date_from": "2026-11-30"}, "MISSING_MANDATORY_PARAMETER",
     "date_to"),
    ("trend", {**PERIOD, "period": "YEAR"}, "INVALID_PARAMETER", "period"),
    ("trend", {**PERIOD, "date_from": "yesterday"}, "INVALID_PARAMETER", "date_from"),
    ("trend", {**PERIOD, "date_to": "2026-10-31"}, "INVALID_PARAMETER", "date_to"),
    ("trend", {**PERIOD, "date_from": "0001-01-01"}, "INVALID_PARAMETER", "date_from"),
    ("trend", {**PERIOD, "date_to": "9999-12-31"}, "INVALID_PARAMETER", "date_to"),
    # A moment whose move to local time would overflow the date type (a 500 before).
    ("trend", {**PERIOD, "date_from": "0001-01-01T00:00:00+01:00"}, "INVALID_PARAMETER",
     "date_from"),
    ("trend", {**PERIOD, "date_to": "9999-12-31T23:00:00-05:00"}, "INVALID_PARAMETER",
     "date_to"),
    ("sla_compliance", {**PERIOD, "group_by": "colour"}, "INVALID_PARAMETER", "group_by"),
    ("sla_compliance", {"period": "DAY", "date_from": "2020-01-01", "date_to": "2026-01-01"},
     "INVALID_PARAMETER", "date_to"),
]  # fmt: skip
STATUS = {"INVALID_PARAMETER": 400, "MISSING_MANDATORY_PARAMETER": 400,
          "INVALID_IDENTIFIER": 400, "ENTITY_NOT_FOUND": 404}  # fmt: skip


def snapshot() -> list:
    return list(ServiceRequest.objects.order_by("number").values())


@pytest.mark.parametrize(("method", "params", "code", "param"), REFUSALS)
def test_bad_parameters_get_the_envelope_naming_them(api, demo, method, params, code, param):
    dataset(demo)
    before = snapshot()
    response = api.get(R + method, params)
    assert response.status_code == STATUS[code]
    assert response.body["data"] is None
    assert response.code == code
    assert response.description.startswith(f"{param}: "), response.description
    assert snapshot() == before


@pytest.mark.parametrize("method", ["summary", "aging", "trend", "sla_compliance"])
def test_token_and_role(client, anon_api, demo, method):
    params = {"summary": {"group_by": "type"}, "aging": {}}.get(method, PERIOD)
    assert anon_api.get(R + method, params).code == "INVALID_TOKEN"
    nobody = UserFactory()
    refused = Api(client, token_for(nobody)).get(R + method, params)
    assert refused.status_code == 403
    assert refused.code == "PERMISSION_DENIED"
    nobody.user_permissions.add(Permission.objects.get(codename="view_servicerequest"))
    assert Api(client, token_for(nobody)).get(R + method, params).code == "OK"


def test_counts_follow_the_callers_visibility(api, agent_api, demo):
    dataset(demo)
    by_state = {"group_by": "life_cycle_state"}
    admin_total = sum(row["count"] for row in api.get(R + "summary", by_state).data)
    agent_total = sum(row["count"] for row in agent_api.get(R + "summary", by_state).data)
    # One request above the agent's clearance, one owned by a group the agent is not in.
    assert admin_total == listed(demo["admin"], {}) == 9
    assert agent_total == listed(demo["agent"], {}) == 7
    aging = agent_api.get(R + "aging").data
    assert aging[0]["total"] == listed(demo["agent"], {"open": True}) == 5
    agent_list = agent_api.get(
        "service_requests/list",
        {"accounts_receivable_identifier": "number=ACR001143", "number_of_results": 500},
    ).data
    assert len(agent_list) == agent_total
