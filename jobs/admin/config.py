"""Admin for the job configuration tables: statuses, categories, cancellation reasons,
activity types, price plans and billing term schemes."""

from django.contrib import admin

from crm.admin import CodedCategoryAdmin, NamedConfigAdmin, StatusAdmin
from jobs.models import (
    ActivityType,
    BillingTermScheme,
    Job,
    JobCancellationReason,
    JobCategory,
    JobStatus,
    JobTypeStatus,
    PricePlan,
)


@admin.register(JobStatus)
class JobStatusAdmin(StatusAdmin):
    """The statuses jobs go through, each in one life cycle state."""

    records_model = Job
    allowed_model = JobTypeStatus


@admin.register(JobCategory)
class JobCategoryAdmin(CodedCategoryAdmin):
    """A category of jobs."""

    list_display = ("name", "code", "description")
    list_filter = (("description", admin.EmptyFieldListFilter),)


@admin.register(JobCancellationReason)
class JobCancellationReasonAdmin(NamedConfigAdmin):
    """Why a job is cancelled, filtered by the types that allow it."""

    list_filter = ("types",)


@admin.register(ActivityType)
class ActivityTypeAdmin(NamedConfigAdmin):
    """A kind of activity a job may require."""


@admin.register(PricePlan)
class PricePlanAdmin(admin.ModelAdmin):
    """A price plan a job's billing terms may use, known by its code."""

    list_display = ("code", "name", "type", "effective_date", "expiration_date")
    list_select_related = ()
    list_filter = ("type", "schemes")
    search_fields = ("code", "name")


@admin.register(BillingTermScheme)
class BillingTermSchemeAdmin(admin.ModelAdmin):
    """A billing term scheme and the price plans a job may choose under it."""

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
