"""Contract section 6 over the whole Web API: for the demo agent (clearance 1) a record at
privacy level Restricted (number 5) does not exist. Every method that takes a service request
or a job identifier, at any depth of its declared parameters, answers ENTITY_NOT_FOUND for it,
with the very body it gives for a record that does not exist, and changes nothing; every list
leaves it out. The methods and their parameters are enumerated from crm.api.urls.METHODS, so
a new method is covered (or fails for want of a request body below) without editing this file.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.conftest import Api
from tests.security import records
from tests.security.records import Target, timedelta, timezone

pytestmark = pytest.mark.django_db

TARGETS = records.visibility_targets()
LISTS = records.list_methods()
NOT_FOUND_IDS = {"service_request": "F" * 32, "job": "E" * 32}
NOT_FOUND_NUMBERS = {"service_request": "SR99999999", "job": "JOB999999"}
# Codes that would mean the request itself was wrong, not that the record was found.
MALFORMED = {
    "ENTITY_NOT_FOUND",
    "MISSING_MANDATORY_PARAMETER",
    "INVALID_PARAMETER",
    "INVALID_IDENTIFIER",
    "PERMISSION_DENIED",
}

USER = {"username": "MPAdministrator"}
DATE = "2026-01-05T10:00:00"


def base_params(ctx: dict) -> dict[str, dict]:
    """A valid call of each method taking such an identifier: everything mandatory is there
    and every other identifier resolves, so the record under test is the only thing wrong.
    ``ctx`` holds a visible request and job for the parameters not under test."""
    sr = {"service_request_identifier": {"id": ctx["visible_sr"].id}}
    job = {"job_identifier": {"id": ctx["visible_job"].id}}
    acceptance = {"accepted_by_identifier": {"id_number": "8945612"}}
    return {
        "service_requests/show": sr,
        "service_requests/create": {
            "type_identifier": {"name": "Technical Support"},
            "accounts_receivable_identifier": {"number": "ACR001143"},
            "status_identifier": {"name": "Pending"},
            "category_identifier": {"code": "TECH"},
            "urgency_level": "URGENCY2",
            "impact_level": "IMPACT2",
        },
        "service_requests/update": sr,
        "service_requests/respond": {
            **sr,
            "status_identifier": {"name": "Responded"},
            "response": {
                "category_identifier": {"code": "ACK"},
                "responded_by_identifier": USER,
                "response_date": DATE,
            },
        },
        "service_requests/temporary_resolve": {
            **sr,
            "temporary_resolution": {
                "category_identifier": {"code": "TFIX"},
                "temporary_resolved_by_identifier": USER,
                "temporary_resolution_date": DATE,
            },
        },
        "service_requests/final_resolve": {
            **sr,
            "status_identifier": {"name": "Final Resolved"},
            "final_resolution": {
                "category_identifier": {"code": "RSLV"},
                "final_resolved_by_identifier": USER,
                "final_resolution_date": DATE,
            },
        },
        "service_requests/complete": {**sr, "status_identifier": {"name": "Completed"}},
        "service_requests/cancel": sr,
        "service_requests/response_accept": {**sr, **acceptance},
        "service_requests/temporary_resolution_accept": {**sr, **acceptance},
        "service_requests/final_resolution_accept": sr,
        "jobs/deactivate_subscription/show": job,
        "jobs/deactivate_subscription/create": {
            "type_identifier": {"name": "Deactivate Subscription"},
            "status_identifier": {"name": "Draft"},
            "accounts_receivable_identifier": {"number": "ACR001143"},
            "subscription_identifier": {"number": "S60993"},
            "assigned_to": {"user_identifier": USER},
            "billing_terms": {
                "billing_term_scheme_identifier": {"code": "PJBTS"},
                "price_plan_identifier": {"code": "BPP0614"},
                "agreement_date": DATE,
            },
        },
        "jobs/deactivate_subscription/update": job,
        "jobs/all_scopes/show": job,
        "jobs/all_scopes/start_progress": job,
        "jobs/all_scopes/complete": job,
        "jobs/all_scopes/cancel": job,
        "jobs/all_scopes/get_next_status_sequence": job,
        "service_requests/comments/create": {**sr, "text": "Checked the line."},
        "service_requests/comments/list": sr,
        "jobs/comments/create": {**job, "text": "Checked the line."},
        "jobs/comments/list": job,
    }


def call(api: Api, target: Target, params: dict):
    if target.verb == "GET":
        # Only top-level identifiers exist in query strings, flattened as key=value.
        query = {
            name: "{}={}".format(*next(iter(value.items()))) if isinstance(value, dict) else value
            for name, value in params.items()
        }
        return api.get(target.method, query)
    return api.post(target.method, params)


def request_for(target: Target, ctx: dict, key: str, value: str) -> dict:
    params = json.loads(json.dumps(base_params(ctx)[target.method]))  # a deep copy
    return records.place(params, target.path, {key: value})


def test_every_identifier_place_is_found():
    """The walk over the declarations finds what is known to be there, and every method
    with such a parameter has a request here (else the tests below could not call it)."""
    found = {str(t) for t in TARGETS}
    assert "service_requests/show:service_request_identifier" in found
    assert "service_requests/create:referring_to.job_identifier" in found
    assert (
        "service_requests/update:related_service_requests_set[UPDATE]"
        ".service_request_relation_identifier.service_request_identifier"
    ) in found
    assert "jobs/deactivate_subscription/create:service_request_identifier" in found
    assert "jobs/all_scopes/get_next_status_sequence:job_identifier" in found
    placeholder = SimpleNamespace(id="0" * 32)
    known = base_params({"visible_sr": placeholder, "visible_job": placeholder})
    missing = {t.method for t in TARGETS} - set(known)
    assert not missing, f"add a valid request for {sorted(missing)} to base_params"


# -- every method that identifies a request or a job ----------------------------------------------


@pytest.fixture
def ctx(demo) -> dict:
    """A request and a job the agent may see, for the parameters not under test."""
    return {
        "visible_sr": records.service_request(hidden=False),
        "visible_job": records.job(hidden=False),
    }


def hidden_record(kind: str):
    return records.service_request() if kind == "service_request" else records.job()


def param_of(response) -> str:
    """The parameter an error names: ``status.description`` starts with it."""
    return response.description.split(":", 1)[0]


def expected_param(target: Target) -> str:
    return ".".join(step.name + ("" if step.item is None else "[0]") for step in target.path)


@pytest.mark.parametrize("key", ["id", "number"])
@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_restricted_record_does_not_exist_for_the_agent(target, key, ctx, agent_api, api):
    record = hidden_record(target.kind)
    before = records.snapshot(record, ctx["visible_sr"], ctx["visible_job"])
    value = getattr(record, key)

    response = call(agent_api, target, request_for(target, ctx, key, value))

    assert (response.status_code, response.code) == (404, "ENTITY_NOT_FOUND"), response.body
    assert param_of(response) == expected_param(target)
    assert response.data is None
    text = json.dumps(response.body)
    other_key = "number" if key == "id" else "id"
    for secret in (getattr(record, other_key), record.description, record.notes):
        assert secret not in text
    # Word for word what a record that does not exist gives: no hint that it does.
    fake = (NOT_FOUND_IDS if key == "id" else NOT_FOUND_NUMBERS)[target.kind]
    absent = call(agent_api, target, request_for(target, ctx, key, fake))
    assert absent.status_code == 404
    assert json.loads(text.replace(value, fake)) == absent.body
    assert records.snapshot(record, ctx["visible_sr"], ctx["visible_job"]) == before

    # The same call by MPAdministrator (clearance 5) gets past this identifier: the 404 above
    # comes from the clearance, not from a malformed call.
    admin = call(api, target, request_for(target, ctx, key, value))
    assert admin.code not in MALFORMED - {"ENTITY_NOT_FOUND"}, admin.body
    if admin.code == "ENTITY_NOT_FOUND":
        # e.g. a relation row to REMOVE that does not exist: another parameter.
        assert param_of(admin) != expected_param(target), admin.body


# -- every list -----------------------------------------------------------------------------------

ACCOUNT = {"accounts_receivable_identifier": "number=ACR001143"}
LIST_PARAMS = {
    "service_requests/list": ACCOUNT,
    "service_requests/get_close_to_estimated_completion_time": {"period": 2, "uot": "HOURS"},
    "jobs/deactivate_subscription/list": ACCOUNT,
    "jobs/all_scopes/list": ACCOUNT,
    # Every record of one_of_each is on this account: the searches find them all.
    "service_requests/search": {"query": "ACR001143"},
    "jobs/search": {"query": "ACR001143"},
}


def one_of_each(hidden: bool) -> list:
    """A request in every state and a job in every state, each also overdue once."""
    past = timezone.now() - timedelta(hours=1)
    made = [records.service_request(state, hidden=hidden) for state in records.SR_STATUS]
    made.append(records.service_request("PENDING", hidden=hidden, expected_completion_date=past))
    made += [records.job(state, hidden=hidden) for state in records.JOB_WALK]
    overdue = records.job("PENDING", hidden=hidden)
    type(overdue).objects.filter(pk=overdue.pk).update(expected_completion_date=past)
    made.append(overdue)
    return made


@pytest.fixture
def hidden_and_visible(demo) -> tuple[list, list]:
    return one_of_each(hidden=True), one_of_each(hidden=False)


def test_every_list_is_checked():
    names = {view.method_name for view in LISTS}
    assert "service_requests/get_overdue" in names
    assert "jobs/all_scopes/get_in_progress" in names
    assert len(names) >= 20, sorted(names)


@pytest.mark.parametrize("view", LISTS, ids=lambda view: view.method_name)
def test_lists_leave_restricted_records_out(view, hidden_and_visible, api, agent_api):
    hidden, visible = hidden_and_visible
    params = {"number_of_results": 500, **LIST_PARAMS.get(view.method_name, {})}
    admin = api.get(view.method_name, params)
    agent = agent_api.get(view.method_name, params)
    assert (admin.status_code, agent.status_code) == (200, 200), (admin.body, agent.body)

    hidden_numbers = {r.number for r in hidden}
    admin_numbers = [row["number"] for row in admin.data]
    agent_numbers = [row["number"] for row in agent.data]
    # The administrator's list shows restricted records of this list's kind...
    assert hidden_numbers & set(admin_numbers), view.method_name
    # ...the agent's is the same list without them, and not empty.
    assert agent_numbers == [n for n in admin_numbers if n not in hidden_numbers]
    assert {r.number for r in visible} & set(agent_numbers)
    text = json.dumps(agent.body)
    for record in hidden:
        for secret in (record.id, record.number, record.description, record.notes):
            assert secret not in text
