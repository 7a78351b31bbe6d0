"""Admin for products and product types, and the units, UDR and meter reading types and
global rates they refer to."""

from django import forms
from django.contrib import admin

from crm.admin import DetailSelectRelatedMixin, NamedConfigAdmin, ParentedConfigAdmin
from products.models import (
    GlobalRate,
    MeterReadingType,
    Product,
    ProductType,
    UdrType,
    UnitOfMeasurement,
)


@admin.register(UnitOfMeasurement)
class UnitOfMeasurementAdmin(NamedConfigAdmin):
    """A unit that usage and meter readings are measured in."""


@admin.register(UdrType)
class UdrTypeAdmin(ParentedConfigAdmin):
    """A usage detail record type, in its unit of measurement."""

    parent_field = "unit_of_measurement"


@admin.register(MeterReadingType)
class MeterReadingTypeAdmin(ParentedConfigAdmin):
    """A type of meter reading, in its unit of measurement, also found by classification."""

    parent_field = "unit_of_measurement"
    list_display = ("name", "alternative_code", "classification", "unit_of_measurement")
    search_fields = ("name", "alternative_code", "classification")


@admin.register(GlobalRate)
class GlobalRateAdmin(admin.ModelAdmin):
    """Products' base prices in the global price plan, newest first."""

    list_display = ("__str__", "product", "rate_model", "global_base_amount", "uot")
    ordering = ("-created_date",)
    # ``product`` is the reverse side of Product.global_rate: joined, not fetched per row.
    list_select_related = ("product",)
    list_filter = ("rate_model", "base_rate_applied_per", "uot")
    search_fields = ("product__code", "=rate_model")


class ProductTypeForm(forms.ModelForm):
    """The model's classification rules (CheckConstraints), as errors on the field to fix.

    An error on a field also takes it out of model validation, so the admin sees these
    messages instead of a generic "constraint violated".
    """

    def clean(self):
        cleaned = super().clean()
        classification = cleaned.get("classification")
        service_type = cleaned.get("service_type")
        good_type = cleaned.get("physical_good_type")
        if classification == ProductType.Classification.SERVICES:
            if not service_type:
                self.add_error("service_type", "A services type needs a service type.")
            if good_type:
                self.add_error("physical_good_type", "Only physical goods types have one.")
        elif classification == ProductType.Classification.PHYSICALGOODS:
            if not good_type:
                self.add_error("physical_good_type", "A physical goods type needs one.")
            if service_type:
                self.add_error("service_type", "Only services types have one.")
        if cleaned.get("udr_type") and service_type != ProductType.ServiceType.USAGE:
            self.add_error("udr_type", "Only usage services have a UDR type.")
        if (
            cleaned.get("meter_reading_type")
            and good_type != ProductType.PhysicalGoodType.TRACEABLE
        ):
            self.add_error("meter_reading_type", "Only traceable physical goods have one.")
        return cleaned


@admin.register(ProductType)
class ProductTypeAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """A product type: services or physical goods, and of which kind."""

    form = ProductTypeForm
    list_display = (
        "name",
        "alternative_code",
        "classification",
        "service_type",
        "physical_good_type",
        "composition_method",
        "used_for_provisioning",
        "udr_type",
        "meter_reading_type",
    )
    list_select_related = ("udr_type", "meter_reading_type")
    list_filter = (
        "classification",
        "service_type",
        "physical_good_type",
        "composition_method",
        "used_for_provisioning",
    )
    search_fields = ("name", "alternative_code")
    autocomplete_fields = ("udr_type", "meter_reading_type")
    detail_select_related = ("udr_type", "meter_reading_type")


@admin.register(Product)
class ProductAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """A product, with its type's classification as a column."""

    list_display = (
        "code",
        "alternative_code",
        "product_type",
        "classification",
        "priority_level",
        "global_rate",
    )
    list_select_related = ("product_type", "global_rate")
    list_filter = ("product_type__classification", "product_type__service_type", "product_type")
    search_fields = ("code", "alternative_code", "description")
    autocomplete_fields = ("product_type", "global_rate")
    detail_select_related = ("product_type", "global_rate")

    @admin.display(description="classification", ordering="product_type__classification")
    def classification(self, obj) -> str:
        return obj.product_type.get_classification_display()
