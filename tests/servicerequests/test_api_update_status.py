"""``service_requests/update`` with a status: another status of the same state, a later
state walked along the table, steps corrected and refused, the user and unit stamped, and the
customer's records never touched (contract section 3, reference section 2.6)."""

from __future__ import annotations

import pytest

from customers.models import Contact
from tests.factories import (
    ServiceRequestStatusFactory,
)
from tests.servicerequests.helpers import (
    OWNER,
    RELATIVE,
    SR,
    S,
    assert_update_refused,
    call,
    create,
    events,
    final_obj,
    make_sr,
    response_obj,
    temporary_obj,
    update,
)

pytestmark = pytest.mark.django_db

# -- update: status and steps -------------------------------------------------------------------


def test_update_to_another_pending_status(api, demo):
    number = create(api)["number"]
    data = update(api, number, status_identifier={"name": "Waiting for Customer"}).data
    assert (data["life_cycle_state"], data["status"]["name"]) == (
        "PENDING",
        "Waiting for Customer",
    )
    assert events(number)[-1][:5] == (
        "update",
        "PENDING",
        "PENDING",
        "Pending",
        "Waiting for Customer",
    )


def test_update_with_a_later_status_walks_the_table(api, demo):
    number = create(api)["number"]
    data = update(
        api, number, status_identifier={"name": "Responded"}, response=response_obj("CONF")
    ).data
    assert (data["life_cycle_state"], data["status"]["name"]) == ("RESPONDED", "Responded")
    assert data["response"]["category"]["code"] == "CONF"
    assert [e[:5] for e in events(number)] == [
        ("create", None, "PENDING", None, "Pending"),
        ("respond", "PENDING", "RESPONDED", "Pending", "Responded"),
        ("update", "PENDING", "RESPONDED", "Pending", "Responded"),
    ]
    # The response waits for the customer: the walk cannot go further.
    assert_update_refused(
        api,
        number,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        status_identifier={"name": "Final Resolved"},
        final_resolution=final_obj(),
    )
    call(api, "response_accept", number, accepted_by_identifier=OWNER)
    data = update(
        api, number, status_identifier={"name": "Final Resolved"}, final_resolution=final_obj()
    ).data
    assert data["life_cycle_state"] == "FINAL_RESOLVED"
    assert [e[0] for e in events(number)][-2:] == ["final_resolve", "update"]


def test_update_from_pending_to_completed(api, demo):
    number = create(api)["number"]
    data = update(
        api,
        number,
        status_identifier={"name": "Completed"},
        response=response_obj(),
        final_resolution=final_obj(),
    ).data
    assert data["life_cycle_state"] == "COMPLETED"
    assert [e[:5] for e in events(number)][1:] == [
        ("respond", "PENDING", "RESPONDED", "Pending", "Responded"),
        ("final_resolve", "RESPONDED", "FINAL_RESOLVED", "Responded", "Final Resolved"),
        ("complete", "FINAL_RESOLVED", "COMPLETED", "Final Resolved", "Completed"),
        ("update", "PENDING", "COMPLETED", "Pending", "Completed"),
    ]


def test_update_corrects_the_response_it_has(api, demo):
    sr = make_sr(S.RESPONDED, response="CONF", accepted=("response",))
    data = update(api, sr.number, response=response_obj("ACK", description="Fixed")).data
    assert data["life_cycle_state"] == "RESPONDED"
    assert data["response"]["category"]["code"] == "ACK"
    assert data["response"]["description"] == "Fixed"
    assert data["response"]["accepted_by"] is None  # a new response, not accepted yet


@pytest.mark.parametrize(
    ("state", "body", "status", "code", "param"),
    [
        (
            S.PENDING,
            {"status_identifier": {"name": "Responded"}},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response",
        ),
        (
            S.RESPONDED,
            {"temporary_resolution": temporary_obj()},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "status_identifier",
        ),
        (
            S.RESPONDED,
            {"final_resolution": final_obj()},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "status_identifier",
        ),
        (S.PENDING, {"response": response_obj()}, 409, "INVALID_LIFE_CYCLE_STATE", "response"),
        (
            S.RESPONDED,
            {"status_identifier": {"name": "Pending"}},
            409,
            "INVALID_LIFE_CYCLE_STATE",
            "status_identifier",
        ),
        (
            S.TEMPORARY_RESOLVED,
            {"status_identifier": {"name": "Cancel"}},
            409,
            "INVALID_LIFE_CYCLE_STATE",
            "status_identifier",
        ),
        (
            S.RESPONDED,
            {"status_identifier": {"name": "Responded"}, "temporary_resolution": temporary_obj()},
            409,
            "INVALID_LIFE_CYCLE_STATE",
            "temporary_resolution",
        ),
        (
            S.PENDING,
            {"status_identifier": {"name": "Nope"}},
            404,
            "ENTITY_NOT_FOUND",
            "status_identifier",
        ),
    ],
)
def test_update_status_refused(api, demo, state, body, status, code, param):
    sr = make_sr(state)
    assert_update_refused(api, sr.number, status, code, param, **body)


def test_update_status_must_be_allowed_for_the_type(api, demo):
    sr = make_sr()
    foreign = ServiceRequestStatusFactory(life_cycle_state=S.PENDING)
    assert_update_refused(
        api,
        sr.number,
        422,
        "VALIDATION_ERROR",
        "status_identifier",
        status_identifier={"id": foreign.id},
    )


def test_update_to_cancelled_takes_the_default_cancellation_reason(api, demo):
    number = create(api)["number"]
    data = update(api, number, status_identifier={"name": "Cancel"}).data
    assert data["life_cycle_state"] == "CANCELLED"
    assert (data["cancellation_reason"] or {}).get("name") == "Cancellation Reason A"


def test_update_by_the_agent_is_stamped_with_the_agent(agent_api, demo):
    sr = make_sr()
    data = update(agent_api, sr.number, notes="agent was here").data
    assert data["notes"] == "agent was here"
    assert data["log_information"]["updated_by_user"]["username"] == "agent"
    assert events(sr.number)[-1] == (
        "update",
        "PENDING",
        "PENDING",
        "Pending",
        "Pending",
        "agent",
        "Admin Unit",
    )


def test_unused_contacts_are_untouched(api, demo):
    """Creating and updating requests never changes the customer's records."""
    contacts = list(Contact.objects.order_by("pk").values())
    number = create(api, contact_information_identifier=RELATIVE, caller_email="n@example.com")[
        "number"
    ]
    update(api, number, caller_email=None)
    assert list(Contact.objects.order_by("pk").values()) == contacts
