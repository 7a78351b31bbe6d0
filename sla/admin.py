"""Admin for business calendars: a time zone, weekly working windows and holidays."""

from __future__ import annotations

from datetime import time
from zoneinfo import available_timezones

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from sla import workingtime
from sla.calendars import bump, window_of
from sla.models import BusinessCalendar, Holiday, WorkingWindow


class WindowFormSet(BaseInlineFormSet):
    """The week's windows as the arithmetic will read them: each ends the day it starts
    (a window crossing midnight is two windows), and no two of a day overlap."""

    def clean(self):
        super().clean()
        windows = []
        for form in self.forms:
            window = self._window(form)
            if window is not None:
                windows.append(window)
        if any(form.errors for form in self.forms):
            return
        if not windows:
            raise forms.ValidationError("Give at least one working window.")
        try:
            workingtime.Calendar("UTC", windows)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def _window(self, form) -> workingtime.Window | None:
        """The row as a window, or None (empty, deleted, or wrong: the error is on it)."""
        data = getattr(form, "cleaned_data", None)
        if not data or self._should_delete_form(form):
            return None
        if data.get("start") is None or data.get("end") is None or data.get("weekday") is None:
            return None
        try:
            return window_of(int(data["weekday"]), data["start"], data["end"])
        except ValueError as error:
            form.add_error(None, str(error))
            return None


class WindowForm(forms.ModelForm):
    """A window row; on a new calendar the proposed Monday-to-Friday rows are saved as
    shown (Django skips an extra row nobody edited, which would lose the proposal)."""

    class Meta:
        model = WorkingWindow
        fields = ("weekday", "start", "end")

    def has_changed(self) -> bool:
        return super().has_changed() or (self.instance._state.adding and bool(self.initial))


# What a new calendar proposes: office hours, Monday to Friday, ready to adjust.
PROPOSED_WINDOWS = [{"weekday": day, "start": time(9), "end": time(17)} for day in range(5)]


class WindowInline(admin.TabularInline):
    model = WorkingWindow
    form = WindowForm
    formset = WindowFormSet
    fields = ("weekday", "start", "end")
    verbose_name_plural = "Working windows (local time; end 00:00 means midnight)"

    def get_extra(self, request, obj=None, **kwargs):
        return len(PROPOSED_WINDOWS) if obj is None else 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    fields = ("date", "every_year", "name")
    extra = 0


class CalendarForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[(zone, zone) for zone in sorted(available_timezones())],
        initial="UTC",
        help_text="The windows and holidays are in this zone's local time (daylight saving "
        "included).",
    )

    class Meta:
        model = BusinessCalendar
        fields = ("name", "time_zone", "description")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    """A calendar and what its targets count; its types are listed read-only."""

    form = CalendarForm
    fields = ("name", "time_zone", "description", "types_using_it")
    readonly_fields = ("types_using_it",)
    inlines = (WindowInline, HolidayInline)
    list_display = ("name", "time_zone", "description")
    list_filter = ("time_zone",)
    list_select_related = ()
    search_fields = ("name", "description")

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # A new row has its id already (crm.models.Entity): "adding" tells a new calendar.
        if isinstance(inline, WindowInline) and obj._state.adding:
            kwargs["initial"] = PROPOSED_WINDOWS
        return kwargs

    @admin.display(description="Request types using it")
    def types_using_it(self, obj) -> str:
        if obj.pk is None:
            return "—"
        return ", ".join(obj.types.values_list("name", flat=True)) or "none yet"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Cached arithmetic of the old windows and holidays must not be used again.
        bump(form.instance.pk)
