"""``service_requests/configuration/<x>/list`` through real requests: the demo objects, errors,
``fields_set``, paging, query counts and permissions (contract sections 2, 3 and 7)."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from products import models as pm
from servicerequests import models as sm
from tests.conftest import Api, token_for
from tests.factories import (
    CancellationReasonFactory,
    ProductFactory,
    ProductTypeFactory,
    ServiceRequestCategoryFactory,
    ServiceRequestStatusFactory,
    ServiceRequestTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "service_requests/configuration/"
TYPES = BASE + "types/list"
STATUSES = BASE + "statuses/list"
CATEGORIES = BASE + "categories/list"
RESPONSE_CATEGORIES = BASE + "response_categories/list"
TEMPORARY_CATEGORIES = BASE + "temporary_resolution_categories/list"
FINAL_CATEGORIES = BASE + "final_resolution_categories/list"
REASONS = BASE + "cancellation_reasons/list"
SERVICES = BASE + "services/list"
GOODS = BASE + "physical_goods/list"

TYPE = "service_request_type_identifier"
TS = {TYPE: "name=Technical Support"}
HEX32 = re.compile(r"^[0-9A-F]{32}$")
OK_STATUS = {"code": "OK", "message": "", "description": ""}

# Every list method, with the parameters the demo calls need (one case per way of calling).
CASES = {
    "types": (TYPES, {}),
    "statuses": (STATUSES, TS),
    "categories": (CATEGORIES, {}),
    "categories_of_type": (CATEGORIES, TS),
    "response_categories": (RESPONSE_CATEGORIES, {}),
    "temporary_resolution_categories": (TEMPORARY_CATEGORIES, {}),
    "final_resolution_categories": (FINAL_CATEGORIES, {}),
    "cancellation_reasons": (REASONS, TS),
    "services": (SERVICES, TS),
    "physical_goods": (GOODS, TS),
}
ALL_METHODS = [TYPES, STATUSES, CATEGORIES, RESPONSE_CATEGORIES, TEMPORARY_CATEGORIES]
ALL_METHODS += [FINAL_CATEGORIES, REASONS, SERVICES, GOODS]
TYPED = [STATUSES, REASONS, SERVICES, GOODS]  # the type identifier is mandatory
TYPE_AWARE = [*TYPED, CATEGORIES]  # the type identifier is accepted
PERMISSIONS = {
    TYPES: "servicerequests.view_servicerequesttype",
    STATUSES: "servicerequests.view_servicerequeststatus",
    CATEGORIES: "servicerequests.view_servicerequestcategory",
    RESPONSE_CATEGORIES: "servicerequests.view_responsecategory",
    TEMPORARY_CATEGORIES: "servicerequests.view_temporaryresolutioncategory",
    FINAL_CATEGORIES: "servicerequests.view_finalresolutioncategory",
    REASONS: "servicerequests.view_cancellationreason",
    SERVICES: "servicerequests.view_servicerequesttype",
    GOODS: "servicerequests.view_servicerequesttype",
}
CATEGORY_KEYS = {"id", "name", "code", "description", "requires_customer_acceptance"}
PRODUCT_KEYS = {
    "id",
    "code",
    "alternative_code",
    "description",
    "priority_level",
    "global_rate",
    "product_type",
}
PRODUCT_TYPE_KEYS = {
    "id",
    "name",
    "alternative_code",
    "description",
    "classification",
    "service_type",
    "physical_good_type",
    "composition_method",
    "used_for_provisioning",
    "udr_type",
    "meter_reading_type",
}

# The only example of the seed pages for these methods (seed 003), verbatim.
SEED_003_ITEM = {
    "product_type": None,
    "id": "12073204AEAF56BB11E900D26C7CCAA8",
    "product": {
        "product_type": {
            "service_type": "ONETIME",
            "physical_good_type": None,
            "used_for_provisioning": False,
            "classification": "SERVICES",
            "composition_method": "FLAT",
            "id": "7EDF537A938DECAB1352E6EEAD54A5D0",
            "name": "One Time Services - Flat",
            "description": "A type which is used for one time services",
            "alternative_code": "OTS-F",
        },
        "id": "362AF22847BA4ED0CDED5CDFF8BABBC1",
        "description": "Delivery of Materials Service Charge",
        "code": "Material Delivery",
        "alternative_code": "MD",
    },
}

# -- helpers ------------------------------------------------------------------------------------


def ok(response):
    assert response.status_code == 200, response.body
    assert response.body["status"] == OK_STATUS
    return response.data


def assert_error(response, http_status: int, code: str, param: str):
    assert response.status_code == http_status, response.body
    assert response.code == code, response.body
    assert response.data is None
    assert response.body["status"]["message"]
    assert response.description.startswith(param), response.description


def measured(api, method: str, params: dict) -> tuple[list, list[str]]:
    """The data of a successful call and the SQL it ran."""
    with CaptureQueriesContext(connection) as ctx:
        data = ok(api.get(method, params))
    return data, [query["sql"] for query in ctx.captured_queries]


def method_sql(sqls: list[str]) -> list[str]:
    """The queries of the method itself: without the token lookup every call makes."""
    return [sql for sql in sqls if '"crm_apitoken"' not in sql]


def has_join(sqls: list[str]) -> bool:
    return any(" JOIN " in sql for sql in method_sql(sqls))


def listing_sql(sqls: list[str], table: str) -> str:
    """The one query that reads the page of ``table`` rows."""
    (sql,) = [s for s in sqls if f'FROM "{table}"' in s and " LIMIT " in s]
    return sql


def project(rows: list[dict], names: list[str]) -> list[dict]:
    return [{name: row[name] for name in names} for row in rows]


def extra_keys(actual, expected, path: str = "") -> set[str]:
    """Asserts every key and value of ``expected`` is in ``actual`` (objects recursively);
    returns the paths of the keys ``actual`` has beyond them."""
    if not isinstance(expected, dict):
        assert actual == expected, path
        return set()
    assert isinstance(actual, dict), path
    extra = {f"{path}{key}" for key in actual.keys() - expected.keys()}
    for key, value in expected.items():
        assert key in actual, f"{path}{key} is missing"
        extra |= extra_keys(actual[key], value, f"{path}{key}.")
    return extra


def sr_type(name: str = "Technical Support") -> sm.ServiceRequestType:
    return sm.ServiceRequestType.objects.get(name=name)


def nobody_api(client) -> Api:
    """A caller with a valid token and no permission at all."""
    return Api(client, token_for(UserFactory()))


_seq = itertools.count(1)


# -- expected demo objects ----------------------------------------------------------------------

DEMO_STATUSES = {  # name: (alternative code, life cycle state, default for its state)
    "Pending": ("PEN", "PENDING", True),
    "Waiting for Customer": ("WFC", "PENDING", False),
    "On Hold": ("HLD", "PENDING", False),
    "Responded": ("RES", "RESPONDED", True),
    "Temporary Resolved": ("TRS", "TEMPORARY_RESOLVED", True),
    "Final Resolved": ("FRS", "FINAL_RESOLVED", True),
    "Completed": ("COM", "COMPLETED", True),
    "Cancel": ("CAN", "CANCELLED", True),
}
# Newest first: the demo allows them in the reverse order.
DEMO_STATUS_ORDER = [
    "Cancel",
    "Completed",
    "Final Resolved",
    "Temporary Resolved",
    "Responded",
    "On Hold",
    "Waiting for Customer",
    "Pending",
]


def status_item(status_name: str, type_name: str = "Technical Support") -> dict:
    row = sm.ServiceRequestTypeStatus.objects.get(type__name=type_name, status__name=status_name)
    alternative_code, state, default = DEMO_STATUSES[status_name]
    return {
        "id": row.id,
        "default": default,
        "status": {
            "id": row.status_id,
            "name": status_name,
            "alternative_code": alternative_code,
            "description": None,
            "life_cycle_state": state,
        },
    }


def category_item(model, name: str, code: str, accept: bool) -> dict:
    return {
        "id": model.objects.get(name=name).id,
        "name": name,
        "code": code,
        "description": None,
        "requires_customer_acceptance": accept,
    }


DEMO_CATEGORIES = [  # newest first
    ("Complaint", "COMP", True),
    ("Billing Enquiry", "BILL", False),
    ("Technical Issue", "TECH", False),
]
RESOLUTION_CATEGORIES = {
    RESPONSE_CATEGORIES: (
        sm.ResponseCategory,
        [("Needs Confirmation", "CONF", True), ("Acknowledged", "ACK", False)],
    ),
    TEMPORARY_CATEGORIES: (
        sm.TemporaryResolutionCategory,
        [("Workaround Applied", "WORK", True), ("Temporary Fix", "TFIX", False)],
    ),
    FINAL_CATEGORIES: (
        sm.FinalResolutionCategory,
        [("Resolved Pending Confirmation", "RPC", True), ("Resolved", "RSLV", False)],
    ),
}

REASON_A = {
    "id": "1A6C2C6E0D8B4F0B9A1E2D3C4B5A6978",
    "name": "Cancellation Reason A",
    "alternative_code": "CRA",
    "description": "The customer withdrew the request",
    "default": True,
}
# The reference's example item for cancellation_reasons/list, verbatim.
REASON_B = {
    "default": False,
    "alternative_code": "CRB",
    "name": "Cancellation Reason B",
    "description": "A second cancellation reason for testing",
    "id": "FB4A0B28CF194EF7819B0888B64B4210",
}
REASON_C = {
    "id": "5E7D9C1B3A2F4E6D8C0B1A2F3E4D5C6B",
    "name": "Cancellation Reason C",
    "alternative_code": "CRC",
    "description": "Raised by mistake",
    "default": False,
}

MATERIAL_DELIVERY = {
    "id": "362AF22847BA4ED0CDED5CDFF8BABBC1",
    "code": "Material Delivery",
    "alternative_code": "MD",
    "description": "Delivery of Materials Service Charge",
    "priority_level": None,
    "global_rate": None,
    "product_type": {
        "id": "7EDF537A938DECAB1352E6EEAD54A5D0",
        "name": "One Time Services - Flat",
        "alternative_code": "OTS-F",
        "description": "A type which is used for one time services",
        "classification": "SERVICES",
        "service_type": "ONETIME",
        "physical_good_type": None,
        "composition_method": "FLAT",
        "used_for_provisioning": False,
        "udr_type": None,
        "meter_reading_type": None,
    },
}
DECODERS_1 = {
    "id": "E8672BB71A9B1BD25E30705AC34D7D61",
    "code": "Decoders 1",
    "alternative_code": "D1",
    "description": "Decoders 1",
    "priority_level": None,
    "global_rate": None,
    "product_type": {
        "id": "B4A1396AE3D1384B304A0FEB22F7BA50",
        "name": "Decoders",
        "alternative_code": "D",
        "description": "Decoders",
        "classification": "PHYSICALGOODS",
        "service_type": None,
        "physical_good_type": "TRACEABLE",
        "composition_method": "FLAT",
        "used_for_provisioning": True,
        "udr_type": None,
        "meter_reading_type": None,
    },
}


# -- rows added on top of the demo --------------------------------------------------------------


def unit_of_measurement() -> pm.UnitOfMeasurement:
    n = next(_seq)
    return pm.UnitOfMeasurement.objects.create(
        name=f"SR unit {n}", alternative_code=f"SRUOM{n}", description=f"Unit number {n}"
    )


def global_rate() -> pm.GlobalRate:
    return pm.GlobalRate.objects.create(
        rate_model=pm.GlobalRate.RateModel.USAGEBASED,
        global_base_amount="7.2500",
        uot=pm.GlobalRate.RateUot.MONTH,
        time_period_value=2,
        time_period_uot="DAYS",
        uom="MB",
    )


def usage_type() -> pm.ProductType:
    n = next(_seq)
    udr = pm.UdrType.objects.create(
        name=f"SR UDR {n}", alternative_code=f"SRUDR{n}", unit_of_measurement=unit_of_measurement()
    )
    return ProductTypeFactory(service_type=pm.ProductType.ServiceType.USAGE, udr_type=udr)


def traceable_type() -> pm.ProductType:
    n = next(_seq)
    meter = pm.MeterReadingType.objects.create(
        name=f"SR meter {n}",
        alternative_code=f"SRMRT{n}",
        unit_of_measurement=unit_of_measurement(),
    )
    return ProductTypeFactory(
        classification=pm.ProductType.Classification.PHYSICALGOODS,
        service_type=None,
        physical_good_type=pm.ProductType.PhysicalGoodType.TRACEABLE,
        meter_reading_type=meter,
    )


def add_types(n: int) -> None:
    ServiceRequestTypeFactory.create_batch(n, description="More")


def add_statuses(n: int) -> None:
    states = itertools.cycle(sm.LifeCycleState.values)
    for _ in range(n):
        status = ServiceRequestStatusFactory(life_cycle_state=next(states))
        sm.ServiceRequestTypeStatus.objects.create(type=sr_type(), status=status)


def add_categories(n: int) -> None:
    categories = [
        ServiceRequestCategoryFactory(requires_customer_acceptance=i % 2 == 0) for i in range(n)
    ]
    sr_type().categories.add(*categories)


def resolution_adder(model):
    def add(n: int) -> None:
        for i in range(n):
            k = next(_seq)
            model.objects.create(
                name=f"{model.__name__} {k}", code=f"C{k}", requires_customer_acceptance=i % 2 == 0
            )

    return add


def add_reasons(n: int) -> None:
    for reason in CancellationReasonFactory.create_batch(n, description="More"):
        sm.ServiceRequestTypeCancellationReason.objects.create(type=sr_type(), reason=reason)


def add_services(n: int) -> None:
    """Services with rich product types (UDR types, global rates), and whole product types."""
    for i in range(n):
        if i % 5 == 0:
            sm.ServiceRequestTypeService.objects.create(type=sr_type(), product_type=usage_type())
            continue
        product_type = usage_type() if i % 2 else ProductTypeFactory()
        product = ProductFactory(product_type=product_type, global_rate=global_rate())
        sm.ServiceRequestTypeService.objects.create(type=sr_type(), product=product)


def add_goods(n: int) -> None:
    """Physical goods of traceable types with meter reading types, and whole product types."""
    for i in range(n):
        if i % 5 == 0:
            sm.ServiceRequestTypePhysicalGood.objects.create(
                type=sr_type(), product_type=traceable_type()
            )
            continue
        product = ProductFactory(product_type=traceable_type(), global_rate=global_rate())
        sm.ServiceRequestTypePhysicalGood.objects.create(type=sr_type(), product=product)


ADDERS = {
    "types": add_types,
    "statuses": add_statuses,
    "categories": add_categories,
    "categories_of_type": add_categories,
    "response_categories": resolution_adder(sm.ResponseCategory),
    "temporary_resolution_categories": resolution_adder(sm.TemporaryResolutionCategory),
    "final_resolution_categories": resolution_adder(sm.FinalResolutionCategory),
    "cancellation_reasons": add_reasons,
    "services": add_services,
    "physical_goods": add_goods,
}


# -- types --------------------------------------------------------------------------------------


def test_types_are_the_demo_types_newest_first(api):
    data = ok(api.get(TYPES))
    assert data == [
        {
            "id": sr_type("On-site Repair").id,
            "name": "On-site Repair",
            "alternative_code": "OSR",
            "description": "Repairs at the customer's premises",
        },
        {
            "id": sr_type("Customer Complaint").id,
            "name": "Customer Complaint",
            "alternative_code": "CC",
            "description": "Complaints about the service",
        },
        {
            "id": sr_type().id,
            "name": "Technical Support",
            "alternative_code": "TS",
            "description": "Faults and technical questions",
        },
    ]
    assert all(HEX32.match(row["id"]) for row in data)


def test_types_take_no_type_or_state_parameter(api):
    assert_error(api.get(TYPES, TS), 400, "INVALID_PARAMETER", TYPE)
    response = api.get(TYPES, {"life_cycle_state": "PENDING"})
    assert_error(response, 400, "INVALID_PARAMETER", "life_cycle_state")


# -- statuses -----------------------------------------------------------------------------------


def test_statuses_of_technical_support(api):
    data = ok(api.get(STATUSES, TS))
    assert data == [status_item(name) for name in DEMO_STATUS_ORDER]
    for row in data:
        assert set(row) == {"id", "default", "status"}
        assert set(row["status"]) == {"id", "name", "alternative_code", "description"} | {
            "life_cycle_state"
        }
        assert HEX32.match(row["id"])
        assert HEX32.match(row["status"]["id"])
    # One default per life cycle state.
    defaults = [row["status"]["life_cycle_state"] for row in data if row["default"]]
    assert sorted(defaults) == sorted(set(sm.LifeCycleState.values))


def test_statuses_are_the_rows_of_the_given_type(api):
    complaint = ok(api.get(STATUSES, {TYPE: "name=Customer Complaint"}))
    assert complaint == [status_item(n, "Customer Complaint") for n in DEMO_STATUS_ORDER]
    technical = {row["id"] for row in ok(api.get(STATUSES, TS))}
    assert technical.isdisjoint(row["id"] for row in complaint)
    # A type with one allowed status lists only that one.
    narrow = ServiceRequestTypeFactory()
    pending = sm.ServiceRequestStatus.objects.get(name="Pending")
    row = sm.ServiceRequestTypeStatus.objects.create(type=narrow, status=pending, is_default=True)
    data = ok(api.get(STATUSES, {TYPE: f"id={narrow.id}"}))
    assert data == [
        {
            "id": row.id,
            "default": True,
            "status": {
                "id": pending.id,
                "name": "Pending",
                "alternative_code": "PEN",
                "description": None,
                "life_cycle_state": "PENDING",
            },
        }
    ]
    assert ok(api.get(STATUSES, {TYPE: f"id={ServiceRequestTypeFactory().id}"})) == []


@pytest.mark.parametrize(
    ("state", "names"),
    [
        ("PENDING", ["On Hold", "Waiting for Customer", "Pending"]),
        ("RESPONDED", ["Responded"]),
        ("TEMPORARY_RESOLVED", ["Temporary Resolved"]),
        ("TEMPORARY RESOLVED", ["Temporary Resolved"]),
        ("temporary resolved", ["Temporary Resolved"]),
        ("FINAL_RESOLVED", ["Final Resolved"]),
        ("FINAL RESOLVED", ["Final Resolved"]),
        ("Final Resolved", ["Final Resolved"]),
        ("COMPLETED", ["Completed"]),
        ("CANCELLED", ["Cancel"]),
        ("pending", ["On Hold", "Waiting for Customer", "Pending"]),
    ],
)
def test_statuses_filtered_by_life_cycle_state(api, state, names):
    data = ok(api.get(STATUSES, {**TS, "life_cycle_state": state}))
    assert data == [status_item(name) for name in names]


@pytest.mark.parametrize("state", ["OPEN", "TEMPORARY-RESOLVED", "IN_PROGRESS", "1"])
def test_statuses_bad_life_cycle_state(api, state):
    response = api.get(STATUSES, {**TS, "life_cycle_state": state})
    assert_error(response, 400, "INVALID_PARAMETER", "life_cycle_state")
    assert "PENDING" in response.description


# -- categories ---------------------------------------------------------------------------------


def demo_categories() -> list[dict]:
    return [category_item(sm.ServiceRequestCategory, *c) for c in DEMO_CATEGORIES]


def test_categories_are_the_demo_categories(api):
    data = ok(api.get(CATEGORIES))
    assert data == demo_categories()
    assert all(set(row) == CATEGORY_KEYS for row in data)
    assert [row["requires_customer_acceptance"] for row in data] == [True, False, False]


def test_categories_of_a_type_are_those_it_allows(api):
    # Both demo types allow every demo category.
    assert ok(api.get(CATEGORIES, TS)) == demo_categories()
    assert ok(api.get(CATEGORIES, {TYPE: "alternative_code=CC"})) == demo_categories()
    narrow = ServiceRequestTypeFactory()
    billing = sm.ServiceRequestCategory.objects.get(code="BILL")
    narrow.categories.add(billing)
    own = ServiceRequestCategoryFactory(requires_customer_acceptance=True)
    narrow.categories.add(own)
    expected = [
        {
            "id": own.id,
            "name": own.name,
            "code": own.code,
            "description": None,
            "requires_customer_acceptance": True,
        },
        category_item(sm.ServiceRequestCategory, "Billing Enquiry", "BILL", False),
    ]
    assert ok(api.get(CATEGORIES, {TYPE: f"name={narrow.name}"})) == expected
    # Without a type every category is listed, the new one too; other types do not get it.
    assert ok(api.get(CATEGORIES)) == [expected[0], *demo_categories()]
    assert ok(api.get(CATEGORIES, TS)) == demo_categories()
    empty = ServiceRequestTypeFactory()
    assert ok(api.get(CATEGORIES, {TYPE: f"alternative_code={empty.alternative_code}"})) == []


@pytest.mark.parametrize("method", list(RESOLUTION_CATEGORIES))
def test_resolution_categories_are_the_demo_ones(api, method):
    model, expected = RESOLUTION_CATEGORIES[method]
    data = ok(api.get(method))
    assert data == [category_item(model, *row) for row in expected]
    assert all(set(row) == CATEGORY_KEYS for row in data)
    # At least one requires customer acceptance and one does not.
    assert {row["requires_customer_acceptance"] for row in data} == {True, False}


@pytest.mark.parametrize("method", list(RESOLUTION_CATEGORIES))
def test_resolution_categories_take_no_type(api, method):
    assert_error(api.get(method, TS), 400, "INVALID_PARAMETER", TYPE)


# -- cancellation reasons -----------------------------------------------------------------------


def test_cancellation_reasons_with_default_flag(api):
    data = ok(api.get(REASONS, TS))
    assert data == [REASON_C, REASON_B, REASON_A]
    assert all(
        set(row) == {"id", "name", "alternative_code", "description", "default"} for row in data
    )
    assert [row for row in data if row["default"]] == [REASON_A]


def test_cancellation_reasons_default_is_per_type(api):
    other = ServiceRequestTypeFactory()
    reason_b = sm.CancellationReason.objects.get(alternative_code="CRB")
    sm.ServiceRequestTypeCancellationReason.objects.create(
        type=other, reason=reason_b, is_default=True
    )
    assert ok(api.get(REASONS, {TYPE: f"name={other.name}"})) == [{**REASON_B, "default": True}]
    assert ok(api.get(REASONS, TS)) == [REASON_C, REASON_B, REASON_A]
    assert ok(api.get(REASONS, {TYPE: f"id={ServiceRequestTypeFactory().id}"})) == []


# -- services and physical goods ----------------------------------------------------------------


def test_services_of_technical_support_match_seed_003(api):
    data = ok(api.get(SERVICES, TS))
    assert len(data) == 1
    item = data[0]
    assert set(item) == {"id", "product", "product_type"}
    # Every key and value of the example is there; the extra keys are documented ones.
    extra = extra_keys(item, SEED_003_ITEM)
    assert extra == {
        "product.priority_level",
        "product.global_rate",
        "product.product_type.udr_type",
        "product.product_type.meter_reading_type",
    }
    # ... and they are null for this product.
    assert item == {
        "id": "12073204AEAF56BB11E900D26C7CCAA8",
        "product": MATERIAL_DELIVERY,
        "product_type": None,
    }
    assert set(item["product"]) == PRODUCT_KEYS
    assert set(item["product"]["product_type"]) == PRODUCT_TYPE_KEYS
    # The seed's row id belongs to Technical Support only.
    other = ok(api.get(SERVICES, {TYPE: "name=Customer Complaint"}))
    assert [row["product"] for row in other] == [MATERIAL_DELIVERY]
    assert other[0]["id"] != SEED_003_ITEM["id"]


def test_services_example_verbatim_except_documented_keys(api):
    (item,) = ok(api.get(SERVICES, TS))
    product = {
        k: v for k, v in item["product"].items() if k not in {"priority_level", "global_rate"}
    }
    product["product_type"] = {
        k: v
        for k, v in product["product_type"].items()
        if k not in {"udr_type", "meter_reading_type"}
    }
    assert {**item, "product": product} == SEED_003_ITEM


def test_physical_goods_of_technical_support(api):
    data = ok(api.get(GOODS, TS))
    row = sm.ServiceRequestTypePhysicalGood.objects.get(type=sr_type())
    assert data == [{"id": row.id, "product": DECODERS_1, "product_type": None}]
    assert HEX32.match(row.id)


def test_allowed_product_type_and_rich_products(api):
    """A type may allow a whole product type (product null), and products carry their global
    rate and their type's UDR type or meter reading type, nested whole."""
    uom = pm.UnitOfMeasurement.objects.create(
        name="Minutes", alternative_code="MIN", description="Call minutes"
    )
    udr = pm.UdrType.objects.create(
        name="Voice", alternative_code="VC", description="Voice calls", unit_of_measurement=uom
    )
    usage = ProductTypeFactory(
        name="Usage Type", alternative_code="UT", service_type="USAGE", udr_type=udr
    )
    rate = pm.GlobalRate.objects.create(
        rate_model="QUANTITYBASED",
        global_base_amount="12.5000",
        base_rate_applied_per="Period",
        uot="Day",
        time_period_value=48,
        time_period_uot="HOURS",
        uom="kg",
    )
    product = ProductFactory(
        code="Calls",
        alternative_code="CLS",
        description="Calls",
        priority_level=3,
        product_type=usage,
        global_rate=rate,
    )
    whole = sm.ServiceRequestTypeService.objects.create(type=sr_type(), product_type=usage)
    one = sm.ServiceRequestTypeService.objects.create(type=sr_type(), product=product)
    usage_object = {
        "id": usage.id,
        "name": "Usage Type",
        "alternative_code": "UT",
        "description": None,
        "classification": "SERVICES",
        "service_type": "USAGE",
        "physical_good_type": None,
        "composition_method": "FLAT",
        "used_for_provisioning": False,
        "udr_type": {
            "id": udr.id,
            "name": "Voice",
            "alternative_code": "VC",
            "description": "Voice calls",
            "unit_of_measurement": {
                "id": uom.id,
                "name": "Minutes",
                "description": "Call minutes",
                "alternative_code": "MIN",
            },
        },
        "meter_reading_type": None,
    }
    data = ok(api.get(SERVICES, TS))
    assert data == [
        {
            "id": one.id,
            "product": {
                "id": product.id,
                "code": "Calls",
                "alternative_code": "CLS",
                "description": "Calls",
                "priority_level": 3,
                "global_rate": {
                    "id": rate.id,
                    "rate_model": "QUANTITYBASED",
                    "global_base_amount": 12.5,
                    "base_rate_applied_per": "Period",
                    "uot": "Day",
                    "time_period": {"time_period_value": 48, "time_period_uot": "HOURS"},
                    "uom": "kg",
                },
                "product_type": usage_object,
            },
            "product_type": None,
        },
        {"id": whole.id, "product": None, "product_type": usage_object},
        {"id": SEED_003_ITEM["id"], "product": MATERIAL_DELIVERY, "product_type": None},
    ]


