"""Admin for the organisation: communities, groups, units, privacy levels, users, roles and
Web API credentials; plus the admin pieces every app shares (``crm`` is the app for what every
other app shares).

Usable at scale: every changelist names what it joins (``list_select_related``) and shows no
column that needs a query of its own, so it runs the same number of queries for ten rows as for
ten thousand; foreign keys to big tables (users, contacts, accounts, subscriptions, requests,
jobs) use raw id widgets, never a ``<select>`` holding every row; the rest use autocomplete.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.forms.models import BaseInlineFormSet
from django.templatetags.static import static
from django.utils.html import format_html

from crm.configuration import (
    AllowedState,
    Readiness,
    StateNeed,
    allowed_states,
    check_status_state_change,
    missing_default_message,
    quoted_list,
    status_change_state,
    type_readiness,
)
from crm.exceptions import ValidationFailed
from crm.models import (
    ApiKey,
    ApiToken,
    Community,
    Group,
    PrivacyLevel,
    Role,
    Unit,
    User,
)
from crm.services import api_key_create, token_release

# -- shared by every app's admin -----------------------------------------------------------------
# The admin forms below declare no Meta: each ModelAdmin supplies the model, and its fields or
# fieldsets decide the form's fields.


class DetailSelectRelatedMixin:
    """Fetch a change page's object with its foreign keys in one query.

    A read-only foreign key is displayed as a link named after the related row, which would
    otherwise cost one query per field. Joins are added for the one row of the change page
    only: ``list_select_related`` decides what the changelist joins.
    """

    detail_select_related: tuple[str, ...] = ()

    def get_object(self, request, object_id, from_field=None):
        queryset = self.get_queryset(request).select_related(*self.detail_select_related)
        model = queryset.model
        field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (model.DoesNotExist, ValidationError, ValueError):
            return None


class ReadOnlyInline(admin.TabularInline):
    """Rows only services write (a request's or job's events): shown, never edited here."""

    extra = 0
    can_delete = False
    select_related: tuple[str, ...] = ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each read-only foreign key is rendered by name: join them rather than query per row.
        return super().get_queryset(request).select_related(*self.select_related)


class OneDefaultFormSet(BaseInlineFormSet):
    """An inline whose rows may mark at most one default per scope (per life cycle state,
    per type, per "from" status).

    The database enforces the rule with a partial unique constraint, which the inline forms
    cannot check (Django leaves constraints on the parent key out of an inline form's model
    validation, and row by row against the database a move of the default from one row to
    another would look like a clash). So the rule is checked here across every row of the
    inline at once, and saving first clears the flag on every changed row, so that the
    database never holds two defaults on the way to a valid end state, whatever the order in
    which the rows are saved.
    """

    def default_scope(self, cleaned_data: dict):
        """Rows with the same scope share one default; ``None`` skips an incomplete row.
        By default every row of the parent shares one."""
        return "parent"

    def default_label(self, cleaned_data: dict) -> str:
        raise NotImplementedError

    def clash_message(self, scope, labels: list[str]) -> str:
        raise NotImplementedError

    def kept_forms(self) -> list:
        """Every filled-in row that is not being deleted."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]

    def kept_rows(self) -> list[dict]:
        """The cleaned data of every filled-in row that is not being deleted."""
        return [form.cleaned_data for form in self.kept_forms()]

    def clean(self):
        super().clean()
        defaults = defaultdict(list)
        # The default as saved first, then the rows newly marked: "“A” and “B” are all
        # marked default" names the one the admin may have forgotten to unmark first.
        kept = sorted(self.kept_forms(), key=lambda form: not form.initial.get("is_default"))
        for data in (form.cleaned_data for form in kept):
            if not data.get("is_default"):
                continue
            scope = self.default_scope(data)
            if scope is not None:
                defaults[scope].append(self.default_label(data))
        errors = [
            self.clash_message(scope, labels)
            for scope, labels in defaults.items()
            if len(labels) > 1
        ]
        if errors:
            raise ValidationError(errors)

    def save_existing_objects(self, commit=True):
        if commit:
            changed = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and (form in self.deleted_forms or form.has_changed())
            ]
            self.model._default_manager.filter(pk__in=changed, is_default=True).update(
                is_default=False
            )
        return super().save_existing_objects(commit)


def state_labels(allowed_model) -> dict[str, str]:
    """The life cycle states of a type's allowed status rows, in life cycle order, with their
    labels (the order of the model's choices, which is the order of the life cycle)."""
    return dict(allowed_model._meta.get_field("life_cycle_state").choices)


