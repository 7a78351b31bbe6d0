"""Admin pieces every app's admin stands on: one-query change pages, read-only inlines, the
bases of the small configuration tables, and the labels and checks of time periods.

The forms below declare no Meta: each ModelAdmin supplies the model, and its fields or
fieldsets decide the form's fields.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError


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


class NamedConfigAdmin(admin.ModelAdmin):
    """A small configuration table (units of measurement, reasons, activity types...): listed
    and searched by name and alternative code, with nothing to join.

    Unless a subclass filters by something of its own, the list filters on whether a row has
    an alternative code (the code other systems know it by).
    """

    list_display = ("name", "alternative_code", "description")
    list_select_related = ()
    list_filter = (("alternative_code", admin.EmptyFieldListFilter),)
    search_fields = ("name", "alternative_code")


class CodedCategoryAdmin(admin.ModelAdmin):
    """A category identified by name or by a required code (not an alternative code):
    searched by both, with nothing to join. Subclasses set the columns and filters."""

    list_select_related = ()
    search_fields = ("name", "code")


class ParentedConfigAdmin(NamedConfigAdmin):
    """A named row that belongs to a parent row (a unit to its group, a UDR type to its unit
    of measurement): the parent is a column (joined), the filter and an autocomplete.

    Subclasses set ``parent_field``; an option a subclass sets itself is kept as it is.
    """

    parent_field = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Django reads these options from the class, so they are filled in as it is made.
        parent = (cls.parent_field,)
        derived = {
            "list_display": ("name", "alternative_code", *parent),
            "list_select_related": parent,
            "list_filter": parent,
            "autocomplete_fields": parent,
        }
        for name, value in derived.items():
            if name not in cls.__dict__:
                setattr(cls, name, value)


# -- time periods --------------------------------------------------------------------------------

# Form labels of time periods: each is a value and a unit, shown side by side.
PERIOD_VALUE_LABELS = {
    "estimated_completion_value": "Estimated completion time",
    "warning_period_value": "Warning period",
    "time_period_value": "Completion time",
    "response_target_value": "Response target",
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


def period(value, unit) -> str:
    """A time period as a changelist shows it ("3 days"), or a dash when it is not set."""
    return f"{value} {unit.lower()}" if value is not None and unit else "—"
