"""Admin for job configuration, and a read-mostly view of the jobs.

A job type owns what its jobs may use (statuses with a default per life cycle state, status
sequence, cancellation reasons, physical goods, expenses, activities, billing term schemes),
so those are inlines of the type. Jobs themselves are written by the services; the admin
shows them, events included, and lets an admin correct only the free-text and user-defined
fields.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.admin import (
    AllowedStatusInline,
    DefaultFlagLabelMixin,
    DetailSelectRelatedMixin,
    OneDefaultFormSet,
    PeriodPairsForm,
    ReadOnlyInline,
    ReasonDefaultsFormSet,
    StatusDefaultsFormSet,
    StatusStateAdminMixin,
    StatusStateForm,
    TypeReadinessAdminMixin,
    quoted_list,
)
from crm.configuration import StateNeed
from jobs.models import (
    ActivityType,
    BillingTermScheme,
    Job,
    JobCancellationReason,
    JobCategory,
    JobEvent,
    JobLifeCycleState,
    JobStatus,
    JobStatusSequence,
    JobType,
    JobTypeActivityService,
    JobTypeCancellationReason,
    JobTypeExpense,
    JobTypePhysicalGood,
    JobTypeStatus,
    PricePlan,
)
from products.models import ProductType
from servicerequests.admin import UDF_FIELDS, period

# -- statuses, categories, reasons, activities, billing ------------------------------------------


class JobStatusForm(StatusStateForm):
    records_model = Job
    allowed_model = JobTypeStatus


@admin.register(JobStatus)
class JobStatusAdmin(StatusStateAdminMixin, admin.ModelAdmin):
    form = JobStatusForm
    list_display = ("name", "alternative_code", "life_cycle_state", "description")
    list_select_related = ()
    list_filter = ("life_cycle_state", "types")
    search_fields = ("name", "alternative_code")


@admin.register(JobCategory)
class JobCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "description")
    list_select_related = ()
    list_filter = (("description", admin.EmptyFieldListFilter),)
    search_fields = ("name", "code")


@admin.register(JobCancellationReason)
class JobCancellationReasonAdmin(admin.ModelAdmin):
    list_display = ("name", "alternative_code", "description")
    list_select_related = ()
    list_filter = ("types",)
    search_fields = ("name", "alternative_code")


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "alternative_code", "description")
    list_select_related = ()
    list_filter = (("alternative_code", admin.EmptyFieldListFilter),)
    search_fields = ("name", "alternative_code")


@admin.register(PricePlan)
class PricePlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "type", "effective_date", "expiration_date")
    list_select_related = ()
    list_filter = ("type", "schemes")
    search_fields = ("code", "name")


@admin.register(BillingTermScheme)
class BillingTermSchemeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "life_cycle_state",
        "classification",
        "billing_type",
        "billing_method",
    )
    list_select_related = ()
    list_filter = ("life_cycle_state", "classification", "billing_type", "billing_method")
    search_fields = ("code", "name")
    filter_horizontal = ("price_plans",)


# -- job types and what they allow ----------------------------------------------------------


class SequenceDefaultsFormSet(OneDefaultFormSet):
    """A type's status sequence: at most one default next status from each status."""

    def default_scope(self, cleaned_data):
        return cleaned_data.get("from_status")

    def default_label(self, cleaned_data):
        to_status = cleaned_data.get("to_status")
        return to_status.name if to_status else "?"

    def clash_message(self, scope, labels):
        return (
            f"At most one default next status from “{scope}”: {quoted_list(labels)} are all "
            "marked default."
        )


class StatusStepForm(forms.ModelForm):
    """A step of a status sequence leads from one status to another."""

    def clean(self):
        cleaned = super().clean()
        from_status = cleaned.get("from_status")
        if from_status and from_status == cleaned.get("to_status"):
            self.add_error("to_status", "A step leads to another status.")
        return cleaned


class JobStatusSequenceForm(StatusStepForm):
    """A step edited on its own: its default must not clash with the type's other steps
    (in the job type's inline the formset checks this across all steps instead)."""

    def clean(self):
        cleaned = super().clean()
        type_, from_status = cleaned.get("type"), cleaned.get("from_status")
        if cleaned.get("is_default") and type_ and from_status:
            others = JobStatusSequence.objects.filter(
                type=type_, from_status=from_status, is_default=True
            ).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "is_default",
                    f"“{type_}” already has a default next status from “{from_status}”.",
                )
        return cleaned


# A job is created in one of these states (a draft, or straight away pending).
CREATE_STATES = (JobLifeCycleState.DRAFT, JobLifeCycleState.PENDING)


