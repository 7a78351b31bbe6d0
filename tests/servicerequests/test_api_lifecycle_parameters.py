"""The status and other parameters of each life cycle action: a status of another state or
one the type does not allow is refused, other statuses of the state are taken, every missing
or invalid parameter and an unknown request change nothing (contract section 3, reference
sections 2.1 and 2.7)."""

from __future__ import annotations

import pytest

from servicerequests import models as sm
from tests.factories import ServiceRequestStatusFactory
from tests.servicerequests.helpers import (
    ACTIONS,
    ALLOWED,
    OWNER,
    SR,
    S,
    act,
    assert_error,
    assert_refused,
    call,
    final_obj,
    make_sr,
    response_obj,
    state_of_data,
    temporary_obj,
)

pytestmark = pytest.mark.django_db

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
