"""Admin for jobs: read-mostly (see ``WorkRecordAdmin``), events included."""

from django.contrib import admin

from crm.admin import EventInline, WorkRecordAdmin, record_columns, record_fieldsets
from jobs.models import Job, JobEvent


class JobEventInline(EventInline):
    """A job's events."""

    model = JobEvent


@admin.register(Job)
class JobAdmin(WorkRecordAdmin):
    """A job, numbered JOB000001, for an account, a subscription or a service request. Its
    services also deactivate subscriptions, which is one more reason jobs are not added
    here."""

    fieldsets = record_fieldsets(
        summary=(("status", "life_cycle_state", "rating_state"),),
        customer=(
            ("accounts_receivable", "subscription", "service_request"),
            ("contact_email", "contact_phone"),
        ),
        dates=(
            ("start_date", "expected_completion_date", "scheduled_date"),
            ("estimated_completion_value", "estimated_completion_uot"),
            ("approaching_completion", "expiration_date", "actual_completed_date"),
            ("cancelled_date", "cancellation_reason"),
        ),
    )
    inlines = (JobEventInline,)
    list_display = record_columns("accounts_receivable", "subscription")
    list_select_related = ("type", "status", "accounts_receivable", "subscription")
    list_filter = ("life_cycle_state", "rating_state", "type")
    search_fields = (
        "number__exact",
        "accounts_receivable__number__exact",
        "subscription__number__exact",
    )
    search_help_text = "A job, account or subscription number (JOB000001), exactly."
    raw_id_fields = ("accounts_receivable", "subscription", "service_request", "assigned_to_user")
