"""Acceptance links, read-only, for support: what was mailed to whom, and what became of it."""

from __future__ import annotations

from django.contrib import admin

from acceptance.models import AcceptanceLink


@admin.register(AcceptanceLink)
class AcceptanceLinkAdmin(admin.ModelAdmin):
    """Links are made and used by the services only; support reads them here."""

    list_display = (
        "number",
        "step",
        "email",
        "created_at",
        "expires_at",
        "mailed_at",
        "used_at",
        "outcome",
    )
    list_filter = ("step", "outcome")
    search_fields = ("service_request__number", "email")
    list_select_related = ("service_request",)
    ordering = ("-created_at",)
    fields = (*list_display[1:], "service_request", "step_date", "comment")
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="Request", ordering="service_request__number")
    def number(self, link: AcceptanceLink) -> str:
        return link.service_request.number

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
