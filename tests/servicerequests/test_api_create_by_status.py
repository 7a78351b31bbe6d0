"""``service_requests/create`` with a status past PENDING: the request walks the life cycle
table with the steps given, leaving an event per step, and is refused when a step is missing,
out of place or waits for the customer (contract section 3, reference section 2.5)."""

from __future__ import annotations

import pytest

from servicerequests import models as sm
from tests.servicerequests.helpers import (
    RELATIVE,
    SR,
    START,
    STRANGER,
    assert_create_refused,
    create,
    events,
    final_obj,
    response_obj,
    temporary_obj,
)

pytestmark = pytest.mark.django_db

# -- create with a later status -----------------------------------------------------------------


def test_create_responded_takes_the_response(api, demo):
    data = create(
        api, status_identifier={"name": "Responded"}, response=response_obj(description="Seen")
    )
    assert data["life_cycle_state"] == "RESPONDED"
    assert data["status"]["name"] == "Responded"
    assert data["response"]["category"]["code"] == "ACK"
    assert data["response"]["responded_by"]["username"] == "MPAdministrator"
    assert data["response"]["response_date"] == "2030-01-01T11:00:00"
    assert data["response"]["description"] == "Seen"
    assert data["response"]["accepted_by"] is None
    assert events(data["number"]) == [
        ("create", None, "PENDING", None, "Pending", "MPAdministrator", "Admin Unit"),
        (
            "respond",
            "PENDING",
            "RESPONDED",
            "Pending",
            "Responded",
            "MPAdministrator",
            "Admin Unit",
        ),
    ]


def test_create_completed_walks_the_whole_table(api, demo):
    data = create(
        api,
        status_identifier={"name": "Completed"},
        response=response_obj(),
        temporary_resolution=temporary_obj(),
        final_resolution=final_obj(),
    )
    assert data["life_cycle_state"] == "COMPLETED"
    assert data["temporary_resolution"]["category"]["code"] == "TFIX"
    assert data["final_resolution"]["category"]["code"] == "RSLV"
    assert [e[:5] for e in events(data["number"])] == [
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
    assert sm.ServiceRequest.objects.get(number=data["number"]).completed_date is not None


def test_create_final_resolved_skips_the_temporary_resolution(api, demo):
    data = create(
        api,
        status_identifier={"name": "Final Resolved"},
        response=response_obj(),
        final_resolution=final_obj(),
    )
    assert data["life_cycle_state"] == "FINAL_RESOLVED"
    assert data["temporary_resolution"] is None
    assert [e[0] for e in events(data["number"])] == ["create", "respond", "final_resolve"]


def test_create_temporary_resolved_needs_no_final_resolution(api, demo):
    data = create(
        api,
        status_identifier={"name": "Temporary Resolved"},
        response=response_obj(),
        temporary_resolution=temporary_obj(),
    )
    assert data["life_cycle_state"] == "TEMPORARY_RESOLVED"


def test_create_cancelled(api, demo):
    data = create(api, status_identifier={"name": "Cancel"})
    assert (data["life_cycle_state"], data["status"]["name"]) == ("CANCELLED", "Cancel")
    assert [e[:5] for e in events(data["number"])] == [
        ("create", None, "PENDING", None, "Pending"),
        ("cancel", "PENDING", "CANCELLED", "Pending", "Cancel"),
    ]


def test_create_cancelled_takes_the_default_cancellation_reason(api, demo):
    data = create(api, status_identifier={"name": "Cancel"})
    assert (data["cancellation_reason"] or {}).get("name") == "Cancellation Reason A"


@pytest.mark.parametrize(
    ("overrides", "status", "code", "param"),
    [
        (
            {"status_identifier": {"name": "Responded"}},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response",
        ),
        (
            {"status_identifier": {"name": "Final Resolved"}, "response": response_obj()},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "final_resolution",
        ),
        (
            {"status_identifier": {"name": "Completed"}, "final_resolution": final_obj()},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response",
        ),
        ({"response": response_obj()}, 422, "VALIDATION_ERROR", "response"),
        (
            {
                "status_identifier": {"name": "Responded"},
                "response": response_obj(),
                "final_resolution": final_obj(),
            },
            422,
            "VALIDATION_ERROR",
            "final_resolution",
        ),
        (
            {"status_identifier": {"name": "Cancel"}, "response": response_obj()},
            422,
            "VALIDATION_ERROR",
            "response",
        ),
        # A response that waits for the customer blocks the resolution.
        (
            {
                "status_identifier": {"name": "Completed"},
                "response": response_obj(),
                "final_resolution": final_obj("RPC"),
            },
            409,
            "INVALID_LIFE_CYCLE_STATE",
            SR,
        ),
        (
            {
                "status_identifier": {"name": "Final Resolved"},
                "response": response_obj("CONF"),
                "final_resolution": final_obj(),
            },
            409,
            "INVALID_LIFE_CYCLE_STATE",
            SR,
        ),
        (
            {
                "status_identifier": {"name": "Responded"},
                "response": response_obj(accepted_by_identifier=STRANGER),
            },
            422,
            "VALIDATION_ERROR",
            "response.accepted_by_identifier",
        ),
        (
            {"status_identifier": {"name": "Responded"}, "response": response_obj(category="TFIX")},
            404,
            "ENTITY_NOT_FOUND",
            "response.category_identifier",
        ),
        (
            {
                "status_identifier": {"name": "Responded"},
                "response": {"category_identifier": {"code": "ACK"}, "response_date": START},
            },
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response.responded_by_identifier",
        ),
    ],
)
def test_create_with_a_later_status_refused(api, demo, overrides, status, code, param):
    assert_create_refused(api, status, code, param, **overrides)


def test_create_accepted_response_lets_the_walk_go_on(api, demo):
    data = create(
        api,
        status_identifier={"name": "Final Resolved"},
        response=response_obj("CONF", accepted_by_identifier=RELATIVE),
        final_resolution=final_obj(),
    )
    assert data["life_cycle_state"] == "FINAL_RESOLVED"
    assert data["response"]["accepted_by"]["demographics"]["id_number"] == "8945613"
    sr = sm.ServiceRequest.objects.get(number=data["number"])
    assert sr.response_accepted_date == sr.created_date
