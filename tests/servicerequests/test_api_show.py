"""``service_requests/show`` through real requests: every field of the object in order, the
values of a full request, lookups by id, ``fields_set``, the periods computed at read time, the
step objects and the errors (contract sections 2 and 3, reference section 2.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.api.formats import format_datetime
from servicerequests import models as sm
from tests.servicerequests.helpers import (
    ADMIN,
    ALL_FIELDS,
    RELATIVE,
    SR,
    S,
    assert_error,
    create,
    make_sr,
    show,
)

pytestmark = pytest.mark.django_db

NULL_PERIOD = {"time_period_value": None, "time_period_uot": None}


# -- show ---------------------------------------------------------------------------------------


@pytest.fixture
def full(api, demo) -> dict:
    """A request created with every optional field given."""
    other = create(api, description="The other one")
    return create(
        api,
        contact_information_identifier=RELATIVE,
        caller_email="andreas@example.com",
        caller_phone="99000001",
        description="No signal",
        notes="Called twice",
        urgency_level="URGENCY1",
        impact_level="IMPACT1",
        owned_by_group_identifier={"name": "Main Group"},
        privacy_level_identifier={"number": "1"},
        assigned_to={"user_identifier": ADMIN},
        start_date="2030-01-01T10:00:00",
        estimated_completion_time={"time_period_value": 2, "time_period_uot": "DAYS"},
        referring_to={"subscription_identifier": {"number": "S60993"}},
        services_set=[{"product_identifier": {"code": "Material Delivery"}}],
        physical_goods_set=[{"product_identifier": {"code": "Decoders 1"}, "serial_number": "SN1"}],
        related_service_requests_set=[
            {"service_request_identifier": {"number": other["number"]}, "description": "Same"}
        ],
        udf_string_1="text",
        udf_float_2=2.5,
        udf_date_3="2030-02-01T08:30:00",
    )


def test_show_returns_every_field_in_order(api, full):
    response = show(api, full["number"])
    assert response.status_code == 200
    assert response.body["status"] == {"code": "OK", "message": "", "description": ""}
    assert list(response.data) == ALL_FIELDS
    assert response.data == full  # create answers with the same object


def test_show_values_of_a_full_request(api, full, demo):
    sr = sm.ServiceRequest.objects.get(number=full["number"])
    data = show(api, full["number"]).data
    assert data["id"] == sr.id
    assert data["number"] == sr.number
    assert data["life_cycle_state"] == "PENDING"
    assert data["type"] == {
        "id": sr.type_id,
        "name": "Technical Support",
        "alternative_code": "TS",
        "description": "Faults and technical questions",
    }
    assert data["status"] == {
        "id": sr.status_id,
        "name": "Pending",
        "alternative_code": "PEN",
        "description": None,
        "life_cycle_state": "PENDING",
    }
    assert data["category"] == {
        "id": sr.category_id,
        "name": "Technical Issue",
        "code": "TECH",
        "description": None,
        "requires_customer_acceptance": False,
    }
    assert data["accounts_receivable"]["number"] == "ACR001143"
    assert data["accounts_receivable"]["account_owner"]["demographics"]["id_number"] == "8945612"
    assert data["caller"]["id"] == "0D0D6C1F6A4B4F1E9D2C3B4A59687766"
    assert data["caller"]["name"] == "Anton Andreas"
    assert (data["caller_email"], data["caller_phone"]) == ("andreas@example.com", "99000001")
    assert (data["description"], data["notes"]) == ("No signal", "Called twice")
    assert (data["urgency_level"], data["impact_level"], data["priority"]) == (
        "URGENCY1",
        "IMPACT1",
        "P1",
    )
    assert data["owned_by_group"] == {
        "id": demo["group"].id,
        "name": "Main Group",
        "alternative_code": "MG1",
        "description": "Main Group",
        "community_name": "Internal Community",
    }
    assert data["privacy_level"] == {
        "id": demo["public"].id,
        "name": "Public",
        "number": 1,
        "description": "",
    }
    assert data["assigned_to"]["user"] == {
        "id": demo["admin"].id,
        "username": "MPAdministrator",
        "person_name": "Marios Lannister",
        "email": "sakkascy1986@hotmail.com",
    }
    assert data["assigned_to"]["unit"]["name"] == "Admin Unit"  # the user's default unit
    assert data["start_date"] == "2030-01-01T10:00:00"
    assert data["expected_completion_date"] == "2030-01-03T10:00:00"
    assert data["estimated_completion_time"] == {"time_period_value": 2, "time_period_uot": "DAYS"}
    assert data["time_overdue"] == NULL_PERIOD
    assert data["approaching_completion"] is None
    assert data["referring_to"]["job"] is None
    assert data["referring_to"]["subscription"]["number"] == "S60993"
    assert data["response"] is None
    assert data["temporary_resolution"] is None
    assert data["final_resolution"] is None
    assert data["cancellation_reason"] is None
    assert [(s["id"], s["product"]["code"]) for s in data["services_set"]] == [
        (sr.services.get().id, "Material Delivery")
    ]
    assert [
        (g["id"], g["product"]["code"], g["serial_number"]) for g in data["physical_goods_set"]
    ] == [(sr.physical_goods.get().id, "Decoders 1", "SN1")]
    relation = sr.relations.get()
    assert data["related_service_requests_set"] == [
        {
            "id": relation.id,
            "service_request": {
                "id": relation.related_id,
                "number": relation.related.number,
                "description": "The other one",
                "life_cycle_state": "PENDING",
                "type": data["type"],
                "status": data["status"],
                "start_date": format_datetime(relation.related.start_date),
                "expected_completion_date": format_datetime(
                    relation.related.start_date + timedelta(hours=72)
                ),
            },
            "description": "Same",
        }
    ]
    assert (data["udf_string_1"], data["udf_float_2"], data["udf_date_3"]) == (
        "text",
        2.5,
        "2030-02-01T08:30:00",
    )
    assert data["udf_string_2"] is None
    log = data["log_information"]
    assert log["created_by_user"]["username"] == "MPAdministrator"
    assert log["created_by_unit"]["name"] == "Admin Unit"
    assert log["created_date"] == log["updated_date"]


def test_show_by_id_in_any_case(api, demo):
    sr = make_sr()
    for value in (sr.id, sr.id.lower()):
        response = api.get("service_requests/show", {SR: f"id={value}", "fields_set": "id,number"})
        assert response.data == {"id": sr.id, "number": sr.number}


def test_show_fields_set_returns_exactly_those_keys(api, demo):
    sr = make_sr()
    response = show(api, sr.number, "number, life_cycle_state,priority,number")
    assert response.data == {"number": sr.number, "life_cycle_state": "PENDING", "priority": None}


def test_time_to_completion_and_overdue_are_computed_at_read_time(api, demo):
    now = timezone.now()
    due = make_sr(expected_completion_date=now + timedelta(days=5, hours=1))
    late = make_sr(expected_completion_date=now - timedelta(days=2, hours=1))
    closed = make_sr(S.COMPLETED, expected_completion_date=now - timedelta(days=2, hours=1))
    fields = "time_to_completion,time_overdue"
    assert show(api, due.number, fields).data == {
        "time_to_completion": {"time_period_value": 5, "time_period_uot": "DAYS"},
        "time_overdue": NULL_PERIOD,
    }
    assert show(api, late.number, fields).data == {
        "time_to_completion": NULL_PERIOD,
        "time_overdue": {"time_period_value": 2, "time_period_uot": "DAYS"},
    }
    assert show(api, closed.number, fields).data == {
        "time_to_completion": NULL_PERIOD,
        "time_overdue": NULL_PERIOD,
    }


def test_show_step_objects(api, demo):
    sr = make_sr(S.FINAL_RESOLVED, temporary="WORK", accepted=("temporary_resolution",))
    data = show(api, sr.number, "response,temporary_resolution,final_resolution").data
    date = data["response"]["response_date"]
    admin = {
        "id": demo["admin"].id,
        "username": "MPAdministrator",
        "person_name": "Marios Lannister",
    }
    assert data["response"] == {
        "category": {
            "id": sr.response_category_id,
            "name": "Acknowledged",
            "code": "ACK",
            "description": None,
            "requires_customer_acceptance": False,
        },
        "responded_by": admin,
        "response_date": date,
        "description": None,
        "accepted_by": None,
        "accepted_date": None,
        "accepted_via": None,
    }
    temporary = data["temporary_resolution"]
    assert temporary["category"]["code"] == "WORK"
    assert temporary["category"]["requires_customer_acceptance"] is True
    assert temporary["temporary_resolved_by"] == admin
    assert temporary["temporary_resolution_date"] == date
    assert temporary["accepted_by"]["id"] == "EE621BE231714DFE8CE370261BF6DB25"
    assert temporary["accepted_date"] == date
    assert temporary["accepted_via"] == "STAFF"
    assert data["final_resolution"]["category"]["code"] == "RSLV"
    assert data["final_resolution"]["final_resolved_by"] == admin
    assert data["final_resolution"]["accepted_by"] is None


@pytest.mark.parametrize(
    ("params", "status", "code", "param"),
    [
        ({}, 400, "MISSING_MANDATORY_PARAMETER", SR),
        ({SR: "number=SR99999999"}, 404, "ENTITY_NOT_FOUND", SR),
        ({SR: "id=0123456789ABCDEF0123456789ABCDEF"}, 404, "ENTITY_NOT_FOUND", SR),
        ({SR: "code=SR1"}, 400, "INVALID_IDENTIFIER", SR),
        ({SR: "SR00000001"}, 400, "INVALID_IDENTIFIER", SR),
        (
            {SR: "number=SR00000001", "fields_set": "number,colour"},
            400,
            "INVALID_PARAMETER",
            "fields_set",
        ),
        ({SR: "number=SR00000001", "colour": "red"}, 400, "INVALID_PARAMETER", "colour"),
    ],
)
def test_show_errors(api, demo, params, status, code, param):
    make_sr()  # SR00000001
    assert_error(api.get("service_requests/show", params), status, code, param)


def test_show_identifier_with_two_keys_is_invalid(api, demo):
    sr = make_sr()
    response = api.get("service_requests/show", {SR: [f"number={sr.number}", f"id={sr.id}"]})
    assert_error(response, 400, "INVALID_IDENTIFIER", SR)


def test_show_without_token_is_invalid_token(anon_api, demo):
    sr = make_sr()
    assert_error(show(anon_api, sr.number), 401, "INVALID_TOKEN")
