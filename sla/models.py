"""Business calendars: when the service-level clock of a request type counts (contract
section 8). A type without a calendar runs around the clock."""

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from crm.models.base import Entity, Named


def _check_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"“{value}” is not a time zone (e.g. Europe/Athens, UTC).")


class BusinessCalendar(Entity, Named):
    """A time zone, weekly working windows and holidays. Service-level targets of the types
    that use it count working time only."""

    time_zone = models.CharField(max_length=64, default="UTC", validators=[_check_time_zone])
    description = models.TextField(blank=True, default="")
    # Bumped on every change of the calendar, its windows or holidays: the cached
    # arithmetic of a calendar (sla.calendars) is keyed by it.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta(Named.Meta):
        verbose_name = "business calendar"


class Weekday(models.IntegerChoices):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class WorkingWindow(Entity):
    """A working window of a weekday, in the calendar's local time; several per day are
    allowed (09:00-13:00 and 14:00-18:00). A window ends the day it starts: one crossing
    midnight is two windows."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")) | Q(end="00:00"),
                name="sla_window_ends_after_it_starts",
            )
        ]

    def __str__(self):
        end = "24:00" if self.end.hour == self.end.minute == 0 else f"{self.end:%H:%M}"
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{end}"


class Holiday(Entity):
    """A day off: one date, or the same day every year (25 December)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    every_year = models.BooleanField(default=False, help_text="The same day every year.")
    name = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["date"]

    def __str__(self):
        day = f"{self.date:%d %B}" if self.every_year else f"{self.date:%Y-%m-%d}"
        return f"{self.name or 'Holiday'} ({day}{', every year' if self.every_year else ''})"
