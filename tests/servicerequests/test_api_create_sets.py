"""``service_requests/create`` with its three sets: services, physical goods (serial numbers
only where they can be traced) and related requests, each limited to what the type allows
(contract section 3, reference section 2.5). Every refused create writes nothing."""

from __future__ import annotations

import pytest

from products.models import Product, ProductType
from servicerequests import models as sm
from tests.factories import (
    ProductFactory,
    ProductTypeFactory,
)
from tests.servicerequests.helpers import (
    D1,
    MD,
    assert_create_refused,
    create,
    make_sr,
)

pytestmark = pytest.mark.django_db

# -- create: the sets ---------------------------------------------------------------------------


def allow_good(product: Product | None = None, product_type: ProductType | None = None) -> None:
    sm.ServiceRequestTypePhysicalGood.objects.create(
        type=sm.ServiceRequestType.objects.get(name="Technical Support"),
        product=product,
        product_type=product_type,
    )


def test_create_with_the_three_sets(api, demo):
    other = create(api)
    data = create(
        api,
        services_set=[{"product_identifier": MD}],
        physical_goods_set=[
            {"product_identifier": D1, "serial_number": "SN1"},
            {"product_identifier": {"alternative_code": "D1"}},
        ],
        related_service_requests_set=[
            {"service_request_identifier": {"number": other["number"]}, "description": "Dup"}
        ],
    )
    sr = sm.ServiceRequest.objects.get(number=data["number"])
    assert sorted(sr.services.values_list("product__code", flat=True)) == ["Material Delivery"]
    assert sorted(sr.physical_goods.values_list("product__code", "serial_number"), key=str) == [
        ("Decoders 1", "SN1"),
        ("Decoders 1", None),
    ]
    assert list(sr.relations.values_list("related__number", "description")) == [
        (other["number"], "Dup")
    ]
    assert [g["serial_number"] for g in data["physical_goods_set"]] == [
        g.serial_number for g in sr.physical_goods.order_by("pk")
    ]


@pytest.mark.parametrize(
    ("sets", "param"),
    [
        ({"services_set": [{"product_identifier": D1}]}, "services_set[0].product_identifier"),
        (
            {"services_set": [{"product_identifier": MD}, {"product_identifier": MD}]},
            "services_set[1].product_identifier",
        ),
        (
            {"services_set": [{"product_identifier": {"code": "Expence 2"}}]},
            "services_set[0].product_identifier",
        ),
        (
            {"physical_goods_set": [{"product_identifier": D1}, {"product_identifier": MD}]},
            "physical_goods_set[1].product_identifier",
        ),
        (
            {"physical_goods_set": [{"product_identifier": {"code": "Antenna 1"}}]},
            "physical_goods_set[0].product_identifier",
        ),
    ],
)
def test_create_refuses_products_the_type_does_not_allow(api, demo, sets, param):
    assert_create_refused(api, 422, "VALIDATION_ERROR", param, **sets)


def test_a_service_allowed_through_its_product_type(api, demo):
    product = ProductFactory()
    assert_create_refused(
        api,
        422,
        "VALIDATION_ERROR",
        "services_set[0].product_identifier",
        services_set=[{"product_identifier": {"code": product.code}}],
    )
    sm.ServiceRequestTypeService.objects.create(
        type=sm.ServiceRequestType.objects.get(name="Technical Support"),
        product_type=product.product_type,
    )
    data = create(api, services_set=[{"product_identifier": {"code": product.code}}])
    assert [s["product"]["code"] for s in data["services_set"]] == [product.code]


def test_serial_numbers_only_for_traceable_flat_goods(api, demo):
    antenna = Product.objects.get(code="Antenna 1")  # NONTRACEABLE
    allow_good(product_type=antenna.product_type)
    bundle = ProductFactory(
        product_type=ProductTypeFactory(
            classification=ProductType.Classification.PHYSICALGOODS,
            service_type=None,
            physical_good_type=ProductType.PhysicalGoodType.TRACEABLE,
            composition_method=ProductType.CompositionMethod.FIXEDBUNDLE,
        )
    )
    allow_good(product=bundle)
    for product in (antenna, bundle):
        assert_create_refused(
            api,
            422,
            "VALIDATION_ERROR",
            "physical_goods_set[0].product_identifier",
            physical_goods_set=[{"product_identifier": {"id": product.id}, "serial_number": "S"}],
        )
        data = create(api, physical_goods_set=[{"product_identifier": {"id": product.id}}])
        assert [g["product"]["id"] for g in data["physical_goods_set"]] == [product.id]
    data = create(api, physical_goods_set=[{"product_identifier": D1, "serial_number": "S"}])
    assert data["physical_goods_set"][0]["serial_number"] == "S"


def test_related_requests_on_create(api, demo):
    other = make_sr()
    assert_create_refused(
        api,
        404,
        "ENTITY_NOT_FOUND",
        "related_service_requests_set[0].service_request_identifier",
        related_service_requests_set=[{"service_request_identifier": {"number": "SR99999999"}}],
    )
    assert_create_refused(
        api,
        422,
        "VALIDATION_ERROR",
        "related_service_requests_set[1].service_request_identifier",
        related_service_requests_set=[
            {"service_request_identifier": {"number": other.number}},
            {"service_request_identifier": {"id": other.id}},
        ],
    )
    assert_create_refused(
        api,
        400,
        "MISSING_MANDATORY_PARAMETER",
        "related_service_requests_set[0].service_request_identifier",
        related_service_requests_set=[{"description": "which?"}],
    )
