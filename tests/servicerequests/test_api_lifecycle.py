"""The service request life cycle through real requests: every transition of the table, every
refused one (nothing changes), statuses, the acceptance rules and the event each write leaves
(contract section 3, reference sections 2.1 and 2.7)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from customers.models import Contact
from servicerequests import models as sm
from servicerequests.lifecycle import TRANSITIONS
from tests.factories import CancellationReasonFactory, ServiceRequestStatusFactory
from tests.servicerequests.test_api_read import (
    OWNER,
    RELATIVE,
    SR,
    STATUS_OF,
    STRANGER,
    S,
    assert_error,
    call,
    create,
    events,
    final_obj,
    make_sr,
    numbers,
    response_obj,
    snapshot,
    temporary_obj,
)

pytestmark = pytest.mark.django_db

OWNER_ID = "EE621BE231714DFE8CE370261BF6DB25"
RELATIVE_ID = "0D0D6C1F6A4B4F1E9D2C3B4A59687766"
STATE_FIELDS = "life_cycle_state,status"

# A valid body for each action: refusals below come from the state, not the parameters.
ACTIONS = {
    "respond": {"status_identifier": {"name": "Responded"}, "response": response_obj()},
    "temporary_resolve": {"temporary_resolution": temporary_obj()},
    "final_resolve": {
        "status_identifier": {"name": "Final Resolved"},
        "final_resolution": final_obj(),
    },
    "complete": {"status_identifier": {"name": "Completed"}},
    "cancel": {},
    "response_accept": {"accepted_by_identifier": OWNER},
    "temporary_resolution_accept": {"accepted_by_identifier": OWNER},
    "final_resolution_accept": {},
}
# (state, action) -> the state after it; acceptances leave the state as it is.
ALLOWED = {
    (S.PENDING, "respond"): S.RESPONDED,
    (S.PENDING, "cancel"): S.CANCELLED,
    (S.RESPONDED, "temporary_resolve"): S.TEMPORARY_RESOLVED,
    (S.RESPONDED, "final_resolve"): S.FINAL_RESOLVED,
    (S.RESPONDED, "response_accept"): S.RESPONDED,
    (S.TEMPORARY_RESOLVED, "final_resolve"): S.FINAL_RESOLVED,
    (S.TEMPORARY_RESOLVED, "temporary_resolution_accept"): S.TEMPORARY_RESOLVED,
    (S.FINAL_RESOLVED, "complete"): S.COMPLETED,
    (S.FINAL_RESOLVED, "final_resolution_accept"): S.FINAL_RESOLVED,
}
REFUSED = [
    (state, action) for state in STATUS_OF for action in ACTIONS if (state, action) not in ALLOWED
]
ACCEPTS = {
    "response_accept": (S.RESPONDED, "response"),
    "temporary_resolution_accept": (S.TEMPORARY_RESOLVED, "temporary_resolution"),
    "final_resolution_accept": (S.FINAL_RESOLVED, "final_resolution"),
}
# The step categories that wait for the customer, as make_sr takes them.
NEEDS_ACCEPTANCE = {
    "response_accept": {"response": "CONF"},
    "temporary_resolution_accept": {"temporary": "WORK"},
    "final_resolution_accept": {"final": "RPC"},
}


def act(api, action: str, number: str, /, **body):
    return call(api, action, number, **{**ACTIONS[action], **body})


def assert_refused(api, action: str, number: str, status: int, code: str, param, /, **body):
    before = snapshot(number)
    assert_error(call(api, action, number, **body), status, code, param)
    assert snapshot(number) == before


def state_of(response) -> tuple[str, str]:
    assert response.status_code == 200, response.body
    return response.data["life_cycle_state"], response.data["status"]["name"]


# -- the table ----------------------------------------------------------------------------------


def test_the_implemented_table_is_the_contracts():
    """The pairs these tests walk are exactly the transition table's (contract section 3)."""
    implemented = {
        (state, action): transition.target or state
        for action, transition in TRANSITIONS.items()
        for state in transition.sources
    }
    assert implemented == ALLOWED
    assert len(REFUSED) == 6 * 8 - 9


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_every_allowed_transition(api, demo, state, action):
    sr = make_sr(state)
    before = timezone.now()
    response = act(api, action, sr.number, fields_set=STATE_FIELDS)
    after = timezone.now()
    target = ALLOWED[(state, action)]
    assert state_of(response) == (target, STATUS_OF[target])
    assert list(response.data) == ["life_cycle_state", "status"]
    assert events(sr.number) == [
        (
            action,
            state,
            target,
            STATUS_OF[state],
            STATUS_OF[target],
            "MPAdministrator",
            "Admin Unit",
        )
    ]
    event = sm.ServiceRequestEvent.objects.get(service_request=sr)
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert before <= event.created_at <= after
    assert row.updated_date == event.created_at
    assert row.updated_by_user.username == "MPAdministrator"


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_every_refused_transition_changes_nothing(api, demo, state, action):
    sr = make_sr(state)
    before = snapshot(sr.number)
    response = act(api, action, sr.number)
    assert_error(response, 409, "INVALID_LIFE_CYCLE_STATE", SR)
    assert sr.number in response.body["status"]["message"]
    assert snapshot(sr.number) == before


