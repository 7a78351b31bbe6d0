"""``products/show``, ``products/list`` and ``product_types/list`` through real requests: the
demo objects, filters, errors, ``fields_set``, paging, query counts and permissions
(contract sections 2, 5 and 7)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from products import models as pm
from tests.conftest import Api, token_for
from tests.factories import ProductFactory, ProductTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

SHOW = "products/show"
LIST = "products/list"
TYPES = "product_types/list"
ALL_METHODS = [SHOW, LIST, TYPES]
PERMISSIONS = {
    SHOW: "products.view_product",
    LIST: "products.view_product",
    TYPES: "products.view_producttype",
}
MD = {"product_identifier": "code=Material Delivery"}
OK_STATUS = {"code": "OK", "message": "", "description": ""}
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


def product_type_object(id, name, alt, description, classification, service, good, prov):
    return {
        "id": id,
        "name": name,
        "alternative_code": alt,
        "description": description,
        "classification": classification,
        "service_type": service,
        "physical_good_type": good,
        "composition_method": "FLAT",
        "used_for_provisioning": prov,
        "udr_type": None,
        "meter_reading_type": None,
    }


ONE_TIME = product_type_object(
    "7EDF537A938DECAB1352E6EEAD54A5D0",
    "One Time Services - Flat",
    "OTS-F",
    "A type which is used for one time services",
    "SERVICES",
    "ONETIME",
    None,
    False,
)
EXPENSE = product_type_object(
    "67FA013211E348C58F7CD27F8399AADE",
    "Expense Type",
    "ET",
    None,
    "SERVICES",
    "EXPENSE",
    None,
    False,
)
ACCESSORIES = product_type_object(
    "0F94B51F175F06A475EB2948B4030074",
    "Accessories",
    "005",
    "A type which is used for accessories physical goods",
    "PHYSICALGOODS",
    None,
    "NONTRACEABLE",
    False,
)
DECODERS = product_type_object(
    "B4A1396AE3D1384B304A0FEB22F7BA50",
    "Decoders",
    "D",
    "Decoders",
    "PHYSICALGOODS",
    None,
    "TRACEABLE",
    True,
)
DEMO_TYPES = [DECODERS, ACCESSORIES, EXPENSE, ONE_TIME]  # newest first


def product_object(id, code, alt, description, product_type):
    return {
        "id": id,
        "code": code,
        "alternative_code": alt,
        "description": description,
        "priority_level": None,
        "global_rate": None,
        "product_type": product_type,
    }


MATERIAL_DELIVERY = product_object(
    "362AF22847BA4ED0CDED5CDFF8BABBC1",
    "Material Delivery",
    "MD",
    "Delivery of Materials Service Charge",
    ONE_TIME,
)
MFEE = product_object("28709F00389D79015AF4511B4A1BDFF6", "MFee", "MFee", "Meeting Fees", EXPENSE)
EXPENCE_2 = product_object(
    "81D5550CF6004CE0B206A371F9F3A18A", "Expence 2", "exp2", "Expence 2", EXPENSE
)
ANTENNA_1 = product_object(
    "70FFDF2B2A74466DD7D0D5246ED1DD2D", "Antenna 1", "ANT1", "Antenna v1", ACCESSORIES
)
DECODERS_1 = product_object(
    "E8672BB71A9B1BD25E30705AC34D7D61", "Decoders 1", "D1", "Decoders 1", DECODERS
)
DEMO_PRODUCTS = [DECODERS_1, ANTENNA_1, EXPENCE_2, MFEE, MATERIAL_DELIVERY]  # newest first

# The product inside seed 003's example, verbatim: ours adds documented keys only.
SEED_003_PRODUCT = {
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
}

_seq = itertools.count(1)


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


def measured(api, method: str, params: dict | None = None):
    with CaptureQueriesContext(connection) as ctx:
        data = ok(api.get(method, params or {}))
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


def codes(rows: list[dict]) -> list[str]:
    return [row["code"] for row in rows]


def unit_of_measurement() -> pm.UnitOfMeasurement:
    n = next(_seq)
    return pm.UnitOfMeasurement.objects.create(
        name=f"Unit {n}", alternative_code=f"UOM{n}", description=f"Unit number {n}"
    )


def global_rate(**values) -> pm.GlobalRate:
    return pm.GlobalRate.objects.create(
        **{
            "rate_model": pm.GlobalRate.RateModel.FLATFEEBASED,
            "global_base_amount": "3.5000",
            "uot": pm.GlobalRate.RateUot.MONTH,
            "time_period_value": 1,
            "time_period_uot": "MONTHS",
            **values,
        }
    )


def rich_type(i: int) -> pm.ProductType:
    """Alternately a usage type with a UDR type, a traceable type with a meter reading type,
    and a plain one-time type."""
    n = next(_seq)
    if i % 3 == 0:
        udr = pm.UdrType.objects.create(
            name=f"UDR {n}", alternative_code=f"UDR{n}", unit_of_measurement=unit_of_measurement()
        )
        return ProductTypeFactory(service_type="USAGE", udr_type=udr)
    if i % 3 == 1:
        meter = pm.MeterReadingType.objects.create(
            name=f"Meter {n}", alternative_code=f"M{n}", unit_of_measurement=unit_of_measurement()
        )
        return ProductTypeFactory(
            classification="PHYSICALGOODS",
            service_type=None,
            physical_good_type="TRACEABLE",
            meter_reading_type=meter,
        )
    return ProductTypeFactory()


def add_products(n: int) -> None:
    for i in range(n):
        ProductFactory(
            product_type=rich_type(i),
            global_rate=global_rate() if i % 2 else None,
            priority_level=i,
        )


def add_types(n: int) -> None:
    for i in range(n):
        rich_type(i)


def superuser_api(client) -> Api:
    return Api(client, token_for(UserFactory(is_superuser=True)))


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


# -- products/list ------------------------------------------------------------------------------


def test_list_is_the_demo_products_newest_first(api):
    data = ok(api.get(LIST))
    assert data == DEMO_PRODUCTS
    assert all(set(row) == PRODUCT_KEYS for row in data)


@pytest.mark.parametrize(
    "identifier",
    ["id=67FA013211E348C58F7CD27F8399AADE", "name=Expense Type", "alternative_code=ET"],
)
def test_list_by_product_type_each_key(api, identifier):
    assert ok(api.get(LIST, {"product_type_identifier": identifier})) == [EXPENCE_2, MFEE]


@pytest.mark.parametrize(
    ("classification", "expected"),
    [
        ("SERVICES", [EXPENCE_2, MFEE, MATERIAL_DELIVERY]),
        ("services", [EXPENCE_2, MFEE, MATERIAL_DELIVERY]),
        ("PHYSICALGOODS", [DECODERS_1, ANTENNA_1]),
        ("PhysicalGoods", [DECODERS_1, ANTENNA_1]),
    ],
)
def test_list_by_classification(api, classification, expected):
    assert ok(api.get(LIST, {"classification": classification})) == expected


def test_list_by_type_and_classification(api):
    both = {"product_type_identifier": "name=Decoders", "classification": "PHYSICALGOODS"}
    assert ok(api.get(LIST, both)) == [DECODERS_1]
    clash = {"product_type_identifier": "name=Decoders", "classification": "SERVICES"}
    assert ok(api.get(LIST, clash)) == []
    unused = ProductTypeFactory()
    assert ok(api.get(LIST, {"product_type_identifier": f"id={unused.id}"})) == []


def test_list_unknown_product_type(api):
    response = api.get(LIST, {"product_type_identifier": "name=Nope"})
    assert_error(response, 404, "ENTITY_NOT_FOUND", "product_type_identifier")
    response = api.get(LIST, {"product_type_identifier": "code=ET"})
    assert_error(response, 400, "INVALID_IDENTIFIER", "product_type_identifier")


@pytest.mark.parametrize("method", [LIST, TYPES])
@pytest.mark.parametrize("value", ["GOODS", "SERVICE", "PHYSICAL GOODS", "1"])
def test_bad_classification(api, method, value):
    response = api.get(method, {"classification": value})
    assert_error(response, 400, "INVALID_PARAMETER", "classification")


@pytest.mark.parametrize(
    "names",
    [["code", "id"], ["product_type"], ["global_rate", "code"], ["alternative_code"]],
)
def test_list_fields_set(api, names):
    data = ok(api.get(LIST, {"fields_set": ",".join(names)}))
    assert data == project(DEMO_PRODUCTS, names)
    assert all(set(row) == set(names) for row in data)


@pytest.mark.parametrize("value", ["name", "id,name", "product_type.name", "Code"])
def test_list_fields_set_unknown(api, value):
    assert_error(api.get(LIST, {"fields_set": value}), 400, "INVALID_PARAMETER", "fields_set")


def test_list_narrow_fields_set_has_no_join(api):
    add_products(10)
    full, full_sql = measured(api, LIST)
    narrow, narrow_sql = measured(api, LIST, {"fields_set": "code,id"})
    assert codes(narrow) == codes(full)
    assert has_join(full_sql)
    assert " LEFT OUTER JOIN " in listing_sql(full_sql, "products_product")
    assert not has_join(narrow_sql), method_sql(narrow_sql)
    assert len(narrow_sql) <= len(full_sql)
    listing = listing_sql(narrow_sql, "products_product")
    # Rows, not models (crm.api.rows): the two columns in fields_set order, named.
    assert listing.startswith(
        'SELECT "products_product"."code" AS "code", "products_product"."id" AS "id" '
        'FROM "products_product"'
    )


def test_list_fields_set_product_type_joins_only_the_type(api):
    _, sqls = measured(api, LIST, {"fields_set": "product_type"})
    listing = listing_sql(sqls, "products_product")
    assert '"products_producttype"' in listing
    assert '"products_globalrate"' not in listing


# -- paging -------------------------------------------------------------------------------------


def test_default_page_is_50(api):
    ProductFactory.create_batch(60)
    assert len(ok(api.get(LIST))) == 50
    everything = ok(api.get(LIST, {"number_of_results": "500"}))
    assert len(everything) == 65
    assert codes(ok(api.get(LIST, {"offset": "50"}))) == codes(everything[50:])
    assert codes(ok(api.get(LIST, {"offset": "60"}))) == codes(DEMO_PRODUCTS)


@pytest.mark.parametrize("method", [LIST, TYPES])
def test_paging(api, method):
    add_products(4)
    full = ok(api.get(method, {"number_of_results": "500"}))
    assert len(full) >= 8

    def page(**kw):
        return ok(api.get(method, {k: str(v) for k, v in kw.items()}))

    assert page() == full
    assert page(number_of_results=1) == full[:1]
    assert page(number_of_results=500) == full
    assert page(offset=3) == full[3:]
    assert page(offset=2, number_of_results=3) == full[2:5]
    assert page(offset=len(full)) == []
    assert page(offset=10_000, number_of_results=5) == []
    pages = [page(offset=i, number_of_results=3) for i in range(0, len(full), 3)]
    assert [row for p in pages for row in p] == full


@pytest.mark.parametrize("method", [LIST, TYPES])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("number_of_results", "0"),
        ("number_of_results", "501"),
        ("number_of_results", "1e2"),
        ("offset", "-1"),
        ("offset", "x"),
    ],
)
def test_paging_bounds(api, method, name, value):
    assert_error(api.get(method, {name: value}), 400, "INVALID_PARAMETER", name)


@pytest.mark.parametrize("method", [LIST, TYPES])
@pytest.mark.parametrize("name", ["offset", "number_of_results"])
@pytest.mark.parametrize("value", ["--5", "\u00b2", "-\u00b9"])
def test_malformed_paging_number_is_invalid_parameter(api, client, method, name, value):
    client.raise_request_exception = False
    response = api.get(method, {name: value})
    assert_error(response, 400, "INVALID_PARAMETER", name)
    assert "Traceback" not in str(response.body)


def test_newest_first_by_creation(api):
    now = timezone.now()
    future = ProductFactory(created_date=now + timedelta(minutes=10))
    past = ProductFactory(created_date=now - timedelta(days=1))
    ancient = ProductFactory(created_date=now - timedelta(days=1000))
    expected = [future.code, *codes(DEMO_PRODUCTS), past.code, ancient.code]
    assert codes(ok(api.get(LIST, {"fields_set": "code"}))) == expected
    new_type = ProductTypeFactory(created_date=now + timedelta(minutes=10))
    old_type = ProductTypeFactory(created_date=now - timedelta(days=10))
    names = [row["name"] for row in ok(api.get(TYPES, {"fields_set": "name"}))]
    # ProductFactory made one type per product, created (now) just before its product.
    made = [ancient.product_type.name, past.product_type.name, future.product_type.name]
    demo_names = [t["name"] for t in DEMO_TYPES]
    assert names == [new_type.name, *made, *demo_names, old_type.name]


def test_same_creation_date_pages_consistently(api):
    moment = timezone.now() - timedelta(days=1)
    ProductFactory.create_batch(7, created_date=moment)
    full = codes(ok(api.get(LIST, {"fields_set": "code"})))
    pages = [
        codes(ok(api.get(LIST, {"fields_set": "code", "offset": i, "number_of_results": 2})))
        for i in range(0, len(full), 2)
    ]
    assert [code for p in pages for code in p] == full
    assert len(set(full)) == 12


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


# -- query counts -------------------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_rows(api):
    params = {"number_of_results": "500"}
    before, before_sql = measured(api, LIST, params)
    add_products(50)
    after, after_sql = measured(api, LIST, params)
    assert len(after) == len(before) + 50
    assert any(row["global_rate"] for row in after)
    assert any(row["product_type"]["udr_type"] for row in after)
    assert any(row["product_type"]["meter_reading_type"] for row in after)
    assert len(after_sql) == len(before_sql), method_sql(after_sql)
    filtered, filtered_sql = measured(api, LIST, {**params, "classification": "PHYSICALGOODS"})
    assert filtered
    assert len(filtered_sql) == len(before_sql)


def test_product_types_query_count_does_not_grow_with_rows(api):
    params = {"number_of_results": "500"}
    before, before_sql = measured(api, TYPES, params)
    add_types(50)
    after, after_sql = measured(api, TYPES, params)
    assert len(after) == len(before) + 50
    assert len(after_sql) == len(before_sql), method_sql(after_sql)


def test_show_query_count_is_the_same_for_bare_and_rich_products(api):
    add_products(3)
    rich = pm.Product.objects.filter(global_rate__isnull=False).first()
    _, bare_sql = measured(api, SHOW, MD)
    data, rich_sql = measured(api, SHOW, {"product_identifier": f"id={rich.id}"})
    assert data["global_rate"]
    assert len(rich_sql) == len(bare_sql)


def test_list_query_count_with_1_and_200_products(client, db):
    """One more product, then two hundred more, next to the demo's."""
    api = superuser_api(client)
    before = pm.Product.objects.count()
    add_products(1)
    one, one_sql = measured(api, LIST, {"number_of_results": "500"})
    add_products(199)
    many, many_sql = measured(api, LIST, {"number_of_results": "500"})
    assert (len(one), len(many)) == (before + 1, before + 200)
    assert len(many_sql) == len(one_sql), method_sql(many_sql)


# -- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ALL_METHODS)
def test_no_permission_is_denied(client, demo, method):
    nobody = Api(client, token_for(UserFactory()))
    response = nobody.get(method, MD if method == SHOW else {})
    assert_error(response, 403, "PERMISSION_DENIED", "")
    assert PERMISSIONS[method] in response.description
    # Refused before the parameters are looked at: nothing about the product leaks.
    unknown = nobody.get(method, {"product_identifier": "code=Nope"} if method == SHOW else {})
    assert unknown.code == "PERMISSION_DENIED"


@pytest.mark.parametrize(("method", "params"), [(SHOW, MD), (LIST, {}), (TYPES, {})])
def test_agent_may_read(api, agent_api, method, params):
    assert ok(agent_api.get(method, params)) == ok(api.get(method, params))


@pytest.mark.parametrize("method", ALL_METHODS)
def test_without_token(anon_api, demo, method):
    assert_error(anon_api.get(method, MD if method == SHOW else {}), 401, "INVALID_TOKEN", "token")
