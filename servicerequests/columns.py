"""The columns of the service request queues (crm.columns): what each cell shows and which
relations it reads. The defaults fit a 1366-pixel screen beside the sidebar: number, subject,
due, priority, status and assignee, with no sideways scrolling."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from crm.columns import Column, assignee_cell, columns, subject_cell, text_cell
from crm.templatetags.crm_tags import local_dt


def _number(sr, now):
    return format_html('<a href="{}">{}</a>', reverse("sr-detail", args=[sr.number]), sr.number)


def _due(sr, now):
    # The service-level countdown (sla.words), the same markup as the detail page's badge.
    from sla.templatetags.sla_tags import sla_badge

    return render_to_string("sla/badge.html", sla_badge(sr, now))


def _priority(sr, now):
    if not sr.priority:
        return mark_safe("")
    return format_html(
        '<span class="priority priority--{}">{}</span>', sr.priority.lower(), sr.priority
    )


COLUMNS = columns(
    Column("number", "Number", _number, sort="number", required=True),
    Column("subject", "Subject", subject_cell, css="queue__subject"),
    Column("due", "Due", _due, ("type", "type__calendar", "status"), sort="expected"),
    Column(
        "created",
        "Created",
        lambda sr, now: local_dt(sr.created_date)[:10],
        sort="created",
        default=False,
    ),
    Column("priority", "Priority", _priority, sort="priority"),
    Column(
        "completed",
        "Completed",
        lambda sr, now: local_dt(sr.completed_date),
        sort="completed",
        default=False,
    ),
    Column(
        "account",
        "Account",
        lambda sr, now: text_cell(sr.accounts_receivable.number),
        ("accounts_receivable",),
        default=False,
    ),
    Column(
        "caller", "Caller", lambda sr, now: text_cell(sr.caller.name), ("caller",), default=False
    ),
    Column("type", "Type", lambda sr, now: text_cell(sr.type.name), ("type",), default=False),
    Column("status", "Status", lambda sr, now: text_cell(sr.status.name), ("status",)),
    Column("assignee", "Assignee", assignee_cell, ("assigned_to_user", "owned_by_group")),
)