def test_walk_through_every_step(api, demo):
    number = create(api)["number"]
    data = call(
        api,
        "respond",
        number,
        status_identifier={"name": "Responded"},
        response=response_obj(description="We are on it"),
        description="No signal since Monday",
        notes="Customer called",
    ).data
    assert state_of_data(data) == ("RESPONDED", "Responded")
    assert (data["description"], data["notes"]) == ("No signal since Monday", "Customer called")
    assert data["response"]["description"] == "We are on it"
    data = call(api, "temporary_resolve", number, temporary_resolution=temporary_obj()).data
    assert state_of_data(data) == ("TEMPORARY_RESOLVED", "Temporary Resolved")
    assert data["temporary_resolution"]["temporary_resolution_date"] == "2030-01-01T11:00:00"
    data = call(
        api,
        "final_resolve",
        number,
        status_identifier={"alternative_code": "FRS"},
        final_resolution=final_obj(description="Replaced the decoder"),
    ).data
    assert state_of_data(data) == ("FINAL_RESOLVED", "Final Resolved")
    assert data["final_resolution"]["description"] == "Replaced the decoder"
    data = call(api, "complete", number, status_identifier={"name": "Completed"}).data
    assert state_of_data(data) == ("COMPLETED", "Completed")
    assert data["time_to_completion"] == data["time_overdue"]
    assert data["time_overdue"] == {"time_period_value": None, "time_period_uot": None}
    # The earlier steps stay on the request.
    assert data["response"]["category"]["code"] == "ACK"
    assert data["temporary_resolution"]["category"]["code"] == "TFIX"
    assert [e[:5] for e in events(number)] == [
        ("create", None, "PENDING", None, "Pending"),
        ("respond", "PENDING", "RESPONDED", "Pending", "Responded"),
        ("temporary_resolve", "RESPONDED", "TEMPORARY_RESOLVED", "Responded", "Temporary Resolved"),
        (
            "final_resolve",
            "TEMPORARY_RESOLVED",
            "FINAL_RESOLVED",
            "Temporary Resolved",
            "Final Resolved",
        ),
        ("complete", "FINAL_RESOLVED", "COMPLETED", "Final Resolved", "Completed"),
    ]
    row = sm.ServiceRequest.objects.get(number=number)
    assert row.completed_date == row.updated_date
    respond_event = sm.ServiceRequestEvent.objects.get(service_request=row, action="respond")
    assert respond_event.note == "Customer called"


def state_of_data(data: dict) -> tuple[str, str]:
    return data["life_cycle_state"], data["status"]["name"]


