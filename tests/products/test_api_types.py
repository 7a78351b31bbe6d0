"""``product_types/list`` through real requests: the demo types, filters, ``fields_set`` and
errors (contract sections 2, 5 and 7)."""

from __future__ import annotations

import pytest

from products import models as pm
from tests.factories import ProductTypeFactory
from tests.products.api_helpers import (
    ACCESSORIES,
    DECODERS,
    DEMO_TYPES,
    EXPENSE,
    ONE_TIME,
    PRODUCT_TYPE_KEYS,
    TYPES,
    add_types,
    assert_error,
    has_join,
    measured,
    method_sql,
    ok,
    product_type_object,
    project,
)

pytestmark = pytest.mark.django_db


# -- product_types/list -------------------------------------------------------------------------


def test_product_types_are_the_demo_types(api):
    data = ok(api.get(TYPES))
    assert data == DEMO_TYPES
    assert all(set(row) == PRODUCT_TYPE_KEYS for row in data)


@pytest.mark.parametrize(
    ("classification", "expected"),
    [("SERVICES", [EXPENSE, ONE_TIME]), ("physicalgoods", [DECODERS, ACCESSORIES])],
)
def test_product_types_by_classification(api, classification, expected):
    assert ok(api.get(TYPES, {"classification": classification})) == expected


def test_product_types_with_udr_and_meter_reading_types(api):
    uom = pm.UnitOfMeasurement.objects.create(name="GB", alternative_code="GB", description="d")
    udr = pm.UdrType.objects.create(name="Data", description="Data usage", unit_of_measurement=uom)
    meter = pm.MeterReadingType.objects.create(name="Gas", unit_of_measurement=uom)
    usage = ProductTypeFactory(
        name="Data", alternative_code="DT", service_type="USAGE", udr_type=udr
    )
    gas = ProductTypeFactory(
        name="Gas meters",
        alternative_code="GM",
        classification="PHYSICALGOODS",
        service_type=None,
        physical_good_type="TRACEABLE",
        meter_reading_type=meter,
    )
    uom_object = {"id": uom.id, "name": "GB", "description": "d", "alternative_code": "GB"}
    data = ok(api.get(TYPES, {"number_of_results": "2"}))
    assert data == [
        {
            **product_type_object(
                gas.id, "Gas meters", "GM", None, "PHYSICALGOODS", None, "TRACEABLE", False
            ),
            "meter_reading_type": {
                "id": meter.id,
                "name": "Gas",
                "alternative_code": None,
                "classification": None,
                "description": None,
                "unit_of_measurement": uom_object,
            },
        },
        {
            **product_type_object(usage.id, "Data", "DT", None, "SERVICES", "USAGE", None, False),
            "udr_type": {
                "id": udr.id,
                "name": "Data",
                "alternative_code": None,
                "description": "Data usage",
                "unit_of_measurement": uom_object,
            },
        },
    ]


@pytest.mark.parametrize(
    "names", [["name", "id"], ["udr_type"], ["classification", "service_type"]]
)
def test_product_types_fields_set(api, names):
    data = ok(api.get(TYPES, {"fields_set": ",".join(names)}))
    assert data == project(DEMO_TYPES, names)


def test_product_types_fields_set_unknown(api):
    response = api.get(TYPES, {"fields_set": "code"})
    assert_error(response, 400, "INVALID_PARAMETER", "fields_set")


def test_product_types_narrow_fields_set_has_no_join(api):
    add_types(6)
    _, full_sql = measured(api, TYPES)
    _, narrow_sql = measured(api, TYPES, {"fields_set": "name,id"})
    assert has_join(full_sql)
    assert not has_join(narrow_sql), method_sql(narrow_sql)


def test_product_types_take_no_product_type_identifier(api):
    response = api.get(TYPES, {"product_type_identifier": "name=Decoders"})
    assert_error(response, 400, "INVALID_PARAMETER", "product_type_identifier")
