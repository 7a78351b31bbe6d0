"""Admin for service request configuration, and a read-mostly view of the requests.

A type owns what its requests may use (statuses with a default per life cycle state,
services, physical goods, cancellation reasons, completion targets per priority), so those
are inlines of the type. Requests themselves are written by the services (every transition
writes an event under a row lock); the admin shows them, events included, and lets an admin
correct only the free-text and user-defined fields.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from crm.admin import (
    DetailSelectRelatedMixin,
    PeriodPairsForm,
    ReadOnlyInline,
    ReasonDefaultsFormSet,
    StatusDefaultsFormSet,
    StatusStateAdminMixin,
    StatusStateForm,
)
from products.models import ProductType
from servicerequests.models import (
    CancellationReason,
    CompletionTarget,
    FinalResolutionCategory,
    PriorityRule,
    ResponseCategory,
    ServiceRequest,
    ServiceRequestCategory,
    ServiceRequestEvent,
    ServiceRequestStatus,
    ServiceRequestType,
    ServiceRequestTypeCancellationReason,
    ServiceRequestTypePhysicalGood,
    ServiceRequestTypeService,
    ServiceRequestTypeStatus,
    TemporaryResolutionCategory,
)

# -- statuses, categories, reasons, priority matrix -------------------------------------------


class ServiceRequestStatusForm(StatusStateForm):
    records_model = ServiceRequest
    allowed_model = ServiceRequestTypeStatus


@admin.register(ServiceRequestStatus)
class ServiceRequestStatusAdmin(StatusStateAdminMixin, admin.ModelAdmin):
    form = ServiceRequestStatusForm
    allowed_model = ServiceRequestTypeStatus
    list_display = ("name", "alternative_code", "life_cycle_state", "description")
    list_select_related = ()
    list_filter = ("life_cycle_state", "types")
    search_fields = ("name", "alternative_code")


class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "requires_customer_acceptance", "description")
    list_select_related = ()
    list_filter = ("requires_customer_acceptance",)
    search_fields = ("name", "code")


@admin.register(ServiceRequestCategory)
class ServiceRequestCategoryAdmin(CategoryAdmin):
    list_filter = ("requires_customer_acceptance", "types")


admin.site.register(ResponseCategory, CategoryAdmin)
admin.site.register(TemporaryResolutionCategory, CategoryAdmin)
admin.site.register(FinalResolutionCategory, CategoryAdmin)


@admin.register(CancellationReason)
class CancellationReasonAdmin(admin.ModelAdmin):
    list_display = ("name", "alternative_code", "description")
    list_select_related = ()
    list_filter = ("types",)
    search_fields = ("name", "alternative_code")


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    """The impact x urgency matrix, edited in place on the changelist."""

    list_display = ("impact_level", "urgency_level", "priority")
    list_display_links = ("impact_level",)
    list_editable = ("priority",)
    list_select_related = ()
    list_filter = ("impact_level", "urgency_level", "priority")
    search_fields = ("=impact_level", "=urgency_level", "=priority")


# -- types and what they allow ------------------------------------------------------------------


class AllowedStatusInline(admin.TabularInline):
    model = ServiceRequestTypeStatus
    formset = StatusDefaultsFormSet
    fields = ("status", "is_default", "life_cycle_state")
    readonly_fields = ("life_cycle_state",)
    autocomplete_fields = ("status",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("life_cycle_state", "created_date")


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
    classification = ProductType.Classification.SERVICES


class AllowedPhysicalGoodForm(AllowedProductForm):
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


class AllowedServiceInline(admin.TabularInline):
    model = ServiceRequestTypeService
    form = AllowedServiceForm
    formset = AllowedProductFormSet
    fields = ("product", "product_type")
    autocomplete_fields = ("product", "product_type")
    ordering = ("created_date",)
    extra = 0


class AllowedPhysicalGoodInline(AllowedServiceInline):
    model = ServiceRequestTypePhysicalGood
    form = AllowedPhysicalGoodForm


class AllowedCancellationReasonInline(admin.TabularInline):
    model = ServiceRequestTypeCancellationReason
    formset = ReasonDefaultsFormSet
    fields = ("reason", "is_default")
    autocomplete_fields = ("reason",)
    ordering = ("created_date",)
    extra = 0


class CompletionTargetInline(admin.TabularInline):
    model = CompletionTarget
    fields = ("priority", "time_period_value", "time_period_uot")
    extra = 0


class ServiceRequestTypeForm(PeriodPairsForm):
    period_pairs = (
        ("estimated_completion_value", "estimated_completion_uot"),
        ("warning_period_value", "warning_period_uot"),
    )


def period(value, unit) -> str:
    return f"{value} {unit.lower()}" if value is not None and unit else "—"


@admin.register(ServiceRequestType)
class ServiceRequestTypeAdmin(admin.ModelAdmin):
    form = ServiceRequestTypeForm
    fieldsets = (
        (None, {"fields": ("name", "alternative_code", "description")}),
        (
            "Completion",
            {
                "fields": (
                    ("estimated_completion_value", "estimated_completion_uot"),
                    ("warning_period_value", "warning_period_uot"),
                )
            },
        ),
        (
            "Customer notifications",
            {"fields": ("email_customer_on_status_change", "sms_customer_on_status_change")},
        ),
        ("Allowed categories", {"fields": ("categories",)}),
    )
    filter_horizontal = ("categories",)
    inlines = (
        AllowedStatusInline,
        AllowedServiceInline,
        AllowedPhysicalGoodInline,
        AllowedCancellationReasonInline,
        CompletionTargetInline,
    )
    list_display = (
        "name",
        "alternative_code",
        "estimated_completion",
        "warning_period",
        "email_customer_on_status_change",
        "sms_customer_on_status_change",
    )
    list_select_related = ()
    list_filter = (
        "email_customer_on_status_change",
        "sms_customer_on_status_change",
        "estimated_completion_uot",
        "categories",
    )
    search_fields = ("name", "alternative_code")

    @admin.display(description="estimated completion")
    def estimated_completion(self, obj) -> str:
        return period(obj.estimated_completion_value, obj.estimated_completion_uot)

    @admin.display(description="warning period")
    def warning_period(self, obj) -> str:
        return period(obj.warning_period_value, obj.warning_period_uot)


# -- requests ----------------------------------------------------------------------------------


class ServiceRequestEventInline(ReadOnlyInline):
    model = ServiceRequestEvent
    fields = (
        "created_at",
        "action",
        "from_state",
        "to_state",
        "from_status",
        "to_status",
        "user",
        "unit",
        "note",
        "changes",
    )
    select_related = ("from_status", "to_status", "user", "unit")


UDF_FIELDS = tuple(
    f"udf_{kind}_{n}"
    for kind, count in (("string", 8), ("float", 4), ("date", 4))
    for n in range(1, count + 1)
)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """For inspection. Creating a request and every transition belong to the services (they
    number it, check the type's rules and write an event), so the admin may not add requests
    or change their workflow fields; deleting one would erase its history."""

    editable_fields = ("description", *UDF_FIELDS)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("number", "id"),
                    ("type", "category"),
                    ("status", "life_cycle_state"),
                    ("priority", "urgency_level", "impact_level"),
                )
            },
        ),
        (
            "Customer",
            {
                "fields": (
                    "accounts_receivable",
                    ("caller", "caller_email", "caller_phone"),
                    ("referring_to_subscription", "referring_to_job"),
                )
            },
        ),
        (
            "Ownership",
            {
                "fields": (
                    ("owned_by_group", "privacy_level"),
                    ("assigned_to_user", "assigned_to_unit"),
                )
            },
        ),
        (
            "Dates",
            {
                "fields": (
                    ("start_date", "expected_completion_date"),
                    ("estimated_completion_value", "estimated_completion_uot"),
                    "approaching_completion",
                    ("completed_date", "cancelled_date", "cancellation_reason"),
                )
            },
        ),
        ("Description", {"fields": ("description", "notes")}),
        *(
            (
                title,
                {
                    "classes": ("collapse",),
                    "fields": (
                        (f"{prefix}_category", f"{by}", f"{prefix}_date"),
                        f"{prefix}_description",
                        (f"{prefix}_accepted_by", f"{prefix}_accepted_date"),
                    ),
                },
            )
            for title, prefix, by in (
                ("Response", "response", "responded_by"),
                ("Temporary resolution", "temporary_resolution", "temporary_resolved_by"),
                ("Final resolution", "final_resolution", "final_resolved_by"),
            )
        ),
        ("User-defined fields", {"classes": ("collapse",), "fields": UDF_FIELDS}),
        (
            "Log information",
            {
                "classes": ("collapse",),
                "fields": (
                    ("created_date", "created_by_user", "created_by_unit"),
                    ("updated_date", "updated_by_user", "updated_by_unit"),
                ),
            },
        ),
    )
    inlines = (ServiceRequestEventInline,)
    list_display = (
        "number",
        "type",
        "status",
        "life_cycle_state",
        "priority",
        "accounts_receivable",
        "created_date",
        "expected_completion_date",
    )
    list_select_related = ("type", "status", "accounts_receivable")
    # Millions of rows: filter only on small choice fields and the (few) types, skip the
    # unfiltered total, sort only by indexed columns and search by exact numbers.
    list_filter = ("life_cycle_state", "priority", "type")
    show_full_result_count = False
    sortable_by = ("number", "created_date")
    # Exact (case-sensitive) lookups, so the unique indexes on the numbers answer them.
    search_fields = ("number__exact", "accounts_receivable__number__exact")
    search_help_text = "A request number (SR00000001) or an account number, exactly."
    raw_id_fields = (
        "accounts_receivable",
        "caller",
        "assigned_to_user",
        "referring_to_subscription",
        "referring_to_job",
        "responded_by",
        "response_accepted_by",
        "temporary_resolved_by",
        "temporary_resolution_accepted_by",
        "final_resolved_by",
        "final_resolution_accepted_by",
    )
    detail_select_related = tuple(
        field.name for field in ServiceRequest._meta.fields if field.is_relation
    )

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.editable_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The log information says who changed the request last, whatever the channel.
        obj.updated_date = timezone.now()
        obj.updated_by_user = request.user
        obj.updated_by_unit_id = request.user.default_unit_id
        super().save_model(request, obj, form, change)
