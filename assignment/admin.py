"""The assignment policy and member settings, edited on the CRM group's admin page.

crm/ imports no app, so the group's admin cannot name these inlines itself: this module
re-registers it with them added (crm is earlier in INSTALLED_APPS, so its admin is
registered by the time admin autodiscovery imports this one).
"""

from __future__ import annotations

from django.contrib import admin

from crm.admin.organisation import CrmGroupAdmin
from crm.models import Group

from .models import GroupPolicy, MemberSetting


class GroupPolicyInline(admin.StackedInline):
    """How the group hands out requests created unassigned for it (none: MANUAL)."""

    model = GroupPolicy
    fields = ("assignment_policy", "last_assigned_user", "last_assigned_at")
    readonly_fields = ("last_assigned_user", "last_assigned_at")
    can_delete = False
    extra = 1
    max_num = 1


class MemberSettingInline(admin.TabularInline):
    """A member's cap of open requests and availability (no row: available, no cap).
    ``MemberSetting.clean`` refuses a user outside the group."""

    model = MemberSetting
    fields = ("user", "cap", "available", "last_assigned_at")
    readonly_fields = ("last_assigned_at",)
    # Users are a big table: a raw id, never a <select> of every user.
    raw_id_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


admin.site.unregister(Group)


@admin.register(Group)
class AssignmentGroupAdmin(CrmGroupAdmin):
    """The CRM group's admin with its assignment policy and member settings."""

    inlines = (*CrmGroupAdmin.inlines, GroupPolicyInline, MemberSettingInline)
