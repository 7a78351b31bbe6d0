"""``service_requests/update`` through real requests: an absent parameter keeps its value
and null clears it, what can neither be cleared nor changed, the derived fields computed
again, and the restrictions of each field (contract section 3, reference section 2.6). Every
refused update changes nothing."""

from __future__ import annotations

import pytest

from servicerequests import models as sm
from tests.factories import (
    ServiceRequestCategoryFactory,
)
from tests.servicerequests.helpers import (
    ADMIN,
    MD,
    RELATIVE,
    SR,
    S,
    assert_update_refused,
    create,
    events,
    make_sr,
    snapshot,
    update,
)

pytestmark = pytest.mark.django_db

# -- update: absent versus null -----------------------------------------------------------------


def changed_columns(before: dict, after: dict) -> set[str]:
    return {name for name in before["row"] if before["row"][name] != after["row"][name]}


def assert_changed(before: dict, after: dict, columns: set[str]) -> None:
    """Exactly ``columns`` changed, besides the update stamp."""
    changed = changed_columns(before, after)
    assert "updated_date" in changed
    assert changed - {"updated_date", "updated_by_user_id", "updated_by_unit_id"} == columns


def test_update_with_nothing_but_the_identifier_changes_nothing_but_the_stamp(api, rich):
    before = snapshot(rich["number"])
    response = update(api, rich["number"])
    assert response.status_code == 200
    after = snapshot(rich["number"])
    assert_changed(before, after, set())
    assert {k: v for k, v in after.items() if k not in ("row", "events")} == {
        k: v for k, v in before.items() if k not in ("row", "events")
    }
    assert after["events"] == before["events"] + 1
    assert events(rich["number"])[-1] == (
        "update",
        "PENDING",
        "PENDING",
        "Pending",
        "Pending",
        "MPAdministrator",
        "Admin Unit",
    )


def test_update_changes_only_what_is_given(api, rich):
    before = snapshot(rich["number"])
    data = update(api, rich["number"], description="Still no signal", udf_string_2="two").data
    after = snapshot(rich["number"])
    assert_changed(before, after, {"description", "udf_string_2"})
    assert (data["description"], data["udf_string_2"], data["notes"]) == (
        "Still no signal",
        "two",
        "Called twice",
    )
    event = sm.ServiceRequestEvent.objects.filter(service_request__number=rich["number"]).last()
    assert event.changes == {
        "fields": [
            {
                "name": "description",
                "label": "Description",
                "old": "No signal",
                "new": "Still no signal",
            },
            {"name": "udf_string_2", "label": "User-defined string 2", "old": "—", "new": "two"},
        ]
    }


@pytest.mark.parametrize(
    ("param", "field", "columns", "cleared"),
    [
        ("caller_email", "caller_email", {"caller_email"}, None),
        ("caller_phone", "caller_phone", {"caller_phone"}, None),
        ("description", "description", {"description"}, None),
        ("notes", "notes", {"notes"}, None),
        ("owned_by_group_identifier", "owned_by_group", {"owned_by_group_id"}, None),
        ("privacy_level_identifier", "privacy_level", {"privacy_level_id"}, None),
        ("assigned_to", "assigned_to", {"assigned_to_user_id", "assigned_to_unit_id"}, None),
        ("referring_to", "referring_to", {"referring_to_subscription_id"}, None),
        ("udf_string_1", "udf_string_1", {"udf_string_1"}, None),
        ("udf_float_1", "udf_float_1", {"udf_float_1"}, None),
        ("udf_date_1", "udf_date_1", {"udf_date_1"}, None),
        (
            "expected_completion_date",
            "estimated_completion_time",
            # The at-risk moment (contract section 8) follows the target it belongs to.
            {
                "expected_completion_date",
                "estimated_completion_value",
                "estimated_completion_uot",
                "sla_at_risk_date",
            },
            {"time_period_value": None, "time_period_uot": None},
        ),
        (
            "estimated_completion_time",
            "estimated_completion_time",
            # The at-risk moment (contract section 8) follows the target it belongs to.
            {
                "expected_completion_date",
                "estimated_completion_value",
                "estimated_completion_uot",
                "sla_at_risk_date",
            },
            {"time_period_value": None, "time_period_uot": None},
        ),
    ],
)
def test_update_null_clears(api, rich, param, field, columns, cleared):
    before = snapshot(rich["number"])
    response = update(api, rich["number"], **{param: None})
    assert response.status_code == 200, response.body
    assert response.data[field] == cleared
    after = snapshot(rich["number"])
    assert_changed(before, after, columns)
    assert all(after["row"][c] is None for c in columns)
    assert after["events"] == before["events"] + 1
    if field == "estimated_completion_time":
        assert response.data["expected_completion_date"] is None
        assert response.data["time_to_completion"] == {
            "time_period_value": None,
            "time_period_uot": None,
        }


@pytest.mark.parametrize(
    "param", ["category_identifier", "urgency_level", "impact_level", "start_date"]
)
def test_update_refuses_null_on_what_cannot_be_cleared(api, rich, param):
    assert_update_refused(api, rich["number"], 400, "INVALID_PARAMETER", param, **{param: None})


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("type_identifier", {"name": "Customer Complaint"}),
        ("accounts_receivable_identifier", {"number": "ACR001179"}),
        ("contact_information_identifier", RELATIVE),
        ("caller_identifier", RELATIVE),
        ("priority", "P1"),
        ("life_cycle_state", "COMPLETED"),
        ("number", "SR1"),
    ],
)
def test_update_refuses_what_cannot_change(api, rich, param, value):
    assert_update_refused(api, rich["number"], 400, "INVALID_PARAMETER", param, **{param: value})


