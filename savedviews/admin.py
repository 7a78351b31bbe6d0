"""Saved views in the admin: for looking, not editing. Their rules (only the owner changes
a view, sharing only with the owner's groups, an event per write) live in the services,
which the staff pages call; an admin edit would bypass them."""

from django.contrib import admin

from savedviews.models import SavedView, SavedViewEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SavedViewEventInline(admin.TabularInline):
    model = SavedViewEvent
    fields = ("created_at", "user", "action", "changes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SavedView)
class SavedViewAdmin(ReadOnlyAdmin):
    list_display = ("name", "section", "queue", "owner", "shared_with", "updated_date")
    list_filter = ("section", "shared_with")
    search_fields = ("name", "owner__username")
    list_select_related = ("owner", "shared_with")
    inlines = [SavedViewEventInline]


@admin.register(SavedViewEvent)
class SavedViewEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "name", "action", "user")
    list_filter = ("action",)
    search_fields = ("name", "user__username")
    list_select_related = ("user",)
