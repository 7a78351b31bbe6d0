"""Running a FilterSet for a selector (invalid filter values become INVALID_PARAMETER), and
the filter pieces both apps' FilterSets share: moments typed in a browser, selects of ids
that cost no query, and from/to ranges checked against each other."""

from datetime import date, datetime, time

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from crm.exceptions import InvalidParameter

# A moment in the organisation's time zone, turned to UTC before it reaches the database:
# years outside this range would overflow there (9999-12-31 in UTC-5 is year 10000).
YEARS = (1900, 9998)


def filter_queryset(filterset_class, data: dict, queryset: QuerySet) -> QuerySet:
    """Apply ``filterset_class`` to ``queryset`` with ``data`` (values as text or ids)."""
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        name, errors = next(iter(filterset.errors.items()))
        raise InvalidParameter(
            f"The filter {name} is invalid.", param=name, detail="; ".join(map(str, errors))
        )
    return filterset.qs


class MomentField(forms.Field):
    """A moment as a browser's datetime-local input sends it (``2026-12-01T09:30``), as its
    date input does (``2026-12-01``: the day's start, or with ``end_of_day`` its last
    instant, so that a "to" date includes the day), or ISO 8601 with seconds and an offset.
    A moment without an offset is in the organisation's time zone. ``starts_at`` names the
    filter this one must not be before (RangeForm)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    default_error_messages = {
        "invalid": "Enter a date (2026-12-01) or a date and time (2026-12-01T09:30).",
        "year": f"Enter a year from {YEARS[0]} to {YEARS[1]}.",
    }

    def __init__(self, *, end_of_day: bool = False, starts_at: str | None = None, **kwargs):
        self.end_of_day, self.starts_at = end_of_day, starts_at
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):  # the Web API's lists pass moments they parsed
            return value
        moment = self._parse(str(value).strip())
        if not YEARS[0] <= moment.year <= YEARS[1]:
            raise forms.ValidationError(self.error_messages["year"], code="year")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        return moment

    def _parse(self, text: str) -> datetime:
        try:
            if "T" in text or " " in text:
                return datetime.fromisoformat(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return datetime.combine(day, time.max if self.end_of_day else time.min)


class MomentFilter(django_filters.Filter):
    """A bound of a date range: ``gte`` for a "from", ``lte`` for a "to" (end_of_day)."""

    field_class = MomentField


def moment_range(field_name: str, start: str, label: str) -> tuple[MomentFilter, MomentFilter]:
    """The "from" and "to" filters of ``field_name``; ``start`` is the "from" one's name."""
    return (
        MomentFilter(field_name=field_name, lookup_expr="gte", label=f"{label} from"),
        MomentFilter(
            field_name=field_name,
            lookup_expr="lte",
            label=f"{label} to",
            end_of_day=True,
            starts_at=start,
        ),
    )


class IdChoiceField(forms.ModelChoiceField):
    """A select of rows whose value stays the id as given: checking it would cost a query
    on every Web API list, which passes ids it has resolved; an unknown id matches nothing."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "Any")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return None if value in self.empty_values else str(value)

    def validate(self, value):
        forms.Field.validate(self, value)


class IdChoiceFilter(django_filters.CharFilter):
    """Filters by a related row's id (``field_name`` ends in ``_id``); a select on pages."""

    field_class = IdChoiceField


class UnassignedSelect(forms.NullBooleanSelect):
    """The ``unassigned`` filter as a person reads it; "Any" sends nothing, so that a form
    submitted as it is leaves no filter in the address."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Unassigned only"), ("false", "Assigned only")]

    def format_value(self, value):
        shown = super().format_value(value)
        return "" if shown == "unknown" else shown


class RangeForm(forms.Form):
    """The form of a FilterSet with date ranges: a "to" before its "from" is an error next
    to the "to" (which then does not apply)."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            start = getattr(field, "starts_at", None)
            end = cleaned.get(name)
            if start and end and cleaned.get(start) and end < cleaned[start]:
                label = self.fields[start].label
                self.add_error(name, f"Must not be before {label.lower()}.")
        return cleaned