def test_physical_goods_with_meter_reading_type(api):
    uom = pm.UnitOfMeasurement.objects.create(name="kWh", description="Kilowatt hours")
    meter = pm.MeterReadingType.objects.create(
        name="Electricity",
        alternative_code="EL",
        classification="ENERGY",
        description="Electricity meter",
        unit_of_measurement=uom,
    )
    meters = ProductTypeFactory(
        name="Meters",
        alternative_code="MTR",
        classification="PHYSICALGOODS",
        service_type=None,
        physical_good_type="TRACEABLE",
        meter_reading_type=meter,
    )
    row = sm.ServiceRequestTypePhysicalGood.objects.create(type=sr_type(), product_type=meters)
    data = ok(api.get(GOODS, TS))
    assert data[0] == {
        "id": row.id,
        "product": None,
        "product_type": {
            "id": meters.id,
            "name": "Meters",
            "alternative_code": "MTR",
            "description": None,
            "classification": "PHYSICALGOODS",
            "service_type": None,
            "physical_good_type": "TRACEABLE",
            "composition_method": "FLAT",
            "used_for_provisioning": False,
            "udr_type": None,
            "meter_reading_type": {
                "id": meter.id,
                "name": "Electricity",
                "alternative_code": "EL",
                "classification": "ENERGY",
                "description": "Electricity meter",
                "unit_of_measurement": {
                    "id": uom.id,
                    "name": "kWh",
                    "description": "Kilowatt hours",
                    "alternative_code": None,
                },
            },
        },
    }
    assert data[1]["product"] == DECODERS_1


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


