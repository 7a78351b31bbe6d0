"""``products/show`` through real requests: the demo objects, a rich product, errors and
``fields_set`` (contract sections 2, 5 and 7)."""

from __future__ import annotations

import pytest

from products import models as pm
from tests.factories import ProductFactory, ProductTypeFactory
from tests.products.api_helpers import (
    DEMO_PRODUCTS,
    MATERIAL_DELIVERY,
    MD,
    PRODUCT_KEYS,
    PRODUCT_TYPE_KEYS,
    SEED_003_PRODUCT,
    SHOW,
    assert_error,
    global_rate,
    has_join,
    measured,
    method_sql,
    ok,
)

pytestmark = pytest.mark.django_db


# -- products/show ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    ["id=362AF22847BA4ED0CDED5CDFF8BABBC1", "code=Material Delivery", "alternative_code=MD"],
)
def test_show_by_each_key(api, identifier):
    data = ok(api.get(SHOW, {"product_identifier": identifier}))
    assert data == MATERIAL_DELIVERY
    assert set(data) == PRODUCT_KEYS
    assert set(data["product_type"]) == PRODUCT_TYPE_KEYS


def test_show_contains_seed_003_product(api):
    data = ok(api.get(SHOW, MD))
    assert SEED_003_PRODUCT["product_type"].items() <= data["product_type"].items()
    top = {k: v for k, v in SEED_003_PRODUCT.items() if k != "product_type"}
    assert top.items() <= data.items()
    assert set(data) - set(SEED_003_PRODUCT) == {"priority_level", "global_rate"}
    extra_type_keys = set(data["product_type"]) - set(SEED_003_PRODUCT["product_type"])
    assert extra_type_keys == {"udr_type", "meter_reading_type"}


@pytest.mark.parametrize("product", DEMO_PRODUCTS, ids=lambda p: p["code"])
def test_show_every_demo_product(api, product):
    assert ok(api.get(SHOW, {"product_identifier": f"id={product['id']}"})) == product


def test_show_rich_product(api):
    uom = pm.UnitOfMeasurement.objects.create(name="Minutes", alternative_code="MIN")
    udr = pm.UdrType.objects.create(
        name="Voice", alternative_code="VC", description="Voice calls", unit_of_measurement=uom
    )
    usage = ProductTypeFactory(
        name="Usage Services",
        alternative_code="US",
        description="Usage",
        service_type="USAGE",
        composition_method="FIXEDBUNDLE",
        used_for_provisioning=True,
        udr_type=udr,
    )
    rate = global_rate(
        rate_model="QUANTITYANDPERIODBASED",
        global_base_amount="19.9900",
        base_rate_applied_per="Period_Item",
        uot=None,
        time_period_value=3,
        time_period_uot="MONTHS",
        uom="minutes",
    )
    product = ProductFactory(
        code="Talk 100",
        alternative_code="T100",
        description="100 minutes",
        priority_level=2,
        product_type=usage,
        global_rate=rate,
    )
    data = ok(api.get(SHOW, {"product_identifier": "alternative_code=T100"}))
    assert data == {
        "id": product.id,
        "code": "Talk 100",
        "alternative_code": "T100",
        "description": "100 minutes",
        "priority_level": 2,
        "global_rate": {
            "id": rate.id,
            "rate_model": "QUANTITYANDPERIODBASED",
            "global_base_amount": 19.99,
            "base_rate_applied_per": "Period_Item",
            "uot": None,
            "time_period": {"time_period_value": 3, "time_period_uot": "MONTHS"},
            "uom": "minutes",
        },
        "product_type": {
            "id": usage.id,
            "name": "Usage Services",
            "alternative_code": "US",
            "description": "Usage",
            "classification": "SERVICES",
            "service_type": "USAGE",
            "physical_good_type": None,
            "composition_method": "FIXEDBUNDLE",
            "used_for_provisioning": True,
            "udr_type": {
                "id": udr.id,
                "name": "Voice",
                "alternative_code": "VC",
                "description": "Voice calls",
                "unit_of_measurement": {
                    "id": uom.id,
                    "name": "Minutes",
                    "description": None,
                    "alternative_code": "MIN",
                },
            },
            "meter_reading_type": None,
        },
    }


def test_show_meter_reading_type_and_empty_rate_period(api):
    meter = pm.MeterReadingType.objects.create(
        name="Water", alternative_code="W", classification="UTILITY", description="Water meter"
    )
    meters = ProductTypeFactory(
        classification="PHYSICALGOODS",
        service_type=None,
        physical_good_type="TRACEABLE",
        meter_reading_type=meter,
    )
    rate = global_rate(time_period_value=None, time_period_uot=None, uot=None)
    product = ProductFactory(product_type=meters, global_rate=rate)
    data = ok(api.get(SHOW, {"product_identifier": f"code={product.code}"}))
    assert data["product_type"]["meter_reading_type"] == {
        "id": meter.id,
        "name": "Water",
        "alternative_code": "W",
        "classification": "UTILITY",
        "description": "Water meter",
        "unit_of_measurement": None,
    }
    assert data["product_type"]["udr_type"] is None
    assert data["global_rate"]["time_period"] == {
        "time_period_value": None,
        "time_period_uot": None,
    }
    assert data["global_rate"]["global_base_amount"] == 3.5


def test_show_missing_identifier(api):
    response = api.get(SHOW)
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", "product_identifier")
    response = api.get(SHOW, {"product_identifier": ""})
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", "product_identifier")


@pytest.mark.parametrize(
    "identifier", ["code=Nope", "alternative_code=Material Delivery", "id=" + "0" * 32, "code=md"]
)
def test_show_unknown_product(api, identifier):
    response = api.get(SHOW, {"product_identifier": identifier})
    assert_error(response, 404, "ENTITY_NOT_FOUND", "product_identifier")


@pytest.mark.parametrize("identifier", ["name=Material Delivery", "Material Delivery", "code="])
def test_show_bad_identifier(api, identifier):
    response = api.get(SHOW, {"product_identifier": identifier})
    assert_error(response, 400, "INVALID_IDENTIFIER", "product_identifier")


@pytest.mark.parametrize(
    "names", [["code", "id"], ["product_type"], ["global_rate", "priority_level", "description"]]
)
def test_show_fields_set(api, names):
    data = ok(api.get(SHOW, {**MD, "fields_set": ",".join(names)}))
    assert data == {name: MATERIAL_DELIVERY[name] for name in names}


def test_show_fields_set_unknown(api):
    response = api.get(SHOW, {**MD, "fields_set": "code,name"})
    assert_error(response, 400, "INVALID_PARAMETER", "fields_set")


def test_show_narrow_fields_set_has_no_join(api):
    _, full_sql = measured(api, SHOW, MD)
    _, narrow_sql = measured(api, SHOW, {**MD, "fields_set": "code,id"})
    assert has_join(full_sql)
    assert not has_join(narrow_sql), method_sql(narrow_sql)


def test_show_takes_no_paging(api):
    response = api.get(SHOW, {**MD, "number_of_results": "1"})
    assert_error(response, 400, "INVALID_PARAMETER", "number_of_results")
