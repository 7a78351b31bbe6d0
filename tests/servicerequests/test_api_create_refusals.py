"""``service_requests/create`` refused: the caller, status and category the type allows,
every missing or invalid parameter, completions beyond the calendar (and the same limit on
``update``), a body that is no JSON object and what ``referring_to`` may name (contract
section 3, reference section 2.5). Every refused create writes nothing."""

from __future__ import annotations

import pytest

from tests.factories import (
    ContactFactory,
    ServiceRequestCategoryFactory,
    ServiceRequestStatusFactory,
)
from tests.servicerequests.helpers import (
    START,
    STRANGER,
    S,
    assert_create_refused,
    assert_error,
    assert_update_refused,
    create,
    create_body,
    make_job,
    post_create,
    totals,
)

pytestmark = pytest.mark.django_db

# -- create: restrictions ------------------------------------------------------------------------


def test_caller_must_be_the_owner_or_a_related_contact(api, demo):
    assert_create_refused(
        api,
        422,
        "VALIDATION_ERROR",
        "contact_information_identifier",
        contact_information_identifier=STRANGER,
    )
    unrelated = ContactFactory()
    assert_create_refused(
        api,
        422,
        "VALIDATION_ERROR",
        "contact_information_identifier",
        contact_information_identifier={"id": unrelated.id},
    )
    # The owner of the other account calls about her own account.
    data = create(
        api,
        accounts_receivable_identifier={"number": "ACR001179"},
        contact_information_identifier=STRANGER,
    )
    assert data["accounts_receivable"]["number"] == "ACR001179"


def test_status_must_be_allowed_for_the_type(api, demo):
    foreign = ServiceRequestStatusFactory(life_cycle_state=S.PENDING)
    assert_create_refused(
        api, 422, "VALIDATION_ERROR", "status_identifier", status_identifier={"id": foreign.id}
    )
    waiting = create(api, status_identifier={"alternative_code": "WFC"})
    assert (waiting["life_cycle_state"], waiting["status"]["name"]) == (
        "PENDING",
        "Waiting for Customer",
    )


def test_category_must_be_allowed_for_the_type(api, demo):
    foreign = ServiceRequestCategoryFactory()
    assert_create_refused(
        api, 422, "VALIDATION_ERROR", "category_identifier", category_identifier={"id": foreign.id}
    )