def test_narrow_fields_set_costs_less_on_services(api):
    add_services(10)
    full, full_sql = measured(api, SERVICES, {**TS, "number_of_results": "500"})
    narrow, narrow_sql = measured(
        api, SERVICES, {**TS, "number_of_results": "500", "fields_set": "id"}
    )
    assert [row["id"] for row in narrow] == [row["id"] for row in full]
    assert has_join(full_sql)
    assert not has_join(narrow_sql), method_sql(narrow_sql)
    assert len(narrow_sql) <= len(full_sql)
    # Fewer columns: the listing query selects only the id.
    listing = listing_sql(narrow_sql, "servicerequests_servicerequesttypeservice")
    assert listing.startswith('SELECT "servicerequests_servicerequesttypeservice"."id" FROM')


@pytest.mark.parametrize(
    ("case", "narrow"),
    [
        ("statuses", "id,default"),
        ("cancellation_reasons", "default"),
        ("physical_goods", "id"),
    ],
)
def test_narrow_fields_set_drops_joins(api, case, narrow):
    method, params = CASES[case]
    _, full_sql = measured(api, method, params)
    _, narrow_sql = measured(api, method, {**params, "fields_set": narrow})
    assert has_join(full_sql)
    assert not has_join(narrow_sql), method_sql(narrow_sql)
    assert len(narrow_sql) <= len(full_sql)


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


