"""The CSV download of a service request queue or saved view (contract section 9; the view
is crm.export.QueueExportMixin): one line per request, in the page's order, with the columns
of section 9 in their order:

- ``number``, ``life_cycle_state``, ``priority``, ``urgency_level``, ``impact_level``,
  ``description``: as the Web API has them;
- ``status``, ``type``, ``category``, ``owned_by_group``: the names;
- ``account``: the accounts receivable's number; ``caller``: the contact's name as CRM.COM
  shows it (``Last First``, or the company's name);
- ``assigned_to``: the assigned user's username (the identifier the Web API takes);
- ``start_date``, ``expected_completion_date``, ``completed_date``: in the Web API's format
  (``YYYY-MM-DDTHH:MM:SS``, in ``TIME_ZONE``);
- ``sla_status``, ``remaining_seconds``: the ``status`` and ``remaining_seconds`` of the
  request's ``sla`` object at the moment of the download, by the clock's own steps
  (sla.clock.status_and_remaining, which read uses too).

The rows are read as plain values through one query with its joins (a server-side cursor on
PostgreSQL: crm.export.fetched) and the business calendars once: a constant number of
queries, and memory that holds one fetch of rows whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from crm.export import Export, fetched
from sla import clock
from sla.api import facts
from sla.calendars import calendars
from sla.models import BusinessCalendar

HEADER = (
    "number",
    "life_cycle_state",
    "status",
    "type",
    "category",
    "priority",
    "urgency_level",
    "impact_level",
    "account",
    "caller",
    "assigned_to",
    "owned_by_group",
    "start_date",
    "expected_completion_date",
    "completed_date",
    "sla_status",
    "remaining_seconds",
    "description",
)
# What a line is built from: the columns shown, and the facts the service level clock reads.
FIELDS = (
    "number",
    "life_cycle_state",
    "status__name",
    "type__name",
    "category__name",
    "priority",
    "urgency_level",
    "impact_level",
    "accounts_receivable__number",
    "caller__type",
    "caller__first_name",
    "caller__last_name",
    "caller__company_name",
    "assigned_to_user__username",
    "owned_by_group__name",
    "start_date",
    "expected_completion_date",
    "completed_date",
    "description",
    "sla_at_risk_date",
    "sla_paused_since",
    "sla_paused_seconds",
    "sla_stopped_at",
    "sla_response_due_date",
    "sla_responded_at",
    "status__clock_effect",
    "type__calendar",
)


def caller_name(row) -> str | None:
    """customers.models.Contact.name from the row's values."""
    if row.caller__type is None:
        return None
    if row.caller__type == "COMPANY":
        return row.caller__company_name
    return " ".join(part for part in (row.caller__last_name, row.caller__first_name) if part)


def sla_cells(row, arithmetic: dict, now) -> tuple:
    """The ``status`` and ``remaining_seconds`` of the Web API's ``sla`` object (sla.api
    reads them through sla.clock.read, whose steps these are), from the values."""
    return clock.status_and_remaining(
        facts(row),
        effect=clock.effect_for(row.life_cycle_state, row.status__clock_effect),
        state=row.life_cycle_state,
        # No calendar: around the clock (sla.calendars.of_type).
        calendar=arithmetic.get(row.type__calendar),
        now=now,
    )


def line(row, arithmetic: dict, now) -> tuple:
    return (
        *row[:9],
        caller_name(row),
        row.assigned_to_user__username,
        row.owned_by_group__name,
        row.start_date,
        row.expected_completion_date,
        row.completed_date,
        *sla_cells(row, arithmetic, now),
        row.description,
    )


def rows(queryset: QuerySet, now) -> Iterator[tuple]:
    """The cells of each request of the ordered ``queryset``, read at ``now``."""
    # Every calendar once (a handful of rows; their arithmetic is cached per version).
    arithmetic = calendars(BusinessCalendar.objects.using(queryset.db).all())
    for row in fetched(queryset.values_list(*FIELDS, named=True)):
        yield line(row, arithmetic, now)


EXPORT = Export("service-requests", HEADER, rows)
