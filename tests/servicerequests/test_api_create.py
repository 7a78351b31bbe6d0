"""``service_requests/create`` through real requests: the defaults a minimal body takes,
the fields derived from one another (priority, expected and estimated completion) and every
plain field (contract section 3, reference section 2.5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import AccountsReceivable
from servicerequests import models as sm
from tests.factories import (
    ContactFactory,
)
from tests.servicerequests.helpers import (
    RELATIVE,
    START,
    assert_create_refused,
    create,
    events,
)

pytestmark = pytest.mark.django_db

# -- create: defaults and derived fields ---------------------------------------------------------


def test_create_minimal_takes_every_default(api, demo):
    before = timezone.now()
    data = create(api)
    sr = sm.ServiceRequest.objects.get(number=data["number"])
    assert data["number"] == "SR00000001"
    assert data["life_cycle_state"] == "PENDING"
    assert data["status"]["name"] == "Pending"
    assert data["caller"]["id"] == "EE621BE231714DFE8CE370261BF6DB25"  # the account owner
    assert data["caller_email"] == "m_antoniadou@crm.com"  # the caller's
    assert data["caller_phone"] == "99848484"
    assert data["priority"] == "P3"  # IMPACT2 + URGENCY2 - 1
    assert data["estimated_completion_time"] == {
        "time_period_value": 72,
        "time_period_uot": "HOURS",
    }
    assert before <= sr.start_date <= timezone.now()
    assert sr.expected_completion_date == sr.start_date + timedelta(hours=72)
    for name in ("description", "notes", "owned_by_group", "privacy_level", "assigned_to"):
        assert data[name] is None
    assert data["referring_to"] is None
    assert data["services_set"] == data["physical_goods_set"] == []
    assert data["related_service_requests_set"] == []
    assert data["log_information"]["created_by_user"]["username"] == "MPAdministrator"
    assert events(data["number"]) == [
        ("create", None, "PENDING", None, "Pending", "MPAdministrator", "Admin Unit")
    ]
    event = sm.ServiceRequestEvent.objects.get(service_request=sr)
    assert event.created_at == sr.created_date


def test_create_numbers_follow_each_other(api, demo):
    assert [create(api)["number"] for _ in range(3)] == ["SR00000001", "SR00000002", "SR00000003"]


@pytest.mark.parametrize(
    ("impact", "urgency", "priority", "estimated", "expected"),
    [
        ("IMPACT1", "URGENCY1", "P1", (4, "HOURS"), "2030-01-01T14:00:00"),
        ("IMPACT2", "URGENCY1", "P2", (24, "HOURS"), "2030-01-02T10:00:00"),
        ("IMPACT1", "URGENCY3", "P3", (72, "HOURS"), "2030-01-04T10:00:00"),
        ("IMPACT3", "URGENCY2", "P4", (120, "HOURS"), "2030-01-06T10:00:00"),
        ("IMPACT3", "URGENCY3", "P5", (240, "HOURS"), "2030-01-11T10:00:00"),
        # Outside the matrix: no priority, the type's default estimated time.
        ("CUSTOM1", "URGENCY1", None, (3, "DAYS"), "2030-01-04T10:00:00"),
    ],
)
def test_priority_from_the_matrix_sets_the_completion_target(
    api, demo, impact, urgency, priority, estimated, expected
):
    data = create(api, impact_level=impact, urgency_level=urgency, start_date=START)
    assert data["priority"] == priority
    assert data["estimated_completion_time"] == {
        "time_period_value": estimated[0],
        "time_period_uot": estimated[1],
    }
    assert data["start_date"] == START
    assert data["expected_completion_date"] == expected


def test_levels_are_read_case_insensitively(api, demo):
    data = create(api, impact_level="impact1", urgency_level="Urgency2")
    assert (data["impact_level"], data["urgency_level"], data["priority"]) == (
        "IMPACT1",
        "URGENCY2",
        "P2",
    )


@pytest.mark.parametrize(
    ("given", "expected", "estimated"),
    [
        ({"expected_completion_date": "2030-01-03T10:00:00"}, "2030-01-03T10:00:00", (2, "DAYS")),
        ({"expected_completion_date": "2030-01-01T16:59:59"}, "2030-01-01T16:59:59", (6, "HOURS")),
        (
            {"expected_completion_date": "2030-01-03T12:00:00+02:00"},
            "2030-01-03T10:00:00",
            (2, "DAYS"),
        ),
        (
            {"estimated_completion_time": {"time_period_value": 5, "time_period_uot": "DAYS"}},
            "2030-01-06T10:00:00",
            (5, "DAYS"),
        ),
        (
            {"estimated_completion_time": {"time_period_value": 90, "time_period_uot": "minutes"}},
            "2030-01-01T11:30:00",
            (90, "MINUTES"),
        ),
        (
            {"estimated_completion_time": {"time_period_value": 1, "time_period_uot": "MONTHS"}},
            "2030-02-01T10:00:00",
            (1, "MONTHS"),
        ),
    ],
)
def test_expected_and_estimated_completion_derive_each_other(api, demo, given, expected, estimated):
    data = create(api, start_date=START, **given)
    assert data["expected_completion_date"] == expected
    assert data["estimated_completion_time"] == {
        "time_period_value": estimated[0],
        "time_period_uot": estimated[1],
    }


def test_a_month_from_the_last_day_of_january_is_the_last_day_of_february(api, demo):
    data = create(
        api,
        start_date="2030-01-31T10:00:00",
        estimated_completion_time={"time_period_value": 1, "time_period_uot": "MONTHS"},
    )
    assert data["expected_completion_date"] == "2030-02-28T10:00:00"


def test_create_with_every_plain_field(api, demo):
    data = create(
        api,
        contact_information_identifier=RELATIVE,
        caller_email=" andreas@example.com ",
        caller_phone="99000001",
        description="No signal",
        notes="Called twice",
        owned_by_group_identifier={"alternative_code": "MG1"},
        privacy_level_identifier={"name": "Restricted"},
        assigned_to={"unit_identifier": {"name": "Admin Unit"}},
        referring_to={"subscription_identifier": {"number": "S60993"}},
        udf_string_8="eight",
        udf_float_4=4,
        udf_date_1="2030-03-01",
    )
    assert data["caller"]["demographics"]["id_number"] == "8945613"
    assert data["caller_email"] == "andreas@example.com"
    assert data["caller_phone"] == "99000001"
    assert (data["description"], data["notes"]) == ("No signal", "Called twice")
    assert data["owned_by_group"]["name"] == "Main Group"
    assert data["privacy_level"]["name"] == "Restricted"
    assert data["assigned_to"]["user"] is None
    assert data["assigned_to"]["unit"]["name"] == "Admin Unit"
    assert data["referring_to"]["subscription"]["number"] == "S60993"
    assert (data["udf_string_8"], data["udf_float_4"], data["udf_date_1"]) == (
        "eight",
        4.0,
        "2030-03-01T00:00:00",
    )


def test_caller_defaults_to_the_callers_email_only_when_not_given(api, demo):
    assert create(api, caller_email="x@example.com")["caller_email"] == "x@example.com"
    related = create(api, contact_information_identifier=RELATIVE)
    assert (related["caller_email"], related["caller_phone"]) == ("a_anton@crm.com", "99848485")


def test_customer_complaint_needs_a_caller_email(api, demo):
    silent = ContactFactory(email="")
    AccountsReceivable.objects.get(number="ACR001143").related_contacts.add(silent)
    complaint = {"type_identifier": {"name": "Customer Complaint"}}
    assert_create_refused(
        api,
        400,
        "MISSING_MANDATORY_PARAMETER",
        "caller_email",
        contact_information_identifier={"id": silent.id},
        **complaint,
    )
    given = create(
        api,
        contact_information_identifier={"id": silent.id},
        caller_email="c@example.com",
        **complaint,
    )
    assert given["caller_email"] == "c@example.com"
    # The owner has an email on file: it is the default.
    assert create(api, **complaint)["caller_email"] == "m_antoniadou@crm.com"
    # Technical Support does not email: no email at all is fine.
    plain = create(api, contact_information_identifier={"id": silent.id})
    assert plain["caller_email"] is None
