"""Shared constants and helpers for the ``service_requests/configuration/<x>/list`` tests: the
methods and their demo call parameters (``CASES``), the expected demo objects, the ``add_*``
builders of extra rows (``ADDERS``) and the response and SQL helpers (``ok()``,
``assert_error()``, ``measured()`` ...)."""

from __future__ import annotations

import itertools
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

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
