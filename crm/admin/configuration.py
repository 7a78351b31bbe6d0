"""Admin bases for the configuration both work apps share: statuses and the rule on their
state, types with their allowed statuses, reasons and products as inlines, each type's
readiness (what its records can do with the statuses it allows), and its completion periods.

The apps' models are set on the subclasses: ``crm`` stands under the apps and imports none.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.views.main import ChangeList
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.templatetags.static import static
from django.utils.html import format_html

from crm.admin.formsets import ReasonDefaultsFormSet, StatusDefaultsFormSet, state_labels
from crm.admin.shared import PeriodPairsForm, period
from crm.configuration import (
    AllowedState,
    Readiness,
    StateNeed,
    allowed_states,
    check_status_state_change,
    status_change_state,
    type_readiness,
)
from crm.exceptions import ValidationFailed

# -- statuses ------------------------------------------------------------------------------------


class StatusStateForm(forms.ModelForm):
    """A status whose life cycle state may change only as ``check_status_state_change``
    allows; its refusal is shown on the state field. ``StatusAdmin`` sets the two models."""

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


class StatusAdmin(StatusStateAdminMixin, admin.ModelAdmin):
    """The statuses of requests or jobs. Subclasses set ``records_model`` (the records that
    hold a status's state) and ``allowed_model`` (the type rows that allow a status)."""

    form = StatusStateForm
    records_model = None
    allowed_model = None
    list_display = ("name", "alternative_code", "life_cycle_state", "description")
    list_select_related = ()
    list_filter = ("life_cycle_state", "types")
    search_fields = ("name", "alternative_code")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A new class on every call: the models are this app's, for the form and save_model.
        form.records_model, form.allowed_model = self.records_model, self.allowed_model
        return form


# -- what a type allows, as inlines of the type --------------------------------------------------


def life_cycle_order(states: Sequence[str], field: str = "life_cycle_state") -> Case:
    """Sorts rows by ``field`` in the order of ``states`` (the life cycle's order), not
    alphabetically; a value outside them goes last."""
    return Case(
        *(When(**{field: value}, then=Value(index)) for index, value in enumerate(states)),
        default=Value(len(states)),
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
    ``model`` (whose ``life_cycle_state`` choices are in life cycle order)."""

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
            .order_by(life_cycle_order(list(state_labels(self.model))), "status__name")
        )


class AllowedRowInline(admin.TabularInline):
    """Rows a type allows (products, reasons), in the order they were added; none blank.

    Titled by the model's own names ("allowed physical good"), so subclasses declare none.
    """

    ordering = ("created_date",)
    extra = 0


class AllowedReasonInline(DefaultFlagLabelMixin, AllowedRowInline):
    """A type's allowed cancellation reasons, one of them the default. Subclasses set
    ``model``."""

    formset = ReasonDefaultsFormSet
    fields = ("reason", "is_default")
    autocomplete_fields = ("reason",)


# -- a type's readiness --------------------------------------------------------------------------


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


# -- a type's completion periods -----------------------------------------------------------------

# Each period is a value and its unit, edited side by side.
ESTIMATED_COMPLETION = ("estimated_completion_value", "estimated_completion_uot")
WARNING_PERIOD = ("warning_period_value", "warning_period_uot")


class TypePeriodsForm(PeriodPairsForm):
    """A type's form: its estimated completion time and warning period, each both or neither
    of value and unit."""

    period_pairs = (ESTIMATED_COMPLETION, WARNING_PERIOD)


def completion_fieldset(title: str, *more_rows) -> tuple[str, dict]:
    """A type's fieldset of completion periods, then ``more_rows`` of its own."""
    return (title, {"fields": (ESTIMATED_COMPLETION, WARNING_PERIOD, *more_rows)})


class LifeCycleTypeAdmin(TypeReadinessAdminMixin, admin.ModelAdmin):
    """A request or job type: its readiness, its completion periods as changelist columns,
    found by name or alternative code. Subclasses set what ``TypeReadinessAdminMixin`` asks
    for."""

    form = TypePeriodsForm
    list_select_related = ()
    search_fields = ("name", "alternative_code")

    @admin.display(description="estimated completion")
    def estimated_completion(self, obj) -> str:
        return period(obj.estimated_completion_value, obj.estimated_completion_uot)

    @admin.display(description="warning period")
    def warning_period(self, obj) -> str:
        return period(obj.warning_period_value, obj.warning_period_uot)
