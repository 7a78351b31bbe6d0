"""Admin for users and roles (Django's permission groups, under a name that cannot be
mistaken for CRM groups)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db.models import Count

from crm.admin.shared import DetailSelectRelatedMixin
from crm.models import Role, User


class CaseInsensitiveUsernameMixin:
    """User names are unique whatever their case (a unique index on lower(username), and
    sign-in ignores case): a clash is a form error here, never an IntegrityError."""

    def clean_username(self):
        username = self.cleaned_data.get("username")
        clash = User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk)
        if username and clash.exists():
            raise ValidationError(
                User._meta.get_field("username").error_messages["unique"], code="unique"
            )
        return username


class CrmUserCreationForm(CaseInsensitiveUsernameMixin, AdminUserCreationForm):
    """A new user: a name, a person's name and e-mail address, and a password."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "person_name", "email")


class CrmUserChangeForm(CaseInsensitiveUsernameMixin, UserChangeForm):
    """A user's profile; the default unit must be one of the user's units."""

    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self):
        cleaned = super().clean()
        default_unit, units = cleaned.get("default_unit"), cleaned.get("units")
        if default_unit and units is not None and default_unit not in units:
            self.add_error("default_unit", "The default unit must be one of the user's units.")
        return cleaned


class RoleListFilter(admin.RelatedFieldListFilter):
    """Django's ``groups`` field, titled as what it is here: the user's roles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "role"


@admin.register(User)
class CrmUserAdmin(DetailSelectRelatedMixin, UserAdmin):
    """Django's user admin with the CRM profile: units, CRM groups and clearance."""

    form = CrmUserChangeForm
    add_form = CrmUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("person_name", "first_name", "last_name", "email")}),
        ("CRM profile", {"fields": ("default_unit", "units", "crm_groups", "clearance")}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "person_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = (
        "username",
        "person_name",
        "email",
        "default_unit",
        "clearance",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_select_related = ("default_unit", "clearance")
    list_filter = (
        "is_staff",
        "is_superuser",
        "is_active",
        ("groups", RoleListFilter),
        "crm_groups",
    )
    search_fields = ("username", "person_name", "first_name", "last_name", "email")
    autocomplete_fields = ("default_unit", "clearance")
    filter_horizontal = ("groups", "user_permissions", "units", "crm_groups")
    detail_select_related = ("default_unit", "clearance")

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups":
            # Django's permission groups are called roles here, apart from CRM groups.
            kwargs["label"] = "Roles"
            kwargs["help_text"] = "The roles grant the user their permissions."
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


# Roles are Django's permission groups under a name that cannot be mistaken for CRM groups;
# listing them twice would invite exactly that mistake.
admin.site.unregister(AuthGroup)


@admin.register(Role)
class RoleAdmin(GroupAdmin):
    """Roles, each listed with how many permissions it grants."""

    list_display = ("name", "permission_count")
    list_select_related = ()
    list_filter = ("permissions__content_type__app_label",)
    search_fields = ("name",)
    filter_horizontal = ("permissions",)

    def get_queryset(self, request):
        # One aggregate in the changelist's query, not a count per row.
        return super().get_queryset(request).annotate(permission_total=Count("permissions"))

    @admin.display(description="permissions", ordering="permission_total")
    def permission_count(self, obj) -> int:
        return obj.permission_total
