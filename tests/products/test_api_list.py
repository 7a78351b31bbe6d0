"""``products/list`` through real requests: the demo products, filters, errors, ``fields_set``
and paging (contract sections 2, 5 and 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ProductFactory, ProductTypeFactory
from tests.products.api_helpers import (
    ANTENNA_1,
    DECODERS_1,
    DEMO_PRODUCTS,
    DEMO_TYPES,
    EXPENCE_2,
    LIST,
    MATERIAL_DELIVERY,
    MFEE,
    PRODUCT_KEYS,
    TYPES,
    add_products,
    assert_error,
    codes,
    has_join,
    listing_sql,
    measured,
    method_sql,
    ok,
    project,
)

pytestmark = pytest.mark.django_db


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