class JobStatusDefaultsFormSet(StatusDefaultsFormSet):
    """A job type's allowed statuses: one default per state, and an effective type (one
    jobs may be created with) must allow a status to create them in."""

    def clean(self):
        super().clean()
        if self.instance.life_cycle_state != JobType.LifeCycleState.EFFECTIVE:
            return
        if not any(state in self.allowed() for state in CREATE_STATES):
            not_effective = JobType.LifeCycleState.NOT_EFFECTIVE.label
            raise ValidationError(
                "An effective job type needs a status to create jobs in: allow a Draft or "
                f"Pending status, or make the type {not_effective} until its statuses are set up."
            )


class AllowedJobStatusInline(AllowedStatusInline):
    model = JobTypeStatus
    formset = JobStatusDefaultsFormSet
    life_cycle_states = JobLifeCycleState


class StatusSequenceInline(DefaultFlagLabelMixin, admin.TabularInline):
    model = JobStatusSequence
    form = StatusStepForm
    formset = SequenceDefaultsFormSet
    fields = ("from_status", "to_status", "is_default")
    autocomplete_fields = ("from_status", "to_status")
    extra = 0
    verbose_name = "status sequence step"
    verbose_name_plural = "status sequence"
    default_flag_label = "Default next status"


class AllowedJobCancellationReasonInline(DefaultFlagLabelMixin, admin.TabularInline):
    model = JobTypeCancellationReason
    formset = ReasonDefaultsFormSet
    fields = ("reason", "is_default")
    autocomplete_fields = ("reason",)
    ordering = ("created_date",)
    extra = 0
    verbose_name = "allowed cancellation reason"
    verbose_name_plural = "allowed cancellation reasons"


class ProductKindForm(forms.ModelForm):
    """The product of a row must be of the kind the inline allows."""

    def product_error(self, product_type: ProductType) -> str | None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        product = cleaned.get("product")
        if product and (error := self.product_error(product.product_type)):
            self.add_error("product", error)
        return cleaned


class PhysicalGoodForm(ProductKindForm):
    def product_error(self, product_type):
        if not product_type.is_physical_good:
            return "Choose a physical good."
        return None


class ExpenseForm(ProductKindForm):
    def product_error(self, product_type):
        if product_type.service_type != ProductType.ServiceType.EXPENSE:
            return "Choose an expense service."
        return None


class ActivityServiceForm(ProductKindForm):
    def product_error(self, product_type):
        if not product_type.is_service:
            return "Choose a service."
        return None


class AllowedProductInline(admin.TabularInline):
    fields = ("product", "mandatory")
    autocomplete_fields = ("product",)
    ordering = ("created_date",)
    extra = 0


class AllowedPhysicalGoodInline(AllowedProductInline):
    model = JobTypePhysicalGood
    form = PhysicalGoodForm
    verbose_name = "allowed physical good"
    verbose_name_plural = "allowed physical goods"


class AllowedExpenseInline(AllowedProductInline):
    model = JobTypeExpense
    form = ExpenseForm
    verbose_name = "allowed expense"
    verbose_name_plural = "allowed expenses"


class AllowedActivityServiceInline(AllowedProductInline):
    model = JobTypeActivityService
    form = ActivityServiceForm
    verbose_name = "allowed activity service"
    verbose_name_plural = "allowed activity services"
    fields = ("activity_type", "product", "mandatory")
    autocomplete_fields = ("activity_type", "product")


class JobTypeForm(PeriodPairsForm):
    period_pairs = (
        ("estimated_completion_value", "estimated_completion_uot"),
        ("warning_period_value", "warning_period_uot"),
    )

    def clean(self):
        cleaned = super().clean()
        settings = cleaned.get("expiration_settings")
        x_days = JobType.ExpirationSettings.X_DAYS_AFTER_JOB_CREATION
        if settings == x_days and cleaned.get("expiration_days") is None:
            self.add_error("expiration_days", "Give the number of days for this setting.")
        return cleaned


# What jobs cannot do without a status of each state. A type may leave drafts out on
# purpose; the need for a pending status is said only when drafts are allowed, since without
# both "cannot be created" already says it.
JOB_STATE_NEEDS = (
    StateNeed(CREATE_STATES, "be created"),
    StateNeed(
        (JobLifeCycleState.DRAFT,),
        "be kept as drafts",
        required=False,
        instead="are created pending",
    ),
    StateNeed((JobLifeCycleState.PENDING,), "be submitted"),
    StateNeed((JobLifeCycleState.IN_PROGRESS,), "be started"),
    StateNeed((JobLifeCycleState.COMPLETED,), "be completed"),
    StateNeed((JobLifeCycleState.CANCELLED,), "be cancelled"),
)


