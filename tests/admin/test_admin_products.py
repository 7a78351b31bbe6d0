"""Products in the admin: the services and physical goods a service request type allows (one
product or one product type, never twice) and the classification rules of a product type,
each a form error."""

from __future__ import annotations

import pytest

from products.models import MeterReadingType, Product, ProductType, UdrType
from servicerequests import models as sm
from tests.admin.helpers import add_inline_row, errors_of, form_data, has_error, inline_formset, url

# -- service request types: allowed services and physical goods ------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"product": "MFee", "product_type": "Expense Type"}, "not both"),
        ({"product": "Antenna 1", "product_type": ""}, "Choose one of the services."),
    ],
)
def test_allowed_service_is_one_product_or_one_type(staff_client, values, message):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    refs = {"product": Product.objects.filter(code=values["product"])}
    refs["product_type"] = ProductType.objects.filter(name=values["product_type"])
    row = {key: str(queryset[0].pk) if queryset else "" for key, queryset in refs.items()}
    before = sm.ServiceRequestTypeService.objects.filter(type=sr_type).count()
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    data = form_data(page)
    add_inline_row(data, inline_formset(page, sm.ServiceRequestTypeService), row)

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert has_error(response, message)
    assert sm.ServiceRequestTypeService.objects.filter(type=sr_type).count() == before


def test_allowed_service_row_cleared_of_both_is_an_error(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    form = inline_formset(page, sm.ServiceRequestTypeService).forms[0]
    data = form_data(page)
    data[f"{form.prefix}-product"] = ""

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert has_error(response, "Give a product or a product type.")
    row = sm.ServiceRequestTypeService.objects.get(pk=form.instance.pk)
    assert row.product.code == "Material Delivery"


def test_the_same_allowed_good_twice_is_an_error(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    data = form_data(page)
    decoder = Product.objects.get(code="Decoders 1")
    formset = inline_formset(page, sm.ServiceRequestTypePhysicalGood)
    add_inline_row(data, formset, {"product": decoder.pk, "product_type": ""})

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert has_error(response, "“Decoders 1” is listed more than once.")
    assert sm.ServiceRequestTypePhysicalGood.objects.filter(type=sr_type).count() == 1


def test_allowed_physical_good_by_product_type_is_saved(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    data = form_data(page)
    accessories = ProductType.objects.get(name="Accessories")
    add_inline_row(
        data,
        inline_formset(page, sm.ServiceRequestTypePhysicalGood),
        {"product": "", "product_type": accessories.pk},
    )
    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)
    assert response.status_code == 302, errors_of(response)
    row = sm.ServiceRequestTypePhysicalGood.objects.get(type=sr_type, product_type=accessories)
    assert row.product is None


# -- product types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"classification": "SERVICES"}, "service_type", "needs a service type"),
        (
            {
                "classification": "SERVICES",
                "service_type": "ONETIME",
                "physical_good_type": "TRACEABLE",
            },
            "physical_good_type",
            "Only physical goods types",
        ),
        ({"classification": "PHYSICALGOODS"}, "physical_good_type", "needs one"),
        (
            {"classification": "SERVICES", "service_type": "ONETIME", "udr_type": "UDR"},
            "udr_type",
            "Only usage services",
        ),
        (
            {
                "classification": "PHYSICALGOODS",
                "physical_good_type": "NONTRACEABLE",
                "meter_reading_type": "METER",
            },
            "meter_reading_type",
            "Only traceable physical goods",
        ),
    ],
)
def test_product_type_classification_rules_are_field_errors(staff_client, values, field, message):
    refs = {
        "UDR": UdrType.objects.create(name="Calls").pk,
        "METER": MeterReadingType.objects.create(name="Electricity").pk,
    }
    data = {"name": "Broken type", "composition_method": "FLAT"}
    data.update({key: refs.get(value, value) for key, value in values.items()})

    response = staff_client.post(url(ProductType, "add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors[field])
    assert "Constraint" not in str(errors)
    assert not ProductType.objects.filter(name="Broken type").exists()


def test_product_type_valid_usage_service_is_saved(staff_client):
    udr = UdrType.objects.create(name="Calls")
    response = staff_client.post(
        url(ProductType, "add"),
        {
            "name": "Usage type",
            "classification": "SERVICES",
            "service_type": "USAGE",
            "composition_method": "FLAT",
            "udr_type": udr.pk,
        },
    )
    assert response.status_code == 302, errors_of(response)
    assert ProductType.objects.get(name="Usage type").udr_type == udr
