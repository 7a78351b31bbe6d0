"""``service_requests/configuration/<x>/list`` through real requests: the demo objects of each
list (types, statuses, categories, resolution categories, cancellation reasons, services and
physical goods) and the filters particular to one list (contract sections 2, 3 and 7)."""

from __future__ import annotations

import pytest

from products import models as pm
from servicerequests import models as sm
from tests.factories import (
    ProductFactory,
    ProductTypeFactory,
    ServiceRequestCategoryFactory,
    ServiceRequestTypeFactory,
)
from tests.servicerequests.config_helpers import (
    CATEGORIES,
    CATEGORY_KEYS,
    DECODERS_1,
    DEMO_CATEGORIES,
    DEMO_STATUS_ORDER,
    GOODS,
    HEX32,
    MATERIAL_DELIVERY,
    PRODUCT_KEYS,
    PRODUCT_TYPE_KEYS,
    REASON_A,
    REASON_B,
    REASON_C,
    REASONS,
    RESOLUTION_CATEGORIES,
    SEED_003_ITEM,
    SERVICES,
    STATUSES,
    TS,
    TYPE,
    TYPES,
    assert_error,
    category_item,
    extra_keys,
    ok,
    sr_type,
    status_item,
)

pytestmark = pytest.mark.django_db


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
