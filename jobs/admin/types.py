"""Admin for job types and what they allow.

A job type owns what its jobs may use (statuses with a default per life cycle state, status
sequence, cancellation reasons, physical goods, expenses, activities, billing term schemes),
so those are inlines of the type.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from crm.admin import (
    AllowedReasonInline,
    AllowedRowInline,
    AllowedStatusInline,
    DefaultFlagLabelMixin,
    DetailSelectRelatedMixin,
    LifeCycleTypeAdmin,
    OneDefaultFormSet,
    StatusDefaultsFormSet,
    TypePeriodsForm,
    completion_fieldset,
)
from crm.configuration import StateNeed
from jobs.models import (
    JobLifeCycleState,
    JobStatusSequence,
    JobType,
    JobTypeActivityService,
    JobTypeCancellationReason,
    JobTypeExpense,
    JobTypePhysicalGood,
    JobTypeStatus,
)
from jobs.scopes import CREATABLE, SCOPES
from products.models import ProductType


class SequenceDefaultsFormSet(OneDefaultFormSet):
    """A type's status sequence: at most one default next status from each status."""

    label_field = "to_status"
    clash_template = (
        "At most one default next status from “{scope}”: {labels} are all marked default."
    )

    def default_scope(self, cleaned_data):
        return cleaned_data.get("from_status")


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
    """The statuses a job type allows; an effective type must allow one to create jobs in."""

    model = JobTypeStatus
    formset = JobStatusDefaultsFormSet


class StatusSequenceInline(DefaultFlagLabelMixin, admin.TabularInline):
    """The steps from status to status a job type suggests, one default from each status."""

    model = JobStatusSequence
    form = StatusStepForm
    formset = SequenceDefaultsFormSet
    fields = ("from_status", "to_status", "is_default")
    autocomplete_fields = ("from_status", "to_status")
    extra = 0
    verbose_name = "status sequence step"
    verbose_name_plural = "status sequence"
    default_flag_label = "Default next status"


class AllowedJobCancellationReasonInline(AllowedReasonInline):
    """The reasons a job of the type may be cancelled for."""

    model = JobTypeCancellationReason


# Of each kind of product a job type allows: what the product's type must be (field and
# value), and what to choose instead.
PRODUCT_KINDS = {
    JobTypePhysicalGood: (
        ("classification", ProductType.Classification.PHYSICALGOODS),
        "Choose a physical good.",
    ),
    JobTypeExpense: (
        ("service_type", ProductType.ServiceType.EXPENSE),
        "Choose an expense service.",
    ),
    JobTypeActivityService: (
        ("classification", ProductType.Classification.SERVICES),
        "Choose a service.",
    ),
}


class ProductKindForm(forms.ModelForm):
    """The product of a row must be of the kind its model allows (``PRODUCT_KINDS``)."""

    def clean(self):
        cleaned = super().clean()
        product = cleaned.get("product")
        (field, value), error = PRODUCT_KINDS[self._meta.model]
        if product and getattr(product.product_type, field) != value:
            self.add_error("product", error)
        return cleaned


class AllowedProductInline(AllowedRowInline):
    """Products a job type allows, each one its jobs may or must use."""

    form = ProductKindForm
    fields = ("product", "mandatory")
    autocomplete_fields = ("product",)


class AllowedPhysicalGoodInline(AllowedProductInline):
    """The physical goods a job type allows."""

    model = JobTypePhysicalGood


class AllowedExpenseInline(AllowedProductInline):
    """The expenses a job type allows."""

    model = JobTypeExpense


class AllowedActivityServiceInline(AllowedProductInline):
    """The services a job type allows, per activity type."""

    model = JobTypeActivityService
    fields = ("activity_type", "product", "mandatory")
    autocomplete_fields = ("activity_type", "product")


class JobTypeForm(TypePeriodsForm):
    """A job type's periods, and the number of days when its jobs expire after that many.
    The scope field says which scopes jobs can be created of (jobs.scopes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "fulfillment_scope" in self.fields:
            creatable = ", ".join(SCOPES[value].label for value in sorted(CREATABLE))
            self.fields["fulfillment_scope"].help_text = (
                f"Jobs can be created (pages and Web API) for: {creatable}. A type of "
                "another scope is kept for its existing jobs and their life cycle."
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
class JobTypeAdmin(DetailSelectRelatedMixin, LifeCycleTypeAdmin):
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
        completion_fieldset(
            "Completion and expiration", ("expiration_settings", "expiration_days")
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
    detail_select_related = ("subscription_type",)


@admin.register(JobStatusSequence)
class JobStatusSequenceAdmin(admin.ModelAdmin):
    """A step of a job type's status sequence, edited on its own."""

    form = JobStatusSequenceForm
    list_display = ("type", "from_status", "to_status", "is_default")
    list_select_related = ("type", "from_status", "to_status")
    list_filter = ("type", "is_default")
    search_fields = ("type__name", "from_status__name", "to_status__name")
    autocomplete_fields = ("type", "from_status", "to_status")