class StatusDefaultsFormSet(OneDefaultFormSet):
    """Allowed statuses of a type: exactly one default for each life cycle state it allows.

    At most one, because records moved to a state without a status given get the default;
    at least one for the same reason: without it, every such move would be refused. Both
    are checked across the rows as they will be saved.
    """

    def default_scope(self, cleaned_data):
        status = cleaned_data.get("status")
        return status.life_cycle_state if status else None

    def default_label(self, cleaned_data):
        return cleaned_data["status"].name

    def clash_message(self, scope, labels):
        state_label = state_labels(self.model).get(scope, scope)
        return (
            f"A type has at most one default status per life cycle state: {quoted_list(labels)} "
            f"are all marked default for {state_label}."
        )

    def allowed(self) -> dict[str, AllowedState]:
        """What the rows, as they will be saved, allow of each state."""
        rows = [
            (data["status"].life_cycle_state, bool(data.get("is_default")), data["status"].name)
            for data in self.kept_rows()
            if data.get("status")
        ]
        return allowed_states(rows)

    def clean(self):
        super().clean()
        allowed = self.allowed()
        errors = [
            missing_default_message(label, allowed[state].names)
            for state, label in state_labels(self.model).items()
            if state in allowed and not allowed[state].has_default
        ]
        if errors:
            raise ValidationError(errors)


class ReasonDefaultsFormSet(OneDefaultFormSet):
    """Allowed cancellation reasons of a type: at most one default."""

    def default_label(self, cleaned_data):
        reason = cleaned_data.get("reason")
        return reason.name if reason else "?"

    def clash_message(self, scope, labels):
        return (
            f"A type has at most one default cancellation reason: {quoted_list(labels)} "
            "are all marked default."
        )


def life_cycle_order(states, field: str = "life_cycle_state") -> Case:
    """Sorts rows by ``field`` in the order of the ``states`` choices (the life cycle's order),
    not alphabetically; a value outside the choices goes last."""
    return Case(
        *(When(**{field: value}, then=Value(index)) for index, value in enumerate(states.values)),
        default=Value(len(states.values)),
        output_field=IntegerField(),
    )


class DefaultFlagLabelMixin:
    """Titles an inline's ``is_default`` column by what the flag means for its rows."""

    default_flag_label = "Default"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "is_default":
            kwargs["label"] = self.default_flag_label
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AllowedStatusInline(DefaultFlagLabelMixin, admin.TabularInline):
    """A type's allowed statuses, in life cycle order and then by name. Subclasses set
    ``model`` and ``life_cycle_states`` (the states' choices)."""

    life_cycle_states = None
    formset = StatusDefaultsFormSet
    fields = ("status", "is_default", "life_cycle_state")
    readonly_fields = ("life_cycle_state",)
    autocomplete_fields = ("status",)
    extra = 0
    verbose_name = "allowed status"
    verbose_name_plural = "allowed statuses"
    default_flag_label = "Default for its state"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("type", "status")  # each row is titled "type / status"
            .order_by(life_cycle_order(self.life_cycle_states), "status__name")
        )


