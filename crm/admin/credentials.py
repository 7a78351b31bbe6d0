"""Admin for the Web API credentials: keys (created here, shown once) and tokens (issued by
signing in; looked at and released here)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from crm.admin.shared import DetailSelectRelatedMixin
from crm.models import ApiKey, ApiToken
from crm.services import api_key_create, token_release


class ApiKeyAddForm(forms.ModelForm):
    """A new key: its name, the user it acts as, and one of that user's units."""

    class Meta:
        model = ApiKey
        fields = ("name", "user", "unit")

    def clean(self):
        cleaned = super().clean()
        user, unit = cleaned.get("user"), cleaned.get("unit")
        if (
            user
            and unit
            and unit.pk != user.default_unit_id
            and not user.units.filter(pk=unit.pk).exists()
        ):
            self.add_error("unit", "The unit must be one of the user's units.")
        return cleaned


@admin.register(ApiKey)
class ApiKeyAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """Keys are created by ``api_key_create``, which keeps only a hash and a prefix: the key
    itself is shown to the admin once, in the message after saving."""

    list_display = ("name", "prefix", "user", "is_active", "created_at", "last_used_at")
    list_select_related = ("user",)
    list_filter = ("is_active", ("last_used_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "=prefix", "user__username")
    raw_id_fields = ("user",)
    autocomplete_fields = ("unit",)
    add_form = ApiKeyAddForm
    detail_select_related = ("user", "unit")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "user", "unit")
        return ("name", "is_active", "prefix", "user", "unit", "created_at", "last_used_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The key acts as its user; moving it to another user or unit is a new key.
        return ("prefix", "user", "unit", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created, raw = api_key_create(name=obj.name, user=obj.user, unit=obj.unit)
        # The admin goes on with ``obj`` (log entry, redirect): make it the row just created.
        for field in ("id", "prefix", "key_hash", "created_at"):
            setattr(obj, field, getattr(created, field))
        obj._state.adding = False
        obj._state.db = created._state.db
        messages.success(
            request,
            format_html(
                "The key of “{}” is <code>{}</code>. Copy it now: only its hash is kept, so it "
                "cannot be shown again.",
                obj.name,
                raw,
            ),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """Tokens are issued by signing in; the admin only looks at them and may release them."""

    list_display = ("user", "unit", "source", "created_at", "expires_at", "released_at")
    list_select_related = ("user", "unit")
    list_filter = ("source", ("released_at", admin.EmptyFieldListFilter), "expires_at")
    search_fields = ("=user__username", "api_key__name")
    fields = ("user", "unit", "source", "api_key", "created_at", "expires_at", "released_at")
    show_full_result_count = False
    actions = ("release",)
    detail_select_related = ("user", "unit", "api_key")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_release_permission(self, request):
        return request.user.has_perm("crm.change_apitoken")

    @admin.action(description="Release the selected tokens", permissions=("release",))
    def release(self, request, queryset):
        tokens = list(queryset.filter(released_at__isnull=True))
        for token in tokens:
            token_release(token=token)
        self.message_user(request, f"{len(tokens)} token(s) released.", messages.SUCCESS)
