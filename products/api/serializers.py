"""The product and product type objects of the Web API (reference section 4.4 to 4.6)."""

from crm.api.formats import stored_period
from crm.api.representation import (
    TIME_PERIOD_SCHEMA,
    Attr,
    Choice,
    Computed,
    Id,
    Nested,
    Representation,
    attrs,
)
from products.models import (
    GlobalRate,
    MeterReadingType,
    Product,
    ProductType,
    UdrType,
    UnitOfMeasurement,
)

ID = {"type": "string", "example": "362AF22847BA4ED0CDED5CDFF8BABBC1"}


class UnitOfMeasurementRepr(Representation):
    model = UnitOfMeasurement
    fields = {"id": Id(ID), **attrs("name", "description", "alternative_code")}


class UdrTypeRepr(Representation):
    model = UdrType
    description = "Usage detail record type."
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
        "unit_of_measurement": Nested("unit_of_measurement", UnitOfMeasurementRepr),
    }


class MeterReadingTypeRepr(Representation):
    model = MeterReadingType
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "classification", "description"),
        "unit_of_measurement": Nested("unit_of_measurement", UnitOfMeasurementRepr),
    }


class GlobalRateRepr(Representation):
    model = GlobalRate
    fields = {
        "id": Id(ID),
        "rate_model": Choice("rate_model", GlobalRate.RateModel.values),
        "global_base_amount": Attr("global_base_amount", schema={"type": "number"}),
        "base_rate_applied_per": Choice("base_rate_applied_per", GlobalRate.AppliedPer.values),
        "uot": Choice("uot", GlobalRate.RateUot.values),
        "time_period": Computed(
            lambda rate, ctx: stored_period(rate.time_period_value, rate.time_period_uot),
            columns=["time_period_value", "time_period_uot"],
            schema=TIME_PERIOD_SCHEMA,
            nullable=False,
        ),
        "uom": Attr("uom"),
    }


class ProductTypeRepr(Representation):
    model = ProductType
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
        "classification": Choice("classification", ProductType.Classification.values),
        "service_type": Choice("service_type", ProductType.ServiceType.values),
        "physical_good_type": Choice("physical_good_type", ProductType.PhysicalGoodType.values),
        "composition_method": Choice("composition_method", ProductType.CompositionMethod.values),
        "used_for_provisioning": Attr("used_for_provisioning", schema={"type": "boolean"}),
        "udr_type": Nested("udr_type", UdrTypeRepr),
        "meter_reading_type": Nested("meter_reading_type", MeterReadingTypeRepr),
    }


class ProductRepr(Representation):
    model = Product
    fields = {
        "id": Id(ID),
        **attrs("code", "alternative_code", "description"),
        "priority_level": Attr("priority_level", schema={"type": "integer"}),
        "global_rate": Nested("global_rate", GlobalRateRepr),
        "product_type": Nested("product_type", ProductTypeRepr),
    }


def product_row_repr(name: str, model, id_schema: dict, *, before=None, after=None) -> type:
    """A row of a set that holds a product (a request's service, a job's expense):
    ``{id, <before>, product, <after>}``."""
    fields = {
        "id": Id(id_schema),
        **(before or {}),
        "product": Nested("product", ProductRepr, nullable=False),
        **(after or {}),
    }
    return type(name, (Representation,), {"model": model, "fields": fields})