def test_walk_without_a_temporary_resolution(api, demo):
    number = create(api)["number"]
    act(api, "respond", number)
    data = act(api, "final_resolve", number).data
    assert state_of_data(data) == ("FINAL_RESOLVED", "Final Resolved")
    assert data["temporary_resolution"] is None
    assert state_of(act(api, "complete", number)) == ("COMPLETED", "Completed")
    assert [e[0] for e in events(number)] == ["create", "respond", "final_resolve", "complete"]


def test_actions_by_the_agent_are_recorded_as_the_agent(agent_api, demo):
    sr = make_sr()
    act(agent_api, "respond", sr.number)
    assert events(sr.number) == [
        ("respond", "PENDING", "RESPONDED", "Pending", "Responded", "agent", "Admin Unit")
    ]
    data = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert data.updated_by_user.username == "agent"


# -- statuses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "action", "status"),
    [
        (S.PENDING, "respond", "Completed"),
        (S.PENDING, "respond", "Waiting for Customer"),
        (S.PENDING, "cancel", "Pending"),
        (S.PENDING, "cancel", "Completed"),
        (S.RESPONDED, "temporary_resolve", "Responded"),
        (S.RESPONDED, "temporary_resolve", "Final Resolved"),
        (S.RESPONDED, "final_resolve", "Temporary Resolved"),
        (S.TEMPORARY_RESOLVED, "final_resolve", "Completed"),
        (S.FINAL_RESOLVED, "complete", "Final Resolved"),
        (S.FINAL_RESOLVED, "complete", "Cancel"),
    ],
)
def test_a_status_of_another_state_is_refused(api, demo, state, action, status):
    sr = make_sr(state)
    body = {**ACTIONS[action], "status_identifier": {"name": status}}
    assert_refused(api, action, sr.number, 422, "VALIDATION_ERROR", "status_identifier", **body)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.PENDING, "respond"),
        (S.PENDING, "cancel"),
        (S.RESPONDED, "temporary_resolve"),
        (S.RESPONDED, "final_resolve"),
        (S.FINAL_RESOLVED, "complete"),
    ],
)
def test_a_status_the_type_does_not_allow_is_refused(api, demo, state, action):
    sr = make_sr(state)
    target = ALLOWED[(state, action)]
    foreign = ServiceRequestStatusFactory(life_cycle_state=target)
    body = {**ACTIONS[action], "status_identifier": {"id": foreign.id}}
    assert_refused(api, action, sr.number, 422, "VALIDATION_ERROR", "status_identifier", **body)


def test_a_second_status_of_the_state_allowed_for_the_type(api, demo):
    sr = make_sr(S.FINAL_RESOLVED)
    closed = ServiceRequestStatusFactory(name="Closed", life_cycle_state=S.COMPLETED)
    sm.ServiceRequestTypeStatus.objects.create(type=sr.type, status=closed)
    data = act(api, "complete", sr.number, status_identifier={"name": "Closed"}).data
    assert state_of_data(data) == ("COMPLETED", "Closed")


def test_temporary_resolve_takes_a_given_status(api, demo):
    sr = make_sr(S.RESPONDED)
    other = ServiceRequestStatusFactory(name="Patched", life_cycle_state=S.TEMPORARY_RESOLVED)
    sm.ServiceRequestTypeStatus.objects.create(type=sr.type, status=other)
    data = act(api, "temporary_resolve", sr.number, status_identifier={"name": "Patched"}).data
    assert state_of_data(data) == ("TEMPORARY_RESOLVED", "Patched")


