"""Admin for service requests: read-mostly (see ``WorkRecordAdmin``), events included."""

from django.contrib import admin

from crm.admin import EventInline, WorkRecordAdmin, record_columns, record_fieldsets
from servicerequests.models import ServiceRequest, ServiceRequestEvent


class ServiceRequestEventInline(EventInline):
    """A request's events."""

    model = ServiceRequestEvent


def resolution_fieldset(title: str, prefix: str, by: str) -> tuple[str, dict]:
    """The response or a resolution: its category, who gave it and when, its description,
    and who accepted it, when and how (staff, or the customer's e-mail link); folded."""
    return (
        title,
        {
            "classes": ("collapse",),
            "fields": (
                (f"{prefix}_category", by, f"{prefix}_date"),
                f"{prefix}_description",
                (f"{prefix}_accepted_by", f"{prefix}_accepted_date", f"{prefix}_accepted_via"),
            ),
        },
    )


@admin.register(ServiceRequest)
class ServiceRequestAdmin(WorkRecordAdmin):
    """A request, numbered SR00000001, for an account; its response and resolutions."""

    fieldsets = record_fieldsets(
        summary=(("status", "life_cycle_state"), ("priority", "urgency_level", "impact_level")),
        customer=(
            "accounts_receivable",
            ("caller", "caller_email", "caller_phone"),
            ("referring_to_subscription", "referring_to_job"),
        ),
        dates=(
            ("start_date", "expected_completion_date"),
            ("estimated_completion_value", "estimated_completion_uot"),
            "approaching_completion",
            ("completed_date", "cancelled_date", "cancellation_reason"),
        ),
        more=(
            resolution_fieldset("Response", "response", "responded_by"),
            resolution_fieldset(
                "Temporary resolution", "temporary_resolution", "temporary_resolved_by"
            ),
            resolution_fieldset("Final resolution", "final_resolution", "final_resolved_by"),
        ),
    )
    inlines = (ServiceRequestEventInline,)
    list_display = record_columns("priority", "accounts_receivable")
    list_select_related = ("type", "status", "accounts_receivable")
    list_filter = ("life_cycle_state", "priority", "type")
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
