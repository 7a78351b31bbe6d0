"""The CSV download of a job queue or saved view (contract section 9; the view is
crm.export.QueueExportMixin): one line per job, in the page's order, with the columns of a
request's file where a job has them, and its subscription:

``number``, ``life_cycle_state``, ``status`` (name), ``type`` (name), ``category`` (name),
``account`` (the accounts receivable's number), ``subscription`` (its number),
``assigned_to`` (the assigned user's username), ``owned_by_group`` (name), ``start_date``,
``expected_completion_date``, ``scheduled_date``, ``completed_date`` (the actual completion),
``cancelled_date``, ``description``. Dates are in the Web API's format. Jobs have no service
level, so no ``sla_status``.

One query with its joins (a server-side cursor on PostgreSQL), plain values, no objects.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from crm.export import Export, fetched

HEADER = (
    "number",
    "life_cycle_state",
    "status",
    "type",
    "category",
    "account",
    "subscription",
    "assigned_to",
    "owned_by_group",
    "start_date",
    "expected_completion_date",
    "scheduled_date",
    "completed_date",
    "cancelled_date",
    "description",
)
# The value behind each column, in the header's order.
FIELDS = (
    "number",
    "life_cycle_state",
    "status__name",
    "type__name",
    "category__name",
    "accounts_receivable__number",
    "subscription__number",
    "assigned_to_user__username",
    "owned_by_group__name",
    "start_date",
    "expected_completion_date",
    "scheduled_date",
    "actual_completed_date",
    "cancelled_date",
    "description",
)


def rows(queryset: QuerySet, now) -> Iterator[tuple]:
    """The cells of each job of the ordered ``queryset`` (``now`` is not needed: no clock)."""
    return fetched(queryset.values_list(*FIELDS))


EXPORT = Export("jobs", HEADER, rows)