@pytest.mark.parametrize(
    ("state", "action", "body", "status", "code", "param"),
    [
        (
            S.PENDING,
            "respond",
            {"response": response_obj()},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "status_identifier",
        ),
        (
            S.PENDING,
            "respond",
            {"status_identifier": {"name": "Responded"}},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response",
        ),
        (
            S.PENDING,
            "respond",
            {"status_identifier": {"name": "Responded"}, "response": {}},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response.category_identifier",
        ),
        (
            S.PENDING,
            "respond",
            {
                "status_identifier": {"name": "Responded"},
                "response": response_obj(response_date="yesterday"),
            },
            400,
            "INVALID_PARAMETER",
            "response.response_date",
        ),
        (
            S.PENDING,
            "respond",
            {
                "status_identifier": {"name": "Responded"},
                "response": {**response_obj(), "response_date": None},
            },
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response.response_date",
        ),
        (
            S.PENDING,
            "respond",
            {"status_identifier": {"name": "Responded"}, "response": response_obj("RSLV")},
            404,
            "ENTITY_NOT_FOUND",
            "response.category_identifier",
        ),
        (
            S.PENDING,
            "respond",
            {
                "status_identifier": {"name": "Responded"},
                "response": response_obj(responded_by_identifier={"username": "ghost"}),
            },
            404,
            "ENTITY_NOT_FOUND",
            "response.responded_by_identifier",
        ),
        (
            S.PENDING,
            "respond",
            {**ACTIONS["respond"], "temporary_resolution": temporary_obj()},
            400,
            "INVALID_PARAMETER",
            "temporary_resolution",
        ),
        (
            S.PENDING,
            "respond",
            {**ACTIONS["respond"], "response": response_obj(colour="red")},
            400,
            "INVALID_PARAMETER",
            "response.colour",
        ),
        (
            S.RESPONDED,
            "temporary_resolve",
            {},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "temporary_resolution",
        ),
        (
            S.RESPONDED,
            "temporary_resolve",
            {"temporary_resolution": temporary_obj("RSLV")},
            404,
            "ENTITY_NOT_FOUND",
            "temporary_resolution.category_identifier",
        ),
        (
            S.RESPONDED,
            "final_resolve",
            {"final_resolution": final_obj()},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "status_identifier",
        ),
        (
            S.RESPONDED,
            "final_resolve",
            {"status_identifier": {"name": "Final Resolved"}},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "final_resolution",
        ),
        (S.FINAL_RESOLVED, "complete", {}, 400, "MISSING_MANDATORY_PARAMETER", "status_identifier"),
        (
            S.FINAL_RESOLVED,
            "complete",
            {"status_identifier": {"name": "Nope"}},
            404,
            "ENTITY_NOT_FOUND",
            "status_identifier",
        ),
        (
            S.PENDING,
            "cancel",
            {"cancellation_reason_identifier": {"name": "Nope"}},
            404,
            "ENTITY_NOT_FOUND",
            "cancellation_reason_identifier",
        ),
        (
            S.PENDING,
            "cancel",
            {"cancellation_reason_identifier": {"code": "CRA"}},
            400,
            "INVALID_IDENTIFIER",
            "cancellation_reason_identifier",
        ),
        (S.PENDING, "cancel", {"status": "Cancel"}, 400, "INVALID_PARAMETER", "status"),
        (
            S.RESPONDED,
            "response_accept",
            {},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "accepted_by_identifier",
        ),
        (
            S.TEMPORARY_RESOLVED,
            "temporary_resolution_accept",
            {},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "accepted_by_identifier",
        ),
        (
            S.TEMPORARY_RESOLVED,
            "temporary_resolution_accept",
            {"accepted_by_identifier": OWNER, "notes": "no notes here"},
            400,
            "INVALID_PARAMETER",
            "notes",
        ),
        (
            S.FINAL_RESOLVED,
            "final_resolution_accept",
            {"accepted_by_identifier": {"id_number": "0"}},
            404,
            "ENTITY_NOT_FOUND",
            "accepted_by_identifier",
        ),
    ],
)
def test_action_parameter_errors_change_nothing(
    api, demo, state, action, body, status, code, param
):
    sr = make_sr(state)
    assert_refused(api, action, sr.number, status, code, param, **body)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_actions_on_an_unknown_request(api, demo, action):
    response = call(api, action, "SR99999999", **ACTIONS[action])
    assert_error(response, 404, "ENTITY_NOT_FOUND", SR)
    response = api.post(f"service_requests/{action}", ACTIONS[action])
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", SR)


