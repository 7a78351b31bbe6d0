"""Calling the service request Web API in tests: the demo's people, the request bodies and
step objects, one call per method, and the checks of a list's numbers and of an error."""

from __future__ import annotations

from servicerequests import models as sm

S = sm.LifeCycleState
SR = "service_request_identifier"
OWNER = {"id_number": "8945612"}  # Marina Anton, owner of ACR001143
RELATIVE = {"id_number": "8945613"}  # Andreas Anton, related to ACR001143
STRANGER = {"id_number": "2365485"}  # Marina Antoniadou, owner of ACR001179
ADMIN = {"username": "MPAdministrator"}
WHEN = "2030-01-01T11:00:00"
ACCOUNT = "accounts_receivable_identifier"

ALL_FIELDS = [
    "id",
    "number",
    "life_cycle_state",
    "type",
    "status",
    "category",
    "accounts_receivable",
    "caller",
    "caller_email",
    "caller_phone",
    "description",
    "notes",
    "urgency_level",
    "impact_level",
    "priority",
    "owned_by_group",
    "privacy_level",
    "assigned_to",
    "start_date",
    "expected_completion_date",
    "estimated_completion_time",
    "time_to_completion",
    "time_overdue",
    "approaching_completion",
    "referring_to",
    "response",
    "temporary_resolution",
    "final_resolution",
    "cancellation_reason",
    "services_set",
    "physical_goods_set",
    "related_service_requests_set",
    *[f"udf_string_{n}" for n in range(1, 9)],
    *[f"udf_float_{n}" for n in range(1, 5)],
    *[f"udf_date_{n}" for n in range(1, 5)],
    "log_information",
    # Part two: new read-only keys come after CRM.COM's own (contract section 8).
    "sla",
]


def create_body(**overrides) -> dict:
    """A valid create body: a Technical Support request of ACR001143, IMPACT2 x URGENCY2."""
    body = {
        "type_identifier": {"name": "Technical Support"},
        "accounts_receivable_identifier": {"number": "ACR001143"},
        "status_identifier": {"name": "Pending"},
        "category_identifier": {"code": "TECH"},
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
    }
    body.update(overrides)
    return body


def create(api, **overrides) -> dict:
    response = api.post("service_requests/create", create_body(**overrides))
    assert response.status_code == 200, response.body
    return response.data


def response_obj(category: str = "ACK", **extra) -> dict:
    return {
        "category_identifier": {"code": category},
        "responded_by_identifier": ADMIN,
        "response_date": WHEN,
        **extra,
    }


def temporary_obj(category: str = "TFIX", **extra) -> dict:
    return {
        "category_identifier": {"code": category},
        "temporary_resolved_by_identifier": ADMIN,
        "temporary_resolution_date": WHEN,
        **extra,
    }


def final_obj(category: str = "RSLV", **extra) -> dict:
    return {
        "category_identifier": {"code": category},
        "final_resolved_by_identifier": ADMIN,
        "final_resolution_date": WHEN,
        **extra,
    }


def call(api, method: str, number: str, /, **body):
    """POST ``service_requests/<method>`` for the request ``number``."""
    return api.post(f"service_requests/{method}", {SR: {"number": number}, **body})


def show(api, number: str, fields_set: str | None = None):
    params = {SR: f"number={number}"}
    if fields_set:
        params["fields_set"] = fields_set
    return api.get("service_requests/show", params)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.body
    return [row["number"] for row in response.data]


def assert_error(response, status: int, code: str, param: str | None = None) -> None:
    assert response.status_code == status, response.body
    assert response.code == code
    assert response.data is None
    if param is not None:
        assert response.description.startswith(f"{param}: "), response.description