@admin.register(JobType)
class JobTypeAdmin(TypeReadinessAdminMixin, DetailSelectRelatedMixin, admin.ModelAdmin):
    """A job type and what its jobs may use. Saving refuses a state whose allowed statuses
    have no default, and an effective type jobs cannot be created with; any other state
    with no allowed status is a warning after saving (and the list says what is missing)."""

    form = JobTypeForm
    allowed_status_model = JobTypeStatus
    state_needs = JOB_STATE_NEEDS
    records_name = "jobs"
    fieldsets = (
        (None, {"fields": ("name", "alternative_code", "description", "life_cycle_state")}),
        (
            "Fulfilment",
            {"fields": ("fulfillment_scope", "fulfillment_method", "subscription_type")},
        ),
        (
            "Billing",
            {"fields": ("billing_directive", "billing_method", "billing_term_schemes")},
        ),
        (
            "Completion and expiration",
            {
                "fields": (
                    ("estimated_completion_value", "estimated_completion_uot"),
                    ("warning_period_value", "warning_period_uot"),
                    ("expiration_settings", "expiration_days"),
                )
            },
        ),
    )
    filter_horizontal = ("billing_term_schemes",)
    autocomplete_fields = ("subscription_type",)
    inlines = (
        AllowedJobStatusInline,
        StatusSequenceInline,
        AllowedJobCancellationReasonInline,
        AllowedPhysicalGoodInline,
        AllowedExpenseInline,
        AllowedActivityServiceInline,
    )
    list_display = (
        "name",
        "alternative_code",
        "life_cycle_state",
        "readiness",
        "fulfillment_scope",
        "fulfillment_method",
        "billing_directive",
        "subscription_type",
        "estimated_completion",
    )
    list_select_related = ("subscription_type",)
    list_filter = ("life_cycle_state", "fulfillment_scope", "billing_directive")
    search_fields = ("name", "alternative_code")
    detail_select_related = ("subscription_type",)

    @admin.display(description="estimated completion")
    def estimated_completion(self, obj) -> str:
        return period(obj.estimated_completion_value, obj.estimated_completion_uot)


@admin.register(JobStatusSequence)
class JobStatusSequenceAdmin(admin.ModelAdmin):
    form = JobStatusSequenceForm
    list_display = ("type", "from_status", "to_status", "is_default")
    list_select_related = ("type", "from_status", "to_status")
    list_filter = ("type", "is_default")
    search_fields = ("type__name", "from_status__name", "to_status__name")
    autocomplete_fields = ("type", "from_status", "to_status")


# -- jobs ----------------------------------------------------------------------------------------


class JobEventInline(ReadOnlyInline):
    model = JobEvent
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


@admin.register(Job)
class JobAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """For inspection. Creating a job and every transition belong to the services (they
    number it, check the type's rules, deactivate subscriptions and write an event), so the
    admin may not add jobs or change their workflow fields; deleting one would erase its
    history."""

    editable_fields = ("description", *UDF_FIELDS)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("number", "id"),
                    ("type", "category"),
                    ("status", "life_cycle_state", "rating_state"),
                )
            },
        ),
        (
            "Customer",
            {
                "fields": (
                    ("accounts_receivable", "subscription", "service_request"),
                    ("contact_email", "contact_phone"),
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
                    ("start_date", "expected_completion_date", "scheduled_date"),
                    ("estimated_completion_value", "estimated_completion_uot"),
                    ("approaching_completion", "expiration_date", "actual_completed_date"),
                    ("cancelled_date", "cancellation_reason"),
                )
            },
        ),
        ("Description", {"fields": ("description", "notes")}),
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
    inlines = (JobEventInline,)
    list_display = (
        "number",
        "type",
        "status",
        "life_cycle_state",
        "accounts_receivable",
        "subscription",
        "created_date",
        "expected_completion_date",
    )
    list_select_related = ("type", "status", "accounts_receivable", "subscription")
    # Millions of rows: filter only on small choice fields and the (few) types, skip the
    # unfiltered total, sort only by indexed columns and search by exact numbers.
    list_filter = ("life_cycle_state", "rating_state", "type")
    show_full_result_count = False
    sortable_by = ("number", "created_date")
    # Exact (case-sensitive) lookups, so the unique indexes on the numbers answer them.
    search_fields = (
        "number__exact",
        "accounts_receivable__number__exact",
        "subscription__number__exact",
    )
    search_help_text = "A job, account or subscription number (JOB000001), exactly."
    raw_id_fields = (
        "accounts_receivable",
        "subscription",
        "service_request",
        "assigned_to_user",
    )
    detail_select_related = tuple(field.name for field in Job._meta.fields if field.is_relation)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.editable_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The log information says who changed the job last, whatever the channel.
        obj.updated_date = timezone.now()
        obj.updated_by_user = request.user
        obj.updated_by_unit_id = request.user.default_unit_id
        super().save_model(request, obj, form, change)
