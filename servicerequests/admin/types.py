"""Admin for service request types and what they allow.

A type owns what its requests may use (statuses with a default per life cycle state,
services, physical goods, cancellation reasons, completion targets per priority), so those
are inlines of the type.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from crm.admin import (
    AllowedReasonInline,
    AllowedRowInline,
    AllowedStatusInline,
    LifeCycleTypeAdmin,
    PeriodLabelsMixin,
    TypePeriodsForm,
    completion_fieldset,
)
from crm.configuration import StateNeed
from products.models import ProductType
from servicerequests.models import (
    CompletionTarget,
    LifeCycleState,
    ServiceRequestType,
    ServiceRequestTypeCancellationReason,
    ServiceRequestTypePhysicalGood,
    ServiceRequestTypeService,
    ServiceRequestTypeStatus,
)


class AllowedRequestStatusInline(AllowedStatusInline):
    """The statuses a request type allows, one default per life cycle state."""

    model = ServiceRequestTypeStatus


class AllowedProductForm(forms.ModelForm):
    """One product or one product type per row (the model's CheckConstraint), and of the
    classification the inline is for."""

    classification: str = ""

    def clean(self):
        cleaned = super().clean()
        product, product_type = cleaned.get("product"), cleaned.get("product_type")
        if product and product_type:
            self.add_error("product_type", "Give a product or a product type, not both.")
        elif not product and not product_type:
            if "product" not in self.errors and "product_type" not in self.errors:
                self.add_error("product", "Give a product or a product type.")
        else:
            field = "product" if product else "product_type"
            chosen_type = product.product_type if product else product_type
            if chosen_type.classification != self.classification:
                label = ProductType.Classification(self.classification).label.lower()
                self.add_error(field, f"Choose one of the {label}.")
        return cleaned


class AllowedServiceForm(AllowedProductForm):
    """A service, or a type of services, a request type allows."""

    classification = ProductType.Classification.SERVICES


class AllowedPhysicalGoodForm(AllowedProductForm):
    """A physical good, or a type of physical goods, a request type allows."""

    classification = ProductType.Classification.PHYSICALGOODS


class AllowedProductFormSet(BaseInlineFormSet):
    """The same product (or product type) twice for a type: a partial unique constraint
    that Django does not check across the rows of an inline, so it is checked here."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form):
                continue
            chosen = data.get("product") or data.get("product_type")
            if chosen is None:
                continue
            if chosen in seen:
                raise forms.ValidationError(f"“{chosen}” is listed more than once.")
            seen.add(chosen)


class AllowedServiceInline(AllowedRowInline):
    """The services a request type allows: each a product or a whole product type."""

    model = ServiceRequestTypeService
    form = AllowedServiceForm
    formset = AllowedProductFormSet
    fields = ("product", "product_type")
    autocomplete_fields = ("product", "product_type")


class AllowedPhysicalGoodInline(AllowedServiceInline):
    """The physical goods a request type allows, like its services."""

    model = ServiceRequestTypePhysicalGood
    form = AllowedPhysicalGoodForm


class AllowedCancellationReasonInline(AllowedReasonInline):
    """The reasons a request of the type may be cancelled for."""

    model = ServiceRequestTypeCancellationReason


class CompletionTargetForm(PeriodLabelsMixin, forms.ModelForm):
    """A completion target's time, labelled like the type's own periods."""


class CompletionTargetInline(admin.TabularInline):
    """How soon a request of the type should be completed, per priority."""

    model = CompletionTarget
    form = CompletionTargetForm
    fields = ("priority", "time_period_value", "time_period_uot")
    extra = 0


# What requests cannot do without a status of each state (the life cycle's transitions lead
# into these states). A type may leave temporary resolution out on purpose.
REQUEST_STATE_NEEDS = (
    StateNeed((LifeCycleState.PENDING,), "be created"),
    StateNeed((LifeCycleState.RESPONDED,), "be responded to"),
    StateNeed(
        (LifeCycleState.TEMPORARY_RESOLVED,),
        "be temporarily resolved",
        required=False,
        instead="go from response straight to final resolution",
    ),
    StateNeed((LifeCycleState.FINAL_RESOLVED,), "be finally resolved"),
    StateNeed((LifeCycleState.COMPLETED,), "be completed"),
    StateNeed((LifeCycleState.CANCELLED,), "be cancelled"),
)


class ServiceRequestTypeForm(TypePeriodsForm):
    """A request type's periods, its response target among them."""

    period_pairs = (*TypePeriodsForm.period_pairs, ("response_target_value", "response_target_uot"))


@admin.register(ServiceRequestType)
class ServiceRequestTypeAdmin(LifeCycleTypeAdmin):
    """A type and what its requests may use. Saving refuses a state whose allowed statuses
    have no default; a state with no allowed status at all is a warning after saving (and
    the list says the type is not ready), since a new type is often saved before its
    statuses are set up."""

    form = ServiceRequestTypeForm

    allowed_status_model = ServiceRequestTypeStatus
    state_needs = REQUEST_STATE_NEEDS
    records_name = "requests"
    fieldsets = (
        (None, {"fields": ("name", "alternative_code", "description")}),
        completion_fieldset("Completion"),
        (
            "Service level",
            {
                "fields": (
                    "calendar",
                    ("response_target_value", "response_target_uot"),
                    "at_risk_percentage",
                ),
                "description": "Targets count working time on the calendar (none: around "
                "the clock); statuses that pause the clock (On Hold) stop the count. A "
                "change applies to targets set from now on: open requests keep their "
                "expected completion dates.",
            },
        ),
        (
            "Customer notifications",
            {"fields": ("email_customer_on_status_change", "sms_customer_on_status_change")},
        ),
        ("Allowed categories", {"fields": ("categories",)}),
    )
    filter_horizontal = ("categories",)
    autocomplete_fields = ("calendar",)
    inlines = (
        AllowedRequestStatusInline,
        AllowedServiceInline,
        AllowedPhysicalGoodInline,
        AllowedCancellationReasonInline,
        CompletionTargetInline,
    )
    list_display = (
        "name",
        "alternative_code",
        "readiness",
        "estimated_completion",
        "warning_period",
        "email_customer_on_status_change",
        "sms_customer_on_status_change",
    )
    list_filter = (
        "email_customer_on_status_change",
        "sms_customer_on_status_change",
        "estimated_completion_uot",
        "categories",
    )
