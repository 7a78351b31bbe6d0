"""``service_requests/create`` and ``update`` through real requests: defaults, derived fields,
every restriction, absent versus null, the three sets, and walking the life cycle by status
(contract section 3, reference sections 2.5 and 2.6). Every refused write changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import AccountsReceivable, Contact
from products.models import Product, ProductType
from servicerequests import models as sm
from tests.factories import (
    ContactFactory,
    ProductFactory,
    ProductTypeFactory,
    ServiceRequestCategoryFactory,
    ServiceRequestStatusFactory,
)
from tests.servicerequests.test_api_read import (
    ADMIN,
    OWNER,
    RELATIVE,
    SR,
    STRANGER,
    S,
    assert_error,
    call,
    create,
    create_body,
    events,
    final_obj,
    make_job,
    make_sr,
    response_obj,
    snapshot,
    temporary_obj,
    totals,
)

pytestmark = pytest.mark.django_db

START = "2030-01-01T10:00:00"
MD = {"code": "Material Delivery"}
D1 = {"code": "Decoders 1"}


def post_create(api, **overrides):
    return api.post("service_requests/create", create_body(**overrides))


def assert_create_refused(api, status: int, code: str, param: str | None, **overrides):
    before = totals()
    assert_error(post_create(api, **overrides), status, code, param)
    assert totals() == before


def update(api, number: str, /, **body):
    return call(api, "update", number, **body)


def assert_update_refused(api, number: str, status: int, code: str, param: str | None, /, **body):
    before = snapshot(number)
    assert_error(update(api, number, **body), status, code, param)
    assert snapshot(number) == before


def allow_good(product: Product | None = None, product_type: ProductType | None = None) -> None:
    sm.ServiceRequestTypePhysicalGood.objects.create(
        type=sm.ServiceRequestType.objects.get(name="Technical Support"),
        product=product,
        product_type=product_type,
    )


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


# -- create: the sets ---------------------------------------------------------------------------


def test_create_with_the_three_sets(api, demo):
    other = create(api)
    data = create(
        api,
        services_set=[{"product_identifier": MD}],
        physical_goods_set=[
            {"product_identifier": D1, "serial_number": "SN1"},
            {"product_identifier": {"alternative_code": "D1"}},
        ],
        related_service_requests_set=[
            {"service_request_identifier": {"number": other["number"]}, "description": "Dup"}
        ],
    )
    sr = sm.ServiceRequest.objects.get(number=data["number"])
    assert sorted(sr.services.values_list("product__code", flat=True)) == ["Material Delivery"]
    assert sorted(sr.physical_goods.values_list("product__code", "serial_number"), key=str) == [
        ("Decoders 1", "SN1"),
        ("Decoders 1", None),
    ]
    assert list(sr.relations.values_list("related__number", "description")) == [
        (other["number"], "Dup")
    ]
    assert [g["serial_number"] for g in data["physical_goods_set"]] == [
        g.serial_number for g in sr.physical_goods.order_by("pk")
    ]


@pytest.mark.parametrize(
    ("sets", "param"),
    [
        ({"services_set": [{"product_identifier": D1}]}, "services_set[0].product_identifier"),
        (
            {"services_set": [{"product_identifier": MD}, {"product_identifier": MD}]},
            "services_set[1].product_identifier",
        ),
        (
            {"services_set": [{"product_identifier": {"code": "Expence 2"}}]},
            "services_set[0].product_identifier",
        ),
        (
            {"physical_goods_set": [{"product_identifier": D1}, {"product_identifier": MD}]},
            "physical_goods_set[1].product_identifier",
        ),
        (
            {"physical_goods_set": [{"product_identifier": {"code": "Antenna 1"}}]},
            "physical_goods_set[0].product_identifier",
        ),
    ],
)
def test_create_refuses_products_the_type_does_not_allow(api, demo, sets, param):
    assert_create_refused(api, 422, "VALIDATION_ERROR", param, **sets)


def test_a_service_allowed_through_its_product_type(api, demo):
    product = ProductFactory()
    assert_create_refused(
        api,
        422,
        "VALIDATION_ERROR",
        "services_set[0].product_identifier",
        services_set=[{"product_identifier": {"code": product.code}}],
    )
    sm.ServiceRequestTypeService.objects.create(
        type=sm.ServiceRequestType.objects.get(name="Technical Support"),
        product_type=product.product_type,
    )
    data = create(api, services_set=[{"product_identifier": {"code": product.code}}])
    assert [s["product"]["code"] for s in data["services_set"]] == [product.code]


def test_serial_numbers_only_for_traceable_flat_goods(api, demo):
    antenna = Product.objects.get(code="Antenna 1")  # NONTRACEABLE
    allow_good(product_type=antenna.product_type)
    bundle = ProductFactory(
        product_type=ProductTypeFactory(
            classification=ProductType.Classification.PHYSICALGOODS,
            service_type=None,
            physical_good_type=ProductType.PhysicalGoodType.TRACEABLE,
            composition_method=ProductType.CompositionMethod.FIXEDBUNDLE,
        )
    )
    allow_good(product=bundle)
    for product in (antenna, bundle):
        assert_create_refused(
            api,
            422,
            "VALIDATION_ERROR",
            "physical_goods_set[0].product_identifier",
            physical_goods_set=[{"product_identifier": {"id": product.id}, "serial_number": "S"}],
        )
        data = create(api, physical_goods_set=[{"product_identifier": {"id": product.id}}])
        assert [g["product"]["id"] for g in data["physical_goods_set"]] == [product.id]
    data = create(api, physical_goods_set=[{"product_identifier": D1, "serial_number": "S"}])
    assert data["physical_goods_set"][0]["serial_number"] == "S"


def test_related_requests_on_create(api, demo):
    other = make_sr()
    assert_create_refused(
        api,
        404,
        "ENTITY_NOT_FOUND",
        "related_service_requests_set[0].service_request_identifier",
        related_service_requests_set=[{"service_request_identifier": {"number": "SR99999999"}}],
    )
    assert_create_refused(
        api,
        422,
        "VALIDATION_ERROR",
        "related_service_requests_set[1].service_request_identifier",
        related_service_requests_set=[
            {"service_request_identifier": {"number": other.number}},
            {"service_request_identifier": {"id": other.id}},
        ],
    )
    assert_create_refused(
        api,
        400,
        "MISSING_MANDATORY_PARAMETER",
        "related_service_requests_set[0].service_request_identifier",
        related_service_requests_set=[{"description": "which?"}],
    )


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


# -- update: absent versus null -----------------------------------------------------------------


@pytest.fixture
def rich(api, demo) -> dict:
    """A PENDING request with every clearable field set, a service, a good and a relation."""
    other = create(api, description="Other")
    return create(
        api,
        caller_email="x@example.com",
        caller_phone="99000001",
        description="No signal",
        notes="Called twice",
        owned_by_group_identifier={"name": "Main Group"},
        privacy_level_identifier={"name": "Public"},
        assigned_to={"user_identifier": ADMIN},
        referring_to={"subscription_identifier": {"number": "S60993"}},
        start_date=START,
        estimated_completion_time={"time_period_value": 2, "time_period_uot": "DAYS"},
        udf_string_1="one",
        udf_float_1=1.5,
        udf_date_1="2030-05-05T05:05:05",
        services_set=[{"product_identifier": MD}],
        physical_goods_set=[{"product_identifier": D1, "serial_number": "SN1"}],
        related_service_requests_set=[
            {"service_request_identifier": {"number": other["number"]}, "description": "Same"}
        ],
    )


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


# -- update: sets -------------------------------------------------------------------------------


def row_ids(data: dict, name: str) -> list[str]:
    return [row["id"] for row in data[name]]


def test_services_add_and_remove(api, rich):
    number, service_id = rich["number"], rich["services_set"][0]["id"]
    remove = {"action": "remove", "service_request_service_identifier": {"id": service_id}}
    data = update(api, number, services_set=[remove]).data
    assert data["services_set"] == []
    data = update(api, number, services_set=[{"action": "Add", "product_identifier": MD}]).data
    assert [s["product"]["code"] for s in data["services_set"]] == ["Material Delivery"]
    by_product = {"product_identifier": {"alternative_code": "MD"}}
    data = update(
        api,
        number,
        services_set=[{"action": "REMOVE", "service_request_service_identifier": by_product}],
    ).data
    assert data["services_set"] == []
    assert sm.ServiceRequestService.objects.filter(service_request__number=number).count() == 0


def test_goods_add_and_remove(api, rich):
    number, good_id = rich["number"], rich["physical_goods_set"][0]["id"]
    data = update(
        api,
        number,
        physical_goods_set=[{"action": "ADD", "product_identifier": D1, "serial_number": "SN2"}],
    ).data
    assert sorted(g["serial_number"] for g in data["physical_goods_set"]) == ["SN1", "SN2"]
    # Two rows of one product: the product no longer identifies one of them.
    ambiguous = {"product_identifier": D1}
    assert_update_refused(
        api,
        number,
        400,
        "INVALID_IDENTIFIER",
        "physical_goods_set[0].service_request_physical_good_identifier",
        physical_goods_set=[
            {"action": "REMOVE", "service_request_physical_good_identifier": ambiguous}
        ],
    )
    data = update(
        api,
        number,
        physical_goods_set=[
            {"action": "REMOVE", "service_request_physical_good_identifier": {"id": good_id}}
        ],
    ).data
    assert [g["serial_number"] for g in data["physical_goods_set"]] == ["SN2"]
    data = update(
        api,
        number,
        physical_goods_set=[
            {"action": "REMOVE", "service_request_physical_good_identifier": ambiguous}
        ],
    ).data
    assert data["physical_goods_set"] == []


def relations(data: dict) -> dict[str, str | None]:
    return {
        r["service_request"]["number"]: r["description"]
        for r in data["related_service_requests_set"]
    }


def test_related_add_update_and_remove(api, rich):
    number = rich["number"]
    first = rich["related_service_requests_set"][0]
    third = make_sr()
    data = update(
        api,
        number,
        related_service_requests_set=[
            {"action": "ADD", "service_request_identifier": {"id": third.id}, "description": "3"},
            {
                "action": "UPDATE",
                "service_request_relation_identifier": {"id": first["id"]},
                "description": "Changed",
            },
        ],
    ).data
    assert relations(data) == {first["service_request"]["number"]: "Changed", third.number: "3"}
    by_request = {"service_request_identifier": {"number": third.number}}
    data = update(
        api,
        number,
        related_service_requests_set=[
            {
                "action": "update",
                "service_request_relation_identifier": by_request,
                "description": None,
            },
        ],
    ).data
    assert relations(data) == {first["service_request"]["number"]: "Changed", third.number: None}
    data = update(
        api,
        number,
        related_service_requests_set=[
            {"action": "REMOVE", "service_request_relation_identifier": by_request},
            {"action": "REMOVE", "service_request_relation_identifier": {"id": first["id"]}},
        ],
    ).data
    assert data["related_service_requests_set"] == []


@pytest.mark.parametrize(
    ("sets", "status", "code", "param"),
    [
        (
            {"services_set": [{"action": "ADD", "product_identifier": MD}]},
            422,
            "VALIDATION_ERROR",
            "services_set[0].product_identifier",
        ),
        (
            {"services_set": [{"action": "ADD", "product_identifier": D1}]},
            422,
            "VALIDATION_ERROR",
            "services_set[0].product_identifier",
        ),
        (
            {"physical_goods_set": [{"action": "ADD", "product_identifier": MD}]},
            422,
            "VALIDATION_ERROR",
            "physical_goods_set[0].product_identifier",
        ),
        (
            {
                "physical_goods_set": [
                    {"action": "ADD", "product_identifier": {"code": "Antenna 1"}}
                ]
            },
            422,
            "VALIDATION_ERROR",
            "physical_goods_set[0].product_identifier",
        ),
        (
            {"services_set": [{"product_identifier": MD}]},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "services_set[0].action",
        ),
        (
            {"services_set": [{"action": "UPDATE", "product_identifier": MD}]},
            400,
            "INVALID_PARAMETER",
            "services_set[0].action",
        ),
        (
            {"services_set": [{"action": "REMOVE", "product_identifier": MD}]},
            400,
            "INVALID_PARAMETER",
            "services_set[0].product_identifier",
        ),
        (
            {"services_set": [{"action": "REMOVE"}]},
            400,
            "MISSING_MANDATORY_PARAMETER",
            "services_set[0].service_request_service_identifier",
        ),
        (
            {"services_set": {"action": "ADD", "product_identifier": MD}},
            400,
            "INVALID_PARAMETER",
            "services_set",
        ),
        (
            {
                "services_set": [
                    {"action": "REMOVE", "service_request_service_identifier": {"id": "00"}}
                ]
            },
            404,
            "ENTITY_NOT_FOUND",
            "services_set[0].service_request_service_identifier",
        ),
        (
            {
                "physical_goods_set": [
                    {
                        "action": "REMOVE",
                        "service_request_physical_good_identifier": {
                            "product_identifier": {"code": "Antenna 1"}
                        },
                    }
                ]
            },
            404,
            "ENTITY_NOT_FOUND",
            "physical_goods_set[0].service_request_physical_good_identifier",
        ),
        (
            {
                "related_service_requests_set": [
                    {"action": "ADD", "service_request_identifier": {"number": "SR00000001"}}
                ]
            },
            422,
            "VALIDATION_ERROR",
            "related_service_requests_set[0].service_request_identifier",
        ),
        (
            {
                "related_service_requests_set": [
                    {"action": "ADD", "service_request_identifier": {"number": "SR00000002"}}
                ]
            },
            422,
            "VALIDATION_ERROR",
            "related_service_requests_set[0].service_request_identifier",
        ),
        (
            {
                "related_service_requests_set": [
                    {
                        "action": "REMOVE",
                        "service_request_relation_identifier": {
                            "service_request_identifier": {"number": "SR00000002"}
                        },
                    }
                ]
            },
            404,
            "ENTITY_NOT_FOUND",
            "related_service_requests_set[0].service_request_relation_identifier",
        ),
        (
            {
                "related_service_requests_set": [
                    {"action": "ADD", "service_request_identifier": {"number": "SR99999999"}}
                ]
            },
            404,
            "ENTITY_NOT_FOUND",
            "related_service_requests_set[0].service_request_identifier",
        ),
    ],
)
def test_update_set_restrictions(api, rich, sets, status, code, param):
    # SR00000001 is the related request, SR00000002 the one updated.
    assert rich["number"] == "SR00000002"
    assert_update_refused(api, rich["number"], status, code, param, **sets)


def test_update_refusing_a_set_item_undoes_the_rest(api, rich):
    number = rich["number"]
    service_id = rich["services_set"][0]["id"]
    foreign = ProductFactory()
    before = snapshot(number)
    response = update(
        api,
        number,
        description="not saved",
        physical_goods_set=[{"action": "ADD", "product_identifier": D1, "serial_number": "X"}],
        services_set=[
            {"action": "REMOVE", "service_request_service_identifier": {"id": service_id}},
            {"action": "ADD", "product_identifier": {"code": foreign.code}},
        ],
    )
    assert_error(response, 422, "VALIDATION_ERROR")
    assert snapshot(number) == before


def test_update_set_error_names_the_offending_item(api, rich):
    foreign = ProductFactory()
    response = update(
        api,
        rich["number"],
        services_set=[
            {
                "action": "REMOVE",
                "service_request_service_identifier": {"id": rich["services_set"][0]["id"]},
            },
            {"action": "ADD", "product_identifier": {"code": foreign.code}},
        ],
    )
    assert_error(response, 422, "VALIDATION_ERROR", "services_set[1].product_identifier")


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
