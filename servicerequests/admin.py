"""Admin for service request configuration, and a read-mostly view of the requests.

A type owns what its requests may use (statuses with a default per life cycle state,
services, physical goods, cancellation reasons, completion targets per priority), so those
are inlines of the type. Requests themselves are written by the services (every transition
writes an event under a row lock); the admin shows them, events included, and lets an admin
correct only the free-text and user-defined fields. The priority matrix is edited as a grid
(impact down, urgency across) saved in one POST, each changed cell in the admin's history.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from crm.admin import (
    AllowedStatusInline,
    DefaultFlagLabelMixin,
    DetailSelectRelatedMixin,
    PeriodLabelsMixin,
    PeriodPairsForm,
    ReadOnlyInline,
    ReasonDefaultsFormSet,
    StatusStateAdminMixin,
    StatusStateForm,
    TypeReadinessAdminMixin,
)
from crm.configuration import StateNeed
from products.models import ProductType
from servicerequests.models import (
    CancellationReason,
    CompletionTarget,
    FinalResolutionCategory,
    ImpactLevel,
    LifeCycleState,
    Priority,
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
    UrgencyLevel,
)

# -- statuses, categories, reasons ---------------------------------------------------------------


class ServiceRequestStatusForm(StatusStateForm):
    records_model = ServiceRequest
    allowed_model = ServiceRequestTypeStatus


@admin.register(ServiceRequestStatus)
class ServiceRequestStatusAdmin(StatusStateAdminMixin, admin.ModelAdmin):
    form = ServiceRequestStatusForm
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


# -- types and what they allow ------------------------------------------------------------------


class AllowedRequestStatusInline(AllowedStatusInline):
    model = ServiceRequestTypeStatus
    life_cycle_states = LifeCycleState


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
    verbose_name = "allowed service"
    verbose_name_plural = "allowed services"


class AllowedPhysicalGoodInline(AllowedServiceInline):
    model = ServiceRequestTypePhysicalGood
    form = AllowedPhysicalGoodForm
    verbose_name = "allowed physical good"
    verbose_name_plural = "allowed physical goods"


class AllowedCancellationReasonInline(DefaultFlagLabelMixin, admin.TabularInline):
    model = ServiceRequestTypeCancellationReason
    formset = ReasonDefaultsFormSet
    fields = ("reason", "is_default")
    autocomplete_fields = ("reason",)
    ordering = ("created_date",)
    extra = 0
    verbose_name = "allowed cancellation reason"
    verbose_name_plural = "allowed cancellation reasons"


class CompletionTargetForm(PeriodLabelsMixin, forms.ModelForm):
    """A completion target's time, labelled like the type's own periods."""


class CompletionTargetInline(admin.TabularInline):
    model = CompletionTarget
    form = CompletionTargetForm
    fields = ("priority", "time_period_value", "time_period_uot")
    extra = 0
    verbose_name = "completion target"
    verbose_name_plural = "completion targets"


class ServiceRequestTypeForm(PeriodPairsForm):
    period_pairs = (
        ("estimated_completion_value", "estimated_completion_uot"),
        ("warning_period_value", "warning_period_uot"),
    )


def period(value, unit) -> str:
    return f"{value} {unit.lower()}" if value is not None and unit else "—"


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


@admin.register(ServiceRequestType)
class ServiceRequestTypeAdmin(TypeReadinessAdminMixin, admin.ModelAdmin):
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


# -- the priority matrix, edited as a grid ------------------------------------------------------


def is_custom(level: str) -> bool:
    return level.startswith("CUSTOM")


def shown_levels(levels, used: set[str], show_custom: bool) -> list[str]:
    """The standard levels always; a custom level when asked for or when a rule uses it (so
    no rule is ever out of sight, and the usual 3 x 3 matrix stays uncluttered)."""
    return [
        level for level in levels.values if not is_custom(level) or show_custom or level in used
    ]


class PriorityMatrixForm(forms.Form):
    """One priority ``<select>`` per (impact, urgency) cell; empty means no rule.

    Each select carries its value as the page showed it (a hidden initial), so a save
    changes only the cells this admin changed: a cell someone else changed meanwhile, or a
    cell the page did not show, is left as it is.
    """

    def __init__(self, *args, impacts, urgencies, rules: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.impacts, self.urgencies = impacts, urgencies
        self.cells: dict[str, tuple[str, str]] = {}
        for impact in impacts:
            for urgency in urgencies:
                name = f"cell-{impact}-{urgency}"
                self.cells[name] = (impact, urgency)
                label = f"Priority for {impact} x {urgency}"
                self.fields[name] = forms.ChoiceField(
                    choices=[("", "—"), *Priority.choices],
                    required=False,
                    initial=rules.get((impact, urgency), ""),
                    label=label,
                    show_hidden_initial=True,
                    widget=forms.Select(attrs={"aria-label": label}),
                )

    def rows(self) -> list[tuple[str, list]]:
        """The table: each impact level with its row of bound fields, one per urgency."""
        return [
            (impact, [self[f"cell-{impact}-{urgency}"] for urgency in self.urgencies])
            for impact in self.impacts
        ]

    def changed_cells(self) -> dict[tuple[str, str], str]:
        """(impact, urgency) -> the new priority ("" for none) of each cell changed."""
        return {self.cells[name]: self.cleaned_data[name] for name in self.changed_data}


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    """The impact x urgency matrix. Its changelist is a grid saved in one POST, each cell
    changed recorded in the admin's history; the usual list (filters, search, deleting in
    bulk) stays one link away."""

    list_display = ("impact_level", "urgency_level", "priority")
    list_select_related = ()
    list_filter = ("impact_level", "urgency_level", "priority")
    search_fields = ("=impact_level", "=urgency_level", "=priority")
    matrix_template = "admin/servicerequests/priorityrule/matrix.html"

    def list_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_list"

    def get_urls(self):
        rows = path(
            "list/",
            self.admin_site.admin_view(super().changelist_view),
            name=self.list_url_name(),
        )
        return [rows, *super().get_urls()]

    @csrf_protect_m
    def changelist_view(self, request, extra_context=None):
        """The grid: anyone who may view the rules sees it; saving takes the change
        permission (and the add or delete permission for cells filled or emptied)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        form = self.matrix_form(request)
        if form.is_bound and form.is_valid() and self.save_matrix(request, form):
            return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(request, self.matrix_template, self.matrix_context(request, form))

    def matrix_form(self, request) -> PriorityMatrixForm:
        """The grid's form over the rules as they are now (one query)."""
        rows = PriorityRule.objects.values_list("impact_level", "urgency_level", "priority")
        rules = {(impact, urgency): priority for impact, urgency, priority in rows}
        show_custom = request.GET.get("custom") == "1"
        return PriorityMatrixForm(
            request.POST if request.method == "POST" else None,
            impacts=shown_levels(ImpactLevel, {i for i, _ in rules}, show_custom),
            urgencies=shown_levels(UrgencyLevel, {u for _, u in rules}, show_custom),
            rules=rules,
        )

    def matrix_context(self, request, form) -> dict:
        all_shown = len(form.impacts) == len(ImpactLevel) and len(form.urgencies) == len(
            UrgencyLevel
        )
        return {
            **self.admin_site.each_context(request),
            "title": "Priority matrix",
            "opts": self.opts,
            "form": form,
            "has_change_permission": self.has_change_permission(request),
            "show_custom": request.GET.get("custom") == "1",
            "all_shown": all_shown,
            "list_url": reverse(f"admin:{self.list_url_name()}"),
        }

    def save_matrix(self, request, form) -> bool:
        """Apply the changed cells in one transaction; False (with the form's error) when
        the user may not add or remove a rule it asks to."""
        changed = form.changed_cells()
        if not changed:
            self.message_user(request, "No cell of the priority matrix changed.", messages.INFO)
            return True
        with transaction.atomic():
            current = {
                (rule.impact_level, rule.urgency_level): rule
                for rule in PriorityRule.objects.select_for_update().filter(
                    impact_level__in={i for i, _ in changed},
                    urgency_level__in={u for _, u in changed},
                )
            }
            if error := self.matrix_permission_error(request, changed, current):
                form.add_error(None, error)
                return False
            done = [
                self.save_cell(request, current.get(cell), cell, priority)
                for cell, priority in changed.items()
            ]
        done = [change for change in done if change]
        text = "; ".join(done) if done else "nothing to change"
        self.message_user(request, f"The priority matrix was saved: {text}.", messages.SUCCESS)
        return True

    def matrix_permission_error(self, request, changed, current) -> str | None:
        """Filling an empty cell adds a rule and emptying one deletes it: each needs its own
        permission, as on the rule's own pages."""
        adds = any(priority and cell not in current for cell, priority in changed.items())
        deletes = any(not priority and cell in current for cell, priority in changed.items())
        if adds and not self.has_add_permission(request):
            return "You may not add priority rules: leave the empty cells empty."
        if deletes and not self.has_delete_permission(request):
            return "You may not delete priority rules: give every emptied cell a priority."
        return None

    def save_cell(self, request, rule, cell: tuple[str, str], priority: str) -> str:
        """Add, change or delete one cell's rule, with its history entry; what was done."""
        impact, urgency = cell
        where = f"{impact} x {urgency}"
        if rule is None and priority:
            rule = PriorityRule.objects.create(
                impact_level=impact, urgency_level=urgency, priority=priority
            )
            self.log_addition(request, rule, f"Added in the priority matrix: {priority}.")
            return f"{where} set to {priority}"
        if rule is not None and not priority:
            self.log_deletions(request, [rule])
            rule.delete()
            return f"{where} cleared (was {rule.priority})"
        if rule is not None and rule.priority != priority:
            before, rule.priority = rule.priority, priority
            rule.save(update_fields=["priority"])
            self.log_change(request, rule, f"Changed priority from {before} to {priority}.")
            return f"{where} changed from {before} to {priority}"
        return ""  # someone else already made the same change


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