# -- cancel -------------------------------------------------------------------------------------


def test_cancel_takes_the_types_defaults(api, demo):
    sr = make_sr()
    data = call(api, "cancel", sr.number, notes="Customer withdrew").data
    assert state_of_data(data) == ("CANCELLED", "Cancel")
    assert data["cancellation_reason"] == {
        "id": "1A6C2C6E0D8B4F0B9A1E2D3C4B5A6978",
        "name": "Cancellation Reason A",
        "alternative_code": "CRA",
        "description": "The customer withdrew the request",
    }
    assert data["notes"] == "Customer withdrew"
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert row.cancelled_date == row.updated_date
    event = sm.ServiceRequestEvent.objects.get(service_request=sr)
    assert (event.action, event.note) == ("cancel", "Customer withdrew")


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ({"name": "Cancellation Reason C"}, "Cancellation Reason C"),
        ({"alternative_code": "CRB"}, "Cancellation Reason B"),
        ({"id": "1a6c2c6e0d8b4f0b9a1e2d3c4b5a6978"}, "Cancellation Reason A"),
    ],
)
def test_cancel_with_a_status_and_reason(api, demo, reason, expected):
    """The reference's example: status Cancel, reason C."""
    sr = make_sr(status=sm.ServiceRequestStatus.objects.get(name="Waiting for Customer"))
    data = call(
        api,
        "cancel",
        sr.number,
        status_identifier={"name": "Cancel"},
        cancellation_reason_identifier=reason,
    ).data
    assert state_of_data(data) == ("CANCELLED", "Cancel")
    assert data["cancellation_reason"]["name"] == expected
    assert events(sr.number)[0][:5] == (
        "cancel",
        "PENDING",
        "CANCELLED",
        "Waiting for Customer",
        "Cancel",
    )


def test_cancel_reason_must_be_allowed_for_the_type(api, demo):
    sr = make_sr()
    foreign = CancellationReasonFactory()
    assert_refused(
        api,
        "cancel",
        sr.number,
        422,
        "VALIDATION_ERROR",
        "cancellation_reason_identifier",
        cancellation_reason_identifier={"id": foreign.id},
    )


# -- acceptance ---------------------------------------------------------------------------------


def pending_acceptance(api, method: str) -> list[str]:
    return numbers(api.get(f"service_requests/{method}", {"fields_set": "number"}))


def test_a_response_that_needs_acceptance_blocks_every_resolution(api, demo):
    number = create(api)["number"]
    data = act(api, "respond", number, response=response_obj("CONF")).data
    assert data["response"]["category"]["requires_customer_acceptance"] is True
    assert pending_acceptance(api, "get_responded_pending_acceptance") == [number]
    for action in ("temporary_resolve", "final_resolve"):
        before = snapshot(number)
        assert_error(act(api, action, number), 409, "INVALID_LIFE_CYCLE_STATE", SR)
        assert snapshot(number) == before
    before = timezone.now()
    data = call(api, "response_accept", number, accepted_by_identifier=RELATIVE).data
    assert state_of_data(data) == ("RESPONDED", "Responded")
    assert data["response"]["accepted_by"]["id"] == RELATIVE_ID
    row = sm.ServiceRequest.objects.get(number=number)
    assert before <= row.response_accepted_date <= timezone.now()
    assert data["response"]["accepted_date"] is not None
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    assert events(number)[-1][:5] == (
        "response_accept",
        "RESPONDED",
        "RESPONDED",
        "Responded",
        "Responded",
    )
    assert state_of(act(api, "temporary_resolve", number)) == (
        "TEMPORARY_RESOLVED",
        "Temporary Resolved",
    )


