"""The service request life cycle through real requests: the table is the contract's, every
allowed transition and the event it leaves, every refused one (nothing changes), walks through
the steps and cancelling (contract section 3, reference sections 2.1 and 2.7)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from servicerequests import models as sm
from servicerequests.lifecycle import TRANSITIONS
from tests.factories import CancellationReasonFactory
from tests.servicerequests.helpers import (
    ACTIONS,
    ALLOWED,
    SR,
    STATUS_OF,
    act,
    assert_error,
    assert_refused,
    call,
    create,
    events,
    final_obj,
    make_sr,
    response_obj,
    snapshot,
    state_of,
    state_of_data,
    temporary_obj,
)

pytestmark = pytest.mark.django_db

STATE_FIELDS = "life_cycle_state,status"
REFUSED = [
    (state, action) for state in STATUS_OF for action in ACTIONS if (state, action) not in ALLOWED
]


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
