"""What the products API tests share: the demo objects as the Web API shows them, calls,
error checks, SQL probes and factories for rich rows."""

from __future__ import annotations

import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext

from products import models as pm
from tests.conftest import Api, token_for
from tests.factories import ProductFactory, ProductTypeFactory, UserFactory

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
