"""``service_requests/configuration/<x>/list`` through real requests: the parameters every list
shares: the type identifier, ``fields_set``, paging and the newest-first order (contract
sections 2, 3 and 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from servicerequests import models as sm
from tests.factories import (
    CancellationReasonFactory,
    ServiceRequestStatusFactory,
    ServiceRequestTypeFactory,
)
from tests.servicerequests.config_helpers import (
    ADDERS,
    CASES,
    DEMO_STATUS_ORDER,
    MATERIAL_DELIVERY,
    REASON_A,
    REASON_B,
    REASON_C,
    REASONS,
    SERVICES,
    STATUSES,
    TS,
    TYPE,
    TYPE_AWARE,
    TYPED,
    TYPES,
    add_types,
    assert_error,
    ok,
    project,
    sr_type,
    status_item,
)

pytestmark = pytest.mark.django_db


# -- the type identifier ------------------------------------------------------------------------


@pytest.mark.parametrize("method", TYPED)
def test_missing_type_is_a_missing_mandatory_parameter(api, method):
    response = api.get(method)
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", TYPE)
    assert TYPE in response.body["status"]["message"]


@pytest.mark.parametrize("method", TYPED)
def test_empty_type_is_missing(api, method):
    assert_error(api.get(method, {TYPE: ""}), 400, "MISSING_MANDATORY_PARAMETER", TYPE)


@pytest.mark.parametrize("method", TYPE_AWARE)
@pytest.mark.parametrize("value", ["name=Nope", "alternative_code=XX", "id=" + "0" * 32])
def test_unknown_type_is_not_found(api, method, value):
    response = api.get(method, {TYPE: value})
    assert_error(response, 404, "ENTITY_NOT_FOUND", TYPE)


@pytest.mark.parametrize("method", TYPE_AWARE)
@pytest.mark.parametrize("key", ["id", "name", "alternative_code"])
def test_type_by_each_key(api, method, key):
    value = getattr(sr_type(), key)
    assert ok(api.get(method, {TYPE: f"{key}={value}"})) == ok(api.get(method, TS))


@pytest.mark.parametrize("method", TYPE_AWARE)
@pytest.mark.parametrize("value", ["code=TS", "number=1", "TS", "=TS", "name="])
def test_bad_type_identifier(api, method, value):
    assert_error(api.get(method, {TYPE: value}), 400, "INVALID_IDENTIFIER", TYPE)


# -- fields_set ---------------------------------------------------------------------------------

FIELDS = [
    ("types", ["name", "id"]),
    ("types", ["description"]),
    ("statuses", ["status"]),
    ("statuses", ["default", "id"]),
    ("categories", ["requires_customer_acceptance", "code"]),
    ("categories_of_type", ["name"]),
    ("response_categories", ["requires_customer_acceptance"]),
    ("temporary_resolution_categories", ["id", "description"]),
    ("final_resolution_categories", ["code", "name", "id"]),
    ("cancellation_reasons", ["default", "name"]),
    ("cancellation_reasons", ["id"]),
    ("services", ["product"]),
    ("services", ["product_type", "id"]),
    ("physical_goods", ["product"]),
]


@pytest.mark.parametrize(("case", "names"), FIELDS)
def test_fields_set_returns_exactly_those_fields(api, case, names):
    method, params = CASES[case]
    full = ok(api.get(method, params))
    data = ok(api.get(method, {**params, "fields_set": ",".join(names)}))
    assert data == project(full, names)
    assert all(set(row) == set(names) for row in data)
    assert data


def test_fields_set_nested_objects_are_whole(api):
    (item,) = ok(api.get(SERVICES, {**TS, "fields_set": "product"}))
    assert item == {"product": MATERIAL_DELIVERY}
    data = ok(api.get(STATUSES, {**TS, "fields_set": "status"}))
    assert data == [{"status": status_item(n)["status"]} for n in DEMO_STATUS_ORDER]


def test_fields_set_spaces_and_repeats(api):
    data = ok(api.get(REASONS, {**TS, "fields_set": " name , default,name,"}))
    assert data == project([REASON_C, REASON_B, REASON_A], ["name", "default"])


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("value", ["colour", "id,colour", "product.code", "ID"])
def test_fields_set_unknown_name(api, case, value):
    method, params = CASES[case]
    response = api.get(method, {**params, "fields_set": value})
    assert_error(response, 400, "INVALID_PARAMETER", "fields_set")


# -- paging -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_paging(api, case):
    method, params = CASES[case]
    ADDERS[case](4)
    full = ok(api.get(method, {**params, "number_of_results": "500"}))
    assert len(full) >= 5
    assert len({row["id"] for row in full}) == len(full)
    assert ok(api.get(method, params)) == full  # fewer than 50: all of them

    def page(**kw):
        return ok(api.get(method, {**params, **{k: str(v) for k, v in kw.items()}}))

    assert page(number_of_results=1) == full[:1]
    assert page(offset=1) == full[1:]
    assert page(offset=2, number_of_results=2) == full[2:4]
    assert page(offset=len(full) - 1) == full[-1:]
    assert page(offset=len(full)) == []
    assert page(offset=len(full) + 100, number_of_results=500) == []
    # Page by page, every row once and in order.
    pages = [page(offset=i, number_of_results=2) for i in range(0, len(full), 2)]
    assert [row for p in pages for row in p] == full


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("number_of_results", "0"),
        ("number_of_results", "501"),
        ("number_of_results", "-1"),
        ("number_of_results", "ten"),
        ("offset", "-1"),
        ("offset", "1.5"),
    ],
)
def test_paging_bounds(api, case, name, value):
    method, params = CASES[case]
    assert_error(api.get(method, {**params, name: value}), 400, "INVALID_PARAMETER", name)


def test_newest_first_by_creation(api):
    now = timezone.now()
    old = ServiceRequestTypeFactory(created_date=now - timedelta(days=2))
    older = ServiceRequestTypeFactory(created_date=now - timedelta(days=30))
    new = ServiceRequestTypeFactory(created_date=now + timedelta(minutes=5))
    names = [row["name"] for row in ok(api.get(TYPES, {"fields_set": "name"}))]
    demo = ["On-site Repair", "Customer Complaint", "Technical Support"]
    assert names == [new.name, *demo, old.name, older.name]


def test_statuses_and_reasons_newest_first_by_when_they_were_allowed(api):
    now = timezone.now()
    late = sm.ServiceRequestTypeStatus.objects.create(
        type=sr_type(),
        status=ServiceRequestStatusFactory(),
        created_date=now + timedelta(hours=1),
    )
    early = sm.ServiceRequestTypeStatus.objects.create(
        type=sr_type(),
        status=ServiceRequestStatusFactory(),
        created_date=now - timedelta(days=365),
    )
    ids = [row["id"] for row in ok(api.get(STATUSES, {**TS, "fields_set": "id"}))]
    assert ids == [late.id, *(status_item(n)["id"] for n in DEMO_STATUS_ORDER), early.id]
    reason = CancellationReasonFactory()
    sm.ServiceRequestTypeCancellationReason.objects.create(
        type=sr_type(), reason=reason, created_date=now - timedelta(days=1)
    )
    names = [row["name"] for row in ok(api.get(REASONS, {**TS, "fields_set": "name"}))]
    assert names == [REASON_C["name"], REASON_B["name"], REASON_A["name"], reason.name]


def test_same_creation_date_pages_consistently(api):
    moment = timezone.now() - timedelta(days=1)
    ServiceRequestTypeFactory.create_batch(6, created_date=moment)
    full = ok(api.get(TYPES, {"fields_set": "id"}))
    pages = [
        ok(api.get(TYPES, {"fields_set": "id", "offset": i, "number_of_results": 1}))
        for i in range(len(full))
    ]
    assert [row for p in pages for row in p] == full
    assert len({row["id"] for row in full}) == 9  # and the three demo types


def test_default_page_is_50_and_500_is_allowed(api):
    add_types(60)
    assert len(ok(api.get(TYPES))) == 50
    everything = ok(api.get(TYPES, {"number_of_results": "500"}))
    assert len(everything) == 63
    assert ok(api.get(TYPES, {"offset": "50"})) == everything[50:]


@pytest.mark.parametrize("method", [TYPES, STATUSES])
@pytest.mark.parametrize("name", ["offset", "number_of_results"])
@pytest.mark.parametrize("value", ["--5", "\u00b2"])
def test_malformed_paging_number_is_invalid_parameter(api, client, method, name, value):
    client.raise_request_exception = False
    params = TS if method in TYPED else {}
    assert_error(api.get(method, {**params, name: value}), 400, "INVALID_PARAMETER", name)