def test_a_temporary_resolution_that_needs_acceptance_blocks_the_final_one(api, demo):
    sr = make_sr(S.RESPONDED)
    act(api, "temporary_resolve", sr.number, temporary_resolution=temporary_obj("WORK"))
    assert pending_acceptance(api, "get_temporary_resolved_pending_acceptance") == [sr.number]
    assert_refused(
        api,
        "final_resolve",
        sr.number,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        **ACTIONS["final_resolve"],
    )
    data = call(api, "temporary_resolution_accept", sr.number, accepted_by_identifier=OWNER).data
    assert data["temporary_resolution"]["accepted_by"]["id"] == OWNER_ID
    assert pending_acceptance(api, "get_temporary_resolved_pending_acceptance") == []
    assert state_of(act(api, "final_resolve", sr.number)) == ("FINAL_RESOLVED", "Final Resolved")


def test_a_final_resolution_that_needs_acceptance_blocks_completion(api, demo):
    sr = make_sr(S.RESPONDED)
    act(api, "final_resolve", sr.number, final_resolution=final_obj("RPC"))
    assert pending_acceptance(api, "get_final_resolved_pending_acceptance") == [sr.number]
    assert_refused(
        api, "complete", sr.number, 409, "INVALID_LIFE_CYCLE_STATE", SR, **ACTIONS["complete"]
    )
    # accepted_by is optional here: the caller accepts.
    data = call(api, "final_resolution_accept", sr.number, description="Happy now").data
    assert data["final_resolution"]["accepted_by"]["id"] == OWNER_ID
    assert data["description"] == "Happy now"
    assert pending_acceptance(api, "get_final_resolved_pending_acceptance") == []
    assert state_of(act(api, "complete", sr.number)) == ("COMPLETED", "Completed")


def test_final_resolution_accepted_by_default_is_the_caller_not_the_owner(api, demo):
    sr = make_sr(S.FINAL_RESOLVED, caller=Contact.objects.get(id_number="8945613"))
    data = call(api, "final_resolution_accept", sr.number).data
    assert data["final_resolution"]["accepted_by"]["id"] == RELATIVE_ID


def test_the_steps_own_category_decides_acceptance_not_the_requests(api, demo):
    """Seed 000: pending acceptance "considering that the specified response category
    requires customer acceptance". A request whose own category (COMP) asks for acceptance,
    responded with ACK (no acceptance), waits for nothing; CONF on it waits."""
    number = create(api, category_identifier={"code": "COMP"})["number"]
    act(api, "respond", number)  # ACK
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    act(api, "temporary_resolve", number)  # TFIX: no acceptance asked either
    assert pending_acceptance(api, "get_temporary_resolved_pending_acceptance") == []
    act(api, "final_resolve", number)  # RSLV
    assert pending_acceptance(api, "get_final_resolved_pending_acceptance") == []
    assert state_of(act(api, "complete", number)) == ("COMPLETED", "Completed")

    waiting = create(api, category_identifier={"code": "TECH"})["number"]
    act(api, "respond", waiting, response=response_obj("CONF"))
    assert pending_acceptance(api, "get_responded_pending_acceptance") == [waiting]
    assert_refused(
        api,
        "temporary_resolve",
        waiting,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        **ACTIONS["temporary_resolve"],
    )


def test_steps_without_acceptance_need_none(api, demo):
    sr = make_sr(S.RESPONDED)
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    act(api, "temporary_resolve", sr.number)
    act(api, "final_resolve", sr.number)
    assert state_of(act(api, "complete", sr.number)) == ("COMPLETED", "Completed")


@pytest.mark.parametrize("action", list(ACCEPTS))
def test_acceptance_by_an_unrelated_contact_is_refused(api, demo, action):
    state, _step = ACCEPTS[action]
    sr = make_sr(state)
    assert_refused(
        api,
        action,
        sr.number,
        422,
        "VALIDATION_ERROR",
        "accepted_by_identifier",
        accepted_by_identifier=STRANGER,
    )