class ReadinessChangeList(ChangeList):
    """A type's changelist with, on each row, what its allowed statuses cover (one subquery
    per state in the list's own query, not a query per row)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.annotate(**self.model_admin.readiness_annotations())


class TypeReadinessAdminMixin:
    """For the admin of a type whose records go through a life cycle: a "ready to use" column,
    and, after each save, a warning for each state whose records cannot be reached.

    Subclasses set ``allowed_status_model`` (the type's allowed status rows), ``state_needs``
    (what records cannot do without a state) and ``records_name`` ("requests").
    """

    allowed_status_model = None
    state_needs: tuple[StateNeed, ...] = ()
    records_name = ""

    def get_changelist(self, request, **kwargs):
        return ReadinessChangeList

    def readiness_annotations(self) -> dict:
        """Per state: ``None`` if the type allows no status of it, else whether one is the
        default (the rows of a state sorted default first, the first one's flag)."""
        rows = self.allowed_status_model._default_manager.filter(type=OuterRef("pk"))
        return {
            f"readiness_{state.lower()}": Subquery(
                rows.filter(life_cycle_state=state).order_by("-is_default").values("is_default")[:1]
            )
            for state in state_labels(self.allowed_status_model)
        }

    def readiness_of(self, allowed: dict[str, AllowedState]) -> Readiness:
        return type_readiness(
            allowed,
            needs=self.state_needs,
            labels=state_labels(self.allowed_status_model),
            records=self.records_name,
        )

    @admin.display(description="ready to use")
    def readiness(self, obj) -> str:
        allowed = {}
        for state in state_labels(self.allowed_status_model):
            flag = getattr(obj, f"readiness_{state.lower()}")
            if flag is not None:
                allowed[state] = AllowedState(has_default=bool(flag))
        readiness = self.readiness_of(allowed)
        icon = "yes" if readiness.ready else "no"
        return format_html(
            '<img src="{}" alt=""> {}', static(f"admin/img/icon-{icon}.svg"), readiness.summary()
        )

    def message_readiness(self, request, obj) -> None:
        """What records of the saved type cannot do yet: warnings for the states they need,
        notes for the optional states left out. Not in a popup, which closes on saving (its
        messages would wait for whatever page the admin opens next)."""
        if IS_POPUP_VAR in request.POST:
            return
        rows = self.allowed_status_model._default_manager.filter(type=obj).values_list(
            "life_cycle_state", "is_default", "status__name"
        )
        readiness = self.readiness_of(allowed_states(rows))
        for text in readiness.warnings():
            self.message_user(request, text, messages.WARNING)
        for text in readiness.notes():
            self.message_user(request, text, messages.INFO)

    # After Django's own "was added/changed successfully", so the warnings read as its sequel.
    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.message_readiness(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self.message_readiness(request, obj)
        return response


# Form labels of time periods: each is a value and a unit, shown side by side.
PERIOD_VALUE_LABELS = {
    "estimated_completion_value": "Estimated completion time",
    "warning_period_value": "Warning period",
    "time_period_value": "Completion time",
}
UNIT_OF_TIME_LABEL = "Unit of time"


class PeriodLabelsMixin:
    """Labels a form's time periods: the value by what it measures, the unit "Unit of time"
    (the models' names, ``*_value`` and ``*_uot``, are the Web API's)."""

    period_value_labels = PERIOD_VALUE_LABELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name.endswith("_uot"):
                field.label = UNIT_OF_TIME_LABEL
            elif name in self.period_value_labels:
                field.label = self.period_value_labels[name]


class PeriodPairsForm(PeriodLabelsMixin, forms.ModelForm):
    """A time period is a value and a unit, both or neither (a model CheckConstraint); name
    the missing half instead of the constraint."""

    period_pairs: tuple[tuple[str, str], ...] = ()

    def clean(self):
        cleaned = super().clean()
        for value_field, unit_field in self.period_pairs:
            if value_field in self.errors or unit_field in self.errors:
                continue
            value, unit = cleaned.get(value_field), cleaned.get(unit_field)
            if value is not None and not unit:
                self.add_error(unit_field, "Give the unit of this period too.")
            elif unit and value is None:
                self.add_error(value_field, "Give the value of this period too.")
        return cleaned


class StatusStateForm(forms.ModelForm):
    """A status whose life cycle state may change only as ``check_status_state_change``
    allows; its refusal is shown on the state field. Subclasses set the two models."""

    records_model = None  # ServiceRequest or Job
    allowed_model = None  # ServiceRequestTypeStatus or JobTypeStatus

    def clean(self):
        cleaned = super().clean()
        state = cleaned.get("life_cycle_state")
        if self.instance._state.adding or not state or "life_cycle_state" not in self.changed_data:
            return cleaned
        try:
            check_status_state_change(
                status=self.instance,
                new_state=state,
                records_model=self.records_model,
                allowed_model=self.allowed_model,
            )
        except ValidationFailed as error:
            self.add_error("life_cycle_state", error.message)
        return cleaned


class StatusStateAdminMixin:
    """Saves a status whose state changed through ``status_change_state``, which moves the
    type rows that allow it (they carry the state so the database can enforce one default
    per state) in the same transaction and checks again under a lock."""

    def save_model(self, request, obj, form, change):
        if change and "life_cycle_state" in form.changed_data:
            status_change_state(
                status=obj,
                new_state=obj.life_cycle_state,
                records_model=form.records_model,
                allowed_model=form.allowed_model,
            )
        super().save_model(request, obj, form, change)


# -- organisation -------------------------------------------------------------------------------


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    list_select_related = ()
    list_filter = ("groups",)
    search_fields = ("name",)


@admin.register(Group)
class CrmGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "alternative_code", "community")
    list_select_related = ("community",)
    list_filter = ("community",)
    search_fields = ("name", "alternative_code")
    autocomplete_fields = ("community",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "alternative_code", "group")
    list_select_related = ("group",)
    list_filter = ("group",)
    search_fields = ("name", "alternative_code")
    autocomplete_fields = ("group",)


@admin.register(PrivacyLevel)
class PrivacyLevelAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "description")
    list_select_related = ()
    list_filter = (("description", admin.EmptyFieldListFilter),)
    search_fields = ("name", "=number")


# -- users and roles ------------------------------------------------------------------------------


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
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "person_name", "email")


class CrmUserChangeForm(CaseInsensitiveUsernameMixin, UserChangeForm):
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


# -- Web API credentials -----------------------------------------------------------------------


class ApiKeyAddForm(forms.ModelForm):
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
