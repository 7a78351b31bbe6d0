"""Admin for the organisation: communities, their groups, the groups' units, and privacy
levels."""

from __future__ import annotations

from django.contrib import admin

from crm.admin.shared import ParentedConfigAdmin
from crm.models import Community, Group, PrivacyLevel, Unit


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    """The communities the CRM groups belong to."""

    list_display = ("name", "description")
    list_select_related = ()
    list_filter = ("groups",)
    search_fields = ("name",)


@admin.register(Group)
class CrmGroupAdmin(ParentedConfigAdmin):
    """A CRM group (which owns records), listed and filtered by its community."""

    parent_field = "community"


@admin.register(Unit)
class UnitAdmin(ParentedConfigAdmin):
    """A unit of a group (what users work in), listed and filtered by its group."""

    parent_field = "group"


@admin.register(PrivacyLevel)
class PrivacyLevelAdmin(admin.ModelAdmin):
    """Privacy levels, by number: a record is visible to users cleared for its level."""

    list_display = ("number", "name", "description")
    list_select_related = ()
    list_filter = (("description", admin.EmptyFieldListFilter),)
    search_fields = ("name", "=number")