def test_update_cannot_clear_the_email_a_type_needs(api, demo):
    data = create(api, type_identifier={"name": "Customer Complaint"})
    assert_update_refused(
        api, data["number"], 400, "MISSING_MANDATORY_PARAMETER", "caller_email", caller_email=None
    )


# -- update: derived fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "priority"),
    [
        ({"impact_level": "IMPACT1", "urgency_level": "URGENCY1"}, "P1"),
        ({"urgency_level": "URGENCY3"}, "P4"),
        ({"impact_level": "IMPACT1"}, "P2"),
        ({"impact_level": "CUSTOM2"}, None),
    ],
)
def test_update_recomputes_the_priority(api, rich, given, priority):
    before = snapshot(rich["number"])
    data = update(api, rich["number"], **given).data
    assert data["priority"] == priority
    # The expected completion the request already has stays.
    assert data["expected_completion_date"] == "2030-01-03T10:00:00"
    assert_changed(before, snapshot(rich["number"]), {*given, "priority"})


@pytest.mark.parametrize(
    ("given", "expected", "estimated"),
    [
        ({"start_date": "2030-01-05T10:00:00"}, "2030-01-07T10:00:00", (2, "DAYS")),
        (
            {"estimated_completion_time": {"time_period_value": 3, "time_period_uot": "HOURS"}},
            "2030-01-01T13:00:00",
            (3, "HOURS"),
        ),
        ({"expected_completion_date": "2030-01-15T10:00:00"}, "2030-01-15T10:00:00", (2, "WEEKS")),
        (
            {
                "start_date": "2029-12-31T10:00:00",
                "expected_completion_date": "2030-01-01T10:00:00",
            },
            "2030-01-01T10:00:00",
            (1, "DAYS"),
        ),
    ],
)
def test_update_rederives_the_completion_fields(api, rich, given, expected, estimated):
    data = update(api, rich["number"], **given).data
    assert data["expected_completion_date"] == expected
    assert data["estimated_completion_time"] == {
        "time_period_value": estimated[0],
        "time_period_uot": estimated[1],
    }


@pytest.mark.parametrize(
    ("body", "status", "code", "param"),
    [
        (
            {
                "expected_completion_date": "2030-01-15T10:00:00",
                "estimated_completion_time": {"time_period_value": 3, "time_period_uot": "HOURS"},
            },
            400,
            "INVALID_PARAMETER",
            "estimated_completion_time",
        ),
        (
            {"expected_completion_date": "2029-12-31T10:00:00"},
            400,
            "INVALID_PARAMETER",
            "expected_completion_date",
        ),
        ({"category_identifier": {"code": "NOPE"}}, 404, "ENTITY_NOT_FOUND", "category_identifier"),
        ({"urgency_level": "URGENT"}, 400, "INVALID_PARAMETER", "urgency_level"),
        ({"caller_email": "nope"}, 400, "INVALID_PARAMETER", "caller_email"),
        (
            {"referring_to": {"subscription_identifier": {"number": "S60992"}}},
            422,
            "VALIDATION_ERROR",
            "referring_to.subscription_identifier",
        ),
        (
            {"assigned_to": {"user_identifier": ADMIN, "unit_identifier": {"name": "Other"}}},
            404,
            "ENTITY_NOT_FOUND",
            "assigned_to.unit_identifier",
        ),
        ({SR: {"number": "SR99999999"}}, 404, "ENTITY_NOT_FOUND", SR),
        ({SR: None}, 400, "MISSING_MANDATORY_PARAMETER", SR),
    ],
)
def test_update_restrictions(api, rich, body, status, code, param):
    assert_update_refused(api, rich["number"], status, code, param, **body)


def test_update_category_must_be_allowed_for_the_type(api, rich):
    foreign = ServiceRequestCategoryFactory()
    assert_update_refused(
        api,
        rich["number"],
        422,
        "VALIDATION_ERROR",
        "category_identifier",
        category_identifier={"id": foreign.id},
        description="not saved either",
    )
    data = update(api, rich["number"], category_identifier={"name": "Billing Enquiry"}).data
    assert data["category"]["code"] == "BILL"


def test_update_assigns_a_user_of_the_unit_only(api, rich, demo):
    from tests.factories import UnitFactory

    unit = UnitFactory()
    assert_update_refused(
        api,
        rich["number"],
        422,
        "VALIDATION_ERROR",
        "assigned_to",
        assigned_to={"user_identifier": ADMIN, "unit_identifier": {"id": unit.id}},
    )
    data = update(api, rich["number"], assigned_to={"unit_identifier": {"id": unit.id}}).data
    assert data["assigned_to"]["user"] is None
    assert data["assigned_to"]["unit"]["id"] == unit.id


@pytest.mark.parametrize("state", [S.COMPLETED, S.CANCELLED])
def test_closed_requests_cannot_be_updated(api, demo, state):
    sr = make_sr(state)
    assert_update_refused(
        api, sr.number, 409, "INVALID_LIFE_CYCLE_STATE", SR, description="Too late"
    )
    assert_update_refused(
        api,
        sr.number,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        services_set=[{"action": "ADD", "product_identifier": MD}],
    )