# -- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_query_count_does_not_grow_with_rows(api, case):
    method, params = CASES[case]
    params = {**params, "number_of_results": "500"}
    before, before_sql = measured(api, method, params)
    ADDERS[case](50)
    after, after_sql = measured(api, method, params)
    assert len(after) == len(before) + 50
    assert len(after_sql) == len(before_sql), method_sql(after_sql)
    # The default page is 50 rows, fetched the same way.
    page, page_sql = measured(api, method, CASES[case][1])
    assert page == after[:50]
    assert len(page_sql) == len(before_sql)


# -- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ALL_METHODS)
def test_no_permission_is_denied(client, demo, method):
    params = TS if method in TYPED else {}
    response = nobody_api(client).get(method, params)
    assert_error(response, 403, "PERMISSION_DENIED", "")
    assert PERMISSIONS[method] in response.description
    # Refused before anything else is looked at, even without the mandatory type.
    assert nobody_api(client).get(method).code == "PERMISSION_DENIED"


@pytest.mark.parametrize("case", list(CASES))
def test_agent_may_read(api, agent_api, case):
    method, params = CASES[case]
    assert ok(agent_api.get(method, params)) == ok(api.get(method, params))


@pytest.mark.parametrize("method", ALL_METHODS)
def test_without_token(anon_api, demo, method):
    response = anon_api.get(method, TS if method in TYPED else {})
    assert_error(response, 401, "INVALID_TOKEN", "token")


@pytest.mark.parametrize("method", ALL_METHODS)
def test_post_is_not_allowed(api, method):
    response = api.post(method, {TYPE: {"name": "Technical Support"}})
    assert response.status_code == 405, response.body
    assert response.code == "METHOD_NOT_ALLOWED"
    assert response.data is None


@pytest.mark.parametrize("method", [TYPES, STATUSES])
@pytest.mark.parametrize("name", ["offset", "number_of_results"])
@pytest.mark.parametrize("value", ["--5", "\u00b2"])
def test_malformed_paging_number_is_invalid_parameter(api, client, method, name, value):
    client.raise_request_exception = False
    params = TS if method in TYPED else {}
    assert_error(api.get(method, {**params, name: value}), 400, "INVALID_PARAMETER", name)