@pytest.mark.parametrize(
    ("overrides", "status", "code", "param"),
    [
        ({"type_identifier": None}, 400, "MISSING_MANDATORY_PARAMETER", "type_identifier"),
        (
            {"accounts_receivable_identifier": None},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "accounts_receivable_identifier",
        ),
        ({"status_identifier": None}, 400, "MISSING_MANDATORY_PARAMETER", "status_identifier"),
        ({"category_identifier": None}, 400, "MISSING_MANDATORY_PARAMETER", "category_identifier"),
        ({"urgency_level": None}, 400, "MISSING_MANDATORY_PARAMETER", "urgency_level"),
        ({"impact_level": None}, 400, "MISSING_MANDATORY_PARAMETER", "impact_level"),
        ({"urgency_level": "URGENCY9"}, 400, "INVALID_PARAMETER", "urgency_level"),
        ({"impact_level": "IMPACT1 "}, 200, "OK", None),
        ({"impact_level": 1}, 400, "INVALID_PARAMETER", "impact_level"),
        ({"type_identifier": {"name": "Nope"}}, 404, "ENTITY_NOT_FOUND", "type_identifier"),
        (
            {"type_identifier": {"name": "Technical Support", "alternative_code": "TS"}},
            400,
            "INVALID_IDENTIFIER",
            "type_identifier",
        ),
        ({"type_identifier": {"code": "TS"}}, 400, "INVALID_IDENTIFIER", "type_identifier"),
        ({"type_identifier": "Technical Support"}, 400, "INVALID_PARAMETER", "type_identifier"),
        (
            {"accounts_receivable_identifier": {"number": "ACR000000"}},
            404,
            "ENTITY_NOT_FOUND",
            "accounts_receivable_identifier",
        ),
        (
            {"contact_information_identifier": {"id_number": "0"}},
            404,
            "ENTITY_NOT_FOUND",
            "contact_information_identifier",
        ),
        (
            {"status_identifier": {"name": "Responded"}},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "response",
        ),
        ({"caller_email": "not an email"}, 400, "INVALID_PARAMETER", "caller_email"),
        ({"start_date": "2030-02-30T10:00:00"}, 400, "INVALID_PARAMETER", "start_date"),
        ({"start_date": "tomorrow"}, 400, "INVALID_PARAMETER", "start_date"),
        ({"udf_float_1": "many"}, 400, "INVALID_PARAMETER", "udf_float_1"),
        ({"udf_string_9": "x"}, 400, "INVALID_PARAMETER", "udf_string_9"),
        ({"priority": "P1"}, 400, "INVALID_PARAMETER", "priority"),
        ({"fields_set": "number,colour"}, 400, "INVALID_PARAMETER", "fields_set"),
        (
            {"owned_by_group_identifier": {"name": "Nope"}},
            404,
            "ENTITY_NOT_FOUND",
            "owned_by_group_identifier",
        ),
        (
            {"privacy_level_identifier": {"number": "9"}},
            404,
            "ENTITY_NOT_FOUND",
            "privacy_level_identifier",
        ),
        (
            {"assigned_to": {"user_identifier": {"username": "nobody"}}},
            404,
            "ENTITY_NOT_FOUND",
            "assigned_to.user_identifier",
        ),
        (
            {"referring_to": {"subscription_identifier": {"number": "S60992"}}},
            422,
            "VALIDATION_ERROR",
            "referring_to.subscription_identifier",
        ),
        (
            {"referring_to": {"subscription_identifier": {"number": "S0"}}},
            404,
            "ENTITY_NOT_FOUND",
            "referring_to.subscription_identifier",
        ),
        (
            {"expected_completion_date": START},
            400,
            "INVALID_PARAMETER",
            "expected_completion_date",
        ),
        (
            {
                "expected_completion_date": "2030-01-03T10:00:00",
                "estimated_completion_time": {"time_period_value": 2, "time_period_uot": "DAYS"},
            },
            400,
            "INVALID_PARAMETER",
            "estimated_completion_time",
        ),
        (
            {"estimated_completion_time": {"time_period_value": 2, "time_period_uot": "DECADES"}},
            400,
            "INVALID_PARAMETER",
            "estimated_completion_time.time_period_uot",
        ),
        (
            {"estimated_completion_time": {"time_period_value": 2}},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "estimated_completion_time.time_period_uot",
        ),
    ],
)
def test_create_restrictions(api, demo, overrides, status, code, param):
    overrides = {"start_date": START, **overrides}
    if status == 200:
        assert post_create(api, **overrides).status_code == 200
        return
    body = create_body(**overrides)
    body = {k: v for k, v in body.items() if v is not None or k not in overrides}
    before = totals()
    assert_error(api.post("service_requests/create", body), status, code, param)
    assert totals() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_date": "9999-12-31T20:00:00"},
        {"estimated_completion_time": {"time_period_value": 100000, "time_period_uot": "YEARS"}},
    ],
)
def test_create_with_a_completion_beyond_the_calendar(api, demo, overrides):
    assert_create_refused(api, 400, "INVALID_PARAMETER", None, **overrides)


def test_update_with_a_completion_beyond_the_calendar(api, demo):
    number = create(api)["number"]
    assert_update_refused(
        api,
        number,
        400,
        "INVALID_PARAMETER",
        "estimated_completion_time",
        estimated_completion_time={"time_period_value": 100000, "time_period_uot": "YEARS"},
    )


def test_create_body_must_be_a_json_object(api, demo):
    before = totals()
    assert_error(api.post("service_requests/create", raw=b"[1, 2]"), 400, "INVALID_PARAMETER")
    assert_error(api.post("service_requests/create", raw=b"{oops"), 400, "INVALID_PARAMETER")
    assert totals() == before


def test_referring_to_a_job_or_a_subscription_of_the_same_account(api, demo):
    job, foreign_job = make_job(), make_job("ACR001179")
    assert_create_refused(
        api,
        400,
        "INVALID_PARAMETER",
        "referring_to",
        referring_to={
            "subscription_identifier": {"number": "S60993"},
            "job_identifier": {"number": job.number},
        },
    )
    assert_create_refused(
        api,
        422,
        "VALIDATION_ERROR",
        "referring_to.job_identifier",
        referring_to={"job_identifier": {"id": foreign_job.id}},
    )
    data = create(api, referring_to={"job_identifier": {"number": job.number}})
    assert data["referring_to"]["subscription"] is None
    assert data["referring_to"]["job"]["number"] == job.number
    assert data["referring_to"]["job"]["type"]["name"] == "Deactivate Subscription"
