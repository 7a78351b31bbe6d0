"""Create and update rules of deactivate-subscription jobs (reference sections 3.4 and 3.5):
type, subscription, statuses, billing terms, completion dates, notes, assignment, ownership,
the service request link and what an update may clear."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.api.formats import format_datetime, parse_datetime
from crm.models import PrivacyLevel
from customers.models import Subscription
from jobs.models import (
    BillingTermScheme,
    FulfillmentScope,
    Job,
    JobBillingTerms,
    JobCategory,
    JobEvent,
    JobType,
    JobTypeStatus,
)
from tests.factories import (
    JobStatusFactory,
    JobTypeFactory,
    UnitFactory,
    make_service_request,
)
from tests.jobs.conftest import (
    BILLING,
    CREATE,
    DS_SHOW,
    UPDATE,
    create_body,
    job_ref,
    new_subscription,
    snapshot,
)

pytestmark = pytest.mark.django_db


def refused(response, status: int, code: str, param: str) -> None:
    assert (response.status_code, response.code, response.data) == (status, code, None)
    assert response.description.startswith(f"{param}:"), response.description


def nothing_created(api, body, status, code, param) -> None:
    before = Job.objects.count(), JobEvent.objects.count(), JobBillingTerms.objects.count()
    refused(api.post(CREATE, body), status, code, param)
    assert (
        Job.objects.count(),
        JobEvent.objects.count(),
        JobBillingTerms.objects.count(),
    ) == before


# -- create: what the job is for ----------------------------------------------------------------


def test_the_type_must_be_of_scope_deactivate_subscription(api):
    JobTypeFactory(name="Generic", fulfillment_scope=FulfillmentScope.GENERIC_PURPOSE)
    body = create_body(type_identifier={"name": "Generic"})
    nothing_created(api, body, 422, "VALIDATION_ERROR", "type_identifier")


def test_the_type_must_be_effective(api):
    JobType.objects.filter(name="Deactivate Subscription").update(life_cycle_state="NOT_EFFECTIVE")
    nothing_created(api, create_body(), 422, "VALIDATION_ERROR", "type_identifier")


def test_the_subscription_must_belong_to_the_account(api):
    body = create_body(subscription_identifier={"number": "S60992"})  # of ACR001179
    nothing_created(api, body, 422, "VALIDATION_ERROR", "subscription_identifier")


def test_the_subscription_must_be_effective(api):
    Subscription.objects.filter(number="S60993").update(life_cycle_state="NOT_EFFECTIVE")
    nothing_created(api, create_body(), 422, "VALIDATION_ERROR", "subscription_identifier")


@pytest.mark.parametrize(
    ("name", "status", "code", "param"),
    [
        ("type_identifier", {"name": "Nope"}, "ENTITY_NOT_FOUND", "type_identifier"),
        ("accounts_receivable_identifier", {"number": "X"}, "ENTITY_NOT_FOUND", "accounts"),
        ("subscription_identifier", {"number": "X"}, "ENTITY_NOT_FOUND", "subscription"),
        ("subscription_identifier", {"code": "X"}, "INVALID_IDENTIFIER", "subscription"),
        ("subscription_identifier", ..., "MISSING_MANDATORY_PARAMETER", "subscription"),
        ("assigned_to", ..., "MISSING_MANDATORY_PARAMETER", "assigned_to"),
        ("type_identifier", ..., "MISSING_MANDATORY_PARAMETER", "type_identifier"),
    ],
)
def test_identifiers_and_mandatory_parameters(api, name, status, code, param):
    response = api.post(CREATE, create_body(**{name: status}))
    assert response.code == code
    assert response.description.startswith(param)


def test_default_status_is_the_types_draft_default(api):
    data = api.post(CREATE, create_body(status_identifier=...)).data
    assert (data["life_cycle_state"], data["status"]["name"]) == ("DRAFT", "Draft")


@pytest.mark.parametrize("status", ["In Progress", "Completed", "Cancelled"])
def test_a_job_is_created_draft_or_pending_only(api, status):
    body = create_body(status_identifier={"name": status})
    nothing_created(api, body, 422, "VALIDATION_ERROR", "status_identifier")


def test_the_status_must_be_allowed_for_the_type(api):
    JobStatusFactory(name="Elsewhere", life_cycle_state="PENDING")
    body = create_body(status_identifier={"name": "Elsewhere"})
    nothing_created(api, body, 422, "VALIDATION_ERROR", "status_identifier")


def test_expiration_after_x_days(api):
    JobType.objects.filter(name="Deactivate Subscription").update(
        expiration_settings="X_DAYS_AFTER_JOB_CREATION", expiration_days=10
    )
    data = api.post(CREATE, create_body(fields_set="expiration_date,log_information")).data
    created = parse_datetime(data["log_information"]["created_date"])
    assert data["expiration_date"] == format_datetime(created + timedelta(days=10))


# -- billing terms ------------------------------------------------------------------------------


def test_billing_terms_are_mandatory_for_billable_types(api):
    nothing_created(
        api, create_body(billing_terms=...), 400, "MISSING_MANDATORY_PARAMETER", "billing_terms"
    )


def test_billing_terms_are_refused_for_other_types(api):
    JobType.objects.filter(name="Deactivate Subscription").update(billing_directive="NOT_BILLABLE")
    nothing_created(api, create_body(), 422, "VALIDATION_ERROR", "billing_terms")


def test_without_billing_terms_for_a_type_that_is_not_billable(api):
    JobType.objects.filter(name="Deactivate Subscription").update(billing_directive="NOT_BILLABLE")
    data = api.post(CREATE, create_body(billing_terms=...)).data
    assert data["billing_terms"] is None


@pytest.mark.parametrize(
    "member", ["billing_term_scheme_identifier", "price_plan_identifier", "agreement_date"]
)
def test_every_member_of_the_billing_terms_is_mandatory_on_create(api, member):
    terms = {k: v for k, v in BILLING.items() if k != member}
    body = create_body(billing_terms=terms)
    nothing_created(api, body, 400, "MISSING_MANDATORY_PARAMETER", f"billing_terms.{member}")


def test_the_scheme_must_be_allowed_by_the_type(api):
    BillingTermScheme.objects.create(code="OTHER", name="Other")
    terms = {**BILLING, "billing_term_scheme_identifier": {"code": "OTHER"}}
    body = create_body(billing_terms=terms)
    nothing_created(
        api, body, 422, "VALIDATION_ERROR", "billing_terms.billing_term_scheme_identifier"
    )


def test_the_scheme_must_be_effective(api):
    BillingTermScheme.objects.filter(code="PJBTS").update(life_cycle_state="TERMINATED")
    nothing_created(
        api, create_body(), 422, "VALIDATION_ERROR", "billing_terms.billing_term_scheme_identifier"
    )


def test_the_price_plan_must_belong_to_the_scheme(api):
    terms = {**BILLING, "price_plan_identifier": {"code": "Ad2"}}  # not one of PJBTS's
    body = create_body(billing_terms=terms)
    nothing_created(api, body, 422, "VALIDATION_ERROR", "billing_terms.price_plan_identifier")


def test_an_update_keeps_absent_billing_terms_members(api, make_job):
    job = make_job("DRAFT")
    terms = JobBillingTerms.objects.get(job=job)
    body = {**job_ref(job), "billing_terms": {"agreement_date": "2016-01-02T09:30:00"}}
    data = api.post(UPDATE, body).data["billing_terms"]
    assert data["id"] == terms.pk
    assert data["agreement_date"] == "2016-01-02T00:00:00"
    assert (data["billing_term_scheme"]["code"], data["price_plan"]["code"]) == ("PJBTS", "BPP0614")


def test_an_update_may_change_only_the_plan(api, make_job):
    job = make_job("PENDING")
    scheme = {"billing_term_scheme_identifier": {"code": "L Jobs All Price Plans"}}
    assert api.post(UPDATE, {**job_ref(job), "billing_terms": scheme}).code == "OK"
    plan = {"price_plan_identifier": {"code": "Ad2"}}
    data = api.post(UPDATE, {**job_ref(job), "billing_terms": plan}).data["billing_terms"]
    assert (data["billing_term_scheme"]["code"], data["price_plan"]["code"]) == (
        "L Jobs All Price Plans",
        "Ad2",
    )


def test_an_update_keeping_a_plan_outside_the_new_scheme_is_refused(api, make_job):
    job = make_job("PENDING")
    api.post(
        UPDATE,
        {
            **job_ref(job),
            "billing_terms": {
                "billing_term_scheme_identifier": {"code": "L Jobs All Price Plans"},
                "price_plan_identifier": {"code": "Ad2"},
            },
        },
    )
    before = snapshot(job)
    body = {**job_ref(job), "billing_terms": {"billing_term_scheme_identifier": {"code": "PJBTS"}}}
    refused(api.post(UPDATE, body), 422, "VALIDATION_ERROR", "billing_terms.price_plan_identifier")
    assert snapshot(job) == before


@pytest.mark.parametrize("state", ["IN_PROGRESS"])
def test_billing_terms_change_only_while_draft_or_pending(api, make_job, state):
    job = make_job(state)
    before = snapshot(job)
    body = {**job_ref(job), "billing_terms": {"agreement_date": "2016-01-02T09:30:00"}}
    refused(api.post(UPDATE, body), 409, "INVALID_LIFE_CYCLE_STATE", "billing_terms")
    assert snapshot(job) == before


def test_update_of_terms_on_a_job_that_is_not_billable(api, make_job):
    job = make_job("DRAFT")
    JobType.objects.filter(pk=job.type_id).update(billing_directive="NOT_BILLABLE")
    before = snapshot(job)
    body = {**job_ref(job), "billing_terms": {"agreement_date": "2016-01-02T09:30:00"}}
    refused(api.post(UPDATE, body), 422, "VALIDATION_ERROR", "billing_terms")
    assert snapshot(job) == before


def test_terms_of_a_job_that_had_none_need_scheme_and_plan(api, make_job):
    job = make_job("DRAFT")
    JobBillingTerms.objects.filter(job=job).delete()
    body = {**job_ref(job), "billing_terms": {"agreement_date": "2016-01-02T09:30:00"}}
    response = api.post(UPDATE, body)
    refused(
        response,
        400,
        "MISSING_MANDATORY_PARAMETER",
        "billing_terms.billing_term_scheme_identifier",
    )


def test_a_new_start_date_moves_the_terms_effective_date(api, make_job):
    job = make_job("DRAFT")
    body = {**job_ref(job), "start_date": "2026-12-24T18:45:00"}
    data = api.post(UPDATE, body).data
    assert data["billing_terms"]["effective_date"] == "2026-12-24T00:00:00"


# -- completion dates ---------------------------------------------------------------------------


def test_expected_completion_gives_the_estimate(api):
    body = create_body(
        start_date="2026-12-01T08:00:00", expected_completion_date="2026-12-01T13:30:00"
    )
    data = api.post(CREATE, body).data
    assert data["expected_completion_date"] == "2026-12-01T13:30:00"
    assert data["estimated_completion_time"] == {"time_period_value": 5, "time_period_uot": "HOURS"}


def test_the_estimate_gives_the_expected_completion(api):
    period = {"time_period_value": 2, "time_period_uot": "WEEKS"}
    body = create_body(start_date="2026-12-01T08:00:00", estimated_completion_time=period)
    data = api.post(CREATE, body).data
    assert data["expected_completion_date"] == "2026-12-15T08:00:00"
    assert data["estimated_completion_time"] == period


def test_neither_gives_the_types_estimate(api):
    data = api.post(CREATE, create_body(start_date="2026-12-01T08:00:00")).data
    assert data["expected_completion_date"] == "2026-12-04T08:00:00"
    assert data["estimated_completion_time"] == {"time_period_value": 3, "time_period_uot": "DAYS"}


@pytest.mark.parametrize("method", [CREATE, UPDATE])
def test_both_are_an_invalid_parameter(api, make_job, method):
    job = make_job("DRAFT")
    both = {
        "expected_completion_date": "2026-12-24T10:00:00",
        "estimated_completion_time": {"time_period_value": 1, "time_period_uot": "DAYS"},
    }
    body = create_body(**both) if method == CREATE else {**job_ref(job), **both}
    before = snapshot(job), Job.objects.count()
    refused(api.post(method, body), 400, "INVALID_PARAMETER", "estimated_completion_time")
    assert (snapshot(job), Job.objects.count()) == before


def test_expected_completion_before_the_start_is_refused(api, make_job):
    job = make_job("DRAFT")
    before = snapshot(job)
    body = {**job_ref(job), "expected_completion_date": "2016-01-01T00:00:00"}
    refused(api.post(UPDATE, body), 400, "INVALID_PARAMETER", "expected_completion_date")
    assert snapshot(job) == before


def test_update_estimate_and_expected_date(api, make_job):
    job = make_job("DRAFT", start_date=parse_datetime("2026-12-01T08:00:00"))
    period = {"time_period_value": 1, "time_period_uot": "MONTHS"}
    data = api.post(UPDATE, {**job_ref(job), "estimated_completion_time": period}).data
    assert data["expected_completion_date"] == "2027-01-01T08:00:00"
    body = {**job_ref(job), "expected_completion_date": "2026-12-01T08:45:00"}
    data = api.post(UPDATE, body).data
    assert data["estimated_completion_time"] == {
        "time_period_value": 45,
        "time_period_uot": "MINUTES",
    }


def test_a_new_start_alone_keeps_the_estimate(api, make_job):
    job = make_job("DRAFT", start_date=parse_datetime("2026-12-01T08:00:00"))
    data = api.post(UPDATE, {**job_ref(job), "start_date": "2026-12-10T08:00:00"}).data
    assert data["start_date"] == "2026-12-10T08:00:00"
    assert data["expected_completion_date"] == "2026-12-13T08:00:00"
    assert data["estimated_completion_time"] == {"time_period_value": 3, "time_period_uot": "DAYS"}


def test_time_to_completion_and_overdue_at_read_time(api, make_job):
    now = timezone.now()
    late = make_job("PENDING", start_date=now - timedelta(days=10))
    data = api.get(DS_SHOW, {"job_identifier": f"number={late.number}"}).data
    assert data["time_to_completion"] == {"time_period_value": None, "time_period_uot": None}
    assert data["time_overdue"] == {"time_period_value": 1, "time_period_uot": "WEEKS"}


# -- notes, assignment, ownership, the service request ------------------------------------------

NOTE = r"Marios Lannister\t\d{1,2}/\d{1,2}/\d{4} \d\d:\d\d:\d\d\t"


def test_notes_are_stamped_and_added_to_earlier_ones(api, make_job):
    data = api.post(CREATE, create_body(notes="First")).data
    assert re.fullmatch(NOTE + "First", data["notes"])
    ref = {"job_identifier": {"number": data["number"]}}
    data = api.post(UPDATE, {**ref, "notes": "Second"}).data
    assert re.fullmatch(NOTE + "First\n" + NOTE + "Second", data["notes"])
    assert api.post(UPDATE, {**ref, "notes": None}).data["notes"] is None


def test_assigned_to_a_user_and_unit(api, admin_user):
    body = create_body(
        assigned_to={
            "user_identifier": {"username": "agent"},
            "unit_identifier": {"name": "Admin Unit"},
        }
    )
    data = api.post(CREATE, body).data["assigned_to"]
    assert (data["user"]["username"], data["unit"]["name"]) == ("agent", "Admin Unit")


def test_assigned_to_a_unit_only(api):
    body = create_body(assigned_to={"unit_identifier": {"name": "Admin Unit"}})
    data = api.post(CREATE, body).data["assigned_to"]
    assert (data["user"], data["unit"]["name"]) == (None, "Admin Unit")


def test_assigned_user_must_belong_to_the_unit(api):
    unit = UnitFactory()
    body = create_body(
        assigned_to={"user_identifier": {"username": "agent"}, "unit_identifier": {"id": unit.pk}}
    )
    nothing_created(api, body, 422, "VALIDATION_ERROR", "assigned_to")


def test_assigned_to_needs_a_user_or_a_unit(api):
    nothing_created(
        api, create_body(assigned_to={}), 400, "MISSING_MANDATORY_PARAMETER", "assigned_to"
    )


def test_update_reassigns(api, make_job):
    job = make_job("PENDING")
    body = {**job_ref(job), "assigned_to": {"user_identifier": {"username": "agent"}}}
    data = api.post(UPDATE, body).data["assigned_to"]
    assert (data["user"]["username"], data["unit"]["name"]) == ("agent", "Admin Unit")


def test_ownership_and_privacy(api):
    body = create_body(owned_by_group_identifier=None, privacy_level_identifier={"number": "5"})
    data = api.post(CREATE, body).data
    assert data["owned_by_group"] is None
    assert data["privacy_level"]["name"] == "Restricted"


def test_a_privacy_level_above_ones_clearance_is_refused(agent_api):
    body = create_body(privacy_level_identifier={"name": "Restricted"})
    nothing_created(agent_api, body, 422, "VALIDATION_ERROR", "privacy_level_identifier")


def test_the_job_refers_to_a_service_request(api):
    request = make_service_request()
    body = create_body(service_request_identifier={"number": request.number})
    data = api.post(CREATE, body).data["service_request"]
    assert (data["id"], data["number"]) == (request.pk, request.number)
    assert data["type"]["name"] == "Technical Support"
    assert data["life_cycle_state"] == "PENDING"


def test_the_service_request_must_be_of_the_account(api):
    from customers.models import AccountsReceivable

    request = make_service_request(
        accounts_receivable=AccountsReceivable.objects.get(number="ACR001179")
    )
    body = create_body(service_request_identifier={"number": request.number})
    nothing_created(api, body, 422, "VALIDATION_ERROR", "service_request_identifier")


def test_a_service_request_the_caller_cannot_see_is_not_found(agent_api):
    restricted = PrivacyLevel.objects.get(name="Restricted")
    request = make_service_request(privacy_level=restricted)
    body = create_body(service_request_identifier={"number": request.number})
    nothing_created(agent_api, body, 404, "ENTITY_NOT_FOUND", "service_request_identifier")


def test_the_service_request_cannot_be_updated(api, make_job):
    job = make_job("DRAFT")
    request = make_service_request()
    body = {**job_ref(job), "service_request_identifier": {"number": request.number}}
    refused(api.post(UPDATE, body), 400, "INVALID_PARAMETER", "service_request_identifier")


@pytest.mark.parametrize(
    "name", ["type_identifier", "accounts_receivable_identifier", "subscription_identifier"]
)
def test_what_an_update_cannot_change(api, make_job, name):
    job = make_job("DRAFT")
    response = api.post(UPDATE, {**job_ref(job), name: {"id": "X"}})
    refused(response, 400, "INVALID_PARAMETER", name)


# -- plain fields and clearing ------------------------------------------------------------------


def test_plain_fields_round_trip_and_null_clears(api, make_job):
    JobCategory.objects.get_or_create(name="Customer Request", defaults={"code": "CR"})
    job = make_job("DRAFT")
    values = {
        "description": "Deactivate at the end of the month",
        "contact_email": "x@example.com",
        "contact_phone": "12345",
        "category_identifier": {"code": "CR"},
        "udf_string_3": "three",
        "udf_float_2": 2.5,
        "udf_date_4": "2026-12-31T23:00:00",
    }
    data = api.post(UPDATE, {**job_ref(job), **values}).data
    assert data["description"] == "Deactivate at the end of the month"
    assert (data["contact_email"], data["contact_phone"]) == ("x@example.com", "12345")
    assert data["category"]["name"] == "Customer Request"
    assert (data["udf_string_3"], data["udf_float_2"]) == ("three", 2.5)
    assert data["udf_date_4"] == "2026-12-31T23:00:00"
    cleared = dict.fromkeys(values)
    data = api.post(UPDATE, {**job_ref(job), **cleared}).data
    assert all(data[name.removesuffix("_identifier")] is None for name in values)


def test_absent_means_unchanged(api, make_job):
    job = make_job("PENDING", attributes={"description": "Keep me"})
    before = snapshot(job)
    data = api.post(UPDATE, job_ref(job)).data
    assert data["description"] == "Keep me"
    after = snapshot(job)
    # Only the log information and the event row differ.
    for key in ("updated_date",):
        before["job"].pop(key), after["job"].pop(key)
    assert after["job"] == before["job"]
    assert len(after["events"]) == len(before["events"]) + 1


def test_update_log_information(api, agent_api, make_job, agent_user):
    job = make_job("DRAFT")
    data = agent_api.post(UPDATE, {**job_ref(job), "description": "x"}).data
    log = data["log_information"]
    assert log["created_by_user"]["username"] == "MPAdministrator"
    assert log["updated_by_user"]["username"] == "agent"
    assert log["updated_by_unit"]["name"] == "Admin Unit"


def test_update_refuses_a_job_of_another_scope(api, make_job):
    job = make_job("DRAFT")
    generic = JobTypeFactory(fulfillment_scope=FulfillmentScope.GENERIC_PURPOSE)
    Job.objects.filter(pk=job.pk).update(type=generic)
    refused(api.post(UPDATE, job_ref(job)), 404, "ENTITY_NOT_FOUND", "job_identifier")
    refused(
        api.get(DS_SHOW, {"job_identifier": f"number={job.number}"}),
        404,
        "ENTITY_NOT_FOUND",
        "job_identifier",
    )


def test_created_in_pending_with_a_type_that_has_no_draft_default(api):
    job_type = JobType.objects.get(name="Deactivate Subscription")
    JobTypeStatus.objects.filter(type=job_type, life_cycle_state="DRAFT").update(is_default=False)
    data = api.post(CREATE, create_body(status_identifier=...)).data
    assert data["status"]["name"] == "Assigned"


def test_the_job_starts_now_by_default(api):
    data = api.post(CREATE, create_body()).data
    start = parse_datetime(data["start_date"])
    assert abs(start - timezone.now()) < timedelta(minutes=1)


def test_a_subscription_of_its_own_for_each_job(make_job):
    first, second = make_job("COMPLETED"), make_job("COMPLETED")
    assert first.subscription_id != second.subscription_id
    assert new_subscription().life_cycle_state == "EFFECTIVE"


def test_moving_the_expected_completion_clears_the_approaching_flag(api, make_job):
    job = make_job("PENDING")
    Job.objects.filter(pk=job.pk).update(approaching_completion=timezone.now())
    api.post(UPDATE, {**job_ref(job), "description": "same dates"})
    job.refresh_from_db()
    assert job.approaching_completion is not None
    period = {"time_period_value": 9, "time_period_uot": "DAYS"}
    api.post(UPDATE, {**job_ref(job), "estimated_completion_time": period})
    job.refresh_from_db()
    assert job.approaching_completion is None