@pytest.mark.parametrize("action", list(ACCEPTS))
def test_accepting_twice_is_refused(api, demo, action):
    state, step = ACCEPTS[action]
    sr = make_sr(state, **NEEDS_ACCEPTANCE[action])
    response = call(api, action, sr.number, accepted_by_identifier=RELATIVE)
    assert response.data[step]["accepted_by"]["id"] == RELATIVE_ID
    assert_refused(
        api, action, sr.number, 409, "INVALID_LIFE_CYCLE_STATE", SR, accepted_by_identifier=OWNER
    )


@pytest.mark.parametrize("action", list(ACCEPTS))
def test_acceptance_is_recorded_even_when_not_required(api, demo, action):
    state, step = ACCEPTS[action]
    sr = make_sr(state)
    data = call(api, action, sr.number, accepted_by_identifier=OWNER, description="Fine").data
    assert data[step]["accepted_by"]["id"] == OWNER_ID
    assert data["description"] == "Fine"
    event = sm.ServiceRequestEvent.objects.get(service_request=sr)
    assert (event.action, event.from_state, event.to_state) == (action, state, state)
    # The audit trail says what changed, in words (crm.audit).
    owner = Contact.objects.get(pk=OWNER_ID)
    changes = {row["name"]: (row["old"], row["new"]) for row in event.change_list}
    assert changes[f"{step}_accepted_by"] == ("—", str(owner))
    assert changes["description"] == ("—", "Fine")
    assert changes[f"{step}_accepted_date"][0] == "—"


def test_accepted_by_inside_the_response_records_the_acceptance_at_once(api, demo):
    number = create(api)["number"]
    data = act(
        api, "respond", number, response=response_obj("CONF", accepted_by_identifier=OWNER)
    ).data
    assert data["response"]["accepted_by"]["id"] == OWNER_ID
    row = sm.ServiceRequest.objects.get(number=number)
    assert row.response_accepted_date == row.updated_date
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    assert_refused(
        api,
        "response_accept",
        number,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        accepted_by_identifier=OWNER,
    )
    assert state_of(act(api, "temporary_resolve", number)) == (
        "TEMPORARY_RESOLVED",
        "Temporary Resolved",
    )


@pytest.mark.parametrize(
    ("state", "action", "step", "obj"),
    [
        (S.PENDING, "respond", "response", response_obj),
        (S.RESPONDED, "temporary_resolve", "temporary_resolution", temporary_obj),
        (S.RESPONDED, "final_resolve", "final_resolution", final_obj),
    ],
)
def test_accepted_by_inside_a_step_must_be_related(api, demo, state, action, step, obj):
    sr = make_sr(state)
    body = {**ACTIONS[action], step: obj(accepted_by_identifier=STRANGER)}
    assert_refused(
        api, action, sr.number, 422, "VALIDATION_ERROR", f"{step}.accepted_by_identifier", **body
    )


def test_accepting_a_temporary_resolution_by_a_contact_of_another_account(api, demo):
    """A contact related to some other account is still a stranger to this one."""
    from customers.models import AccountsReceivable

    AccountsReceivable.objects.get(number="ACR001179").related_contacts.add(
        Contact.objects.get(id_number="8945613")
    )
    sr = make_sr(
        S.TEMPORARY_RESOLVED,
        accounts_receivable=AccountsReceivable.objects.get(number="ACR001179"),
        caller=Contact.objects.get(id_number="2365485"),
    )
    data = call(api, "temporary_resolution_accept", sr.number, accepted_by_identifier=RELATIVE)
    assert data.data["temporary_resolution"]["accepted_by"]["id"] == RELATIVE_ID
    other = make_sr(S.TEMPORARY_RESOLVED)  # ACR001143: Marina Antoniadou is unrelated
    assert_refused(
        api,
        "temporary_resolution_accept",
        other.number,
        422,
        "VALIDATION_ERROR",
        "accepted_by_identifier",
        accepted_by_identifier=STRANGER,
    )
