"""``service_requests/update`` of the three sets: adding, updating and removing services,
physical goods and related requests by action, the restrictions of each item, and a refused
item that undoes the whole write (contract section 3, reference section 2.6)."""

from __future__ import annotations

import pytest

from servicerequests import models as sm
from tests.factories import (
    ProductFactory,
)
from tests.servicerequests.helpers import (
    D1,
    MD,
    assert_error,
    assert_update_refused,
    make_sr,
    snapshot,
    update,
)

pytestmark = pytest.mark.django_db

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
