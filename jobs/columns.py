"""The columns of the job queues (crm.columns). A job's subject is, as a request's, the first
line of its description (the column the work record shares); jobs have no service level, so
"due" is the expected completion with its countdown (includes/due_badge.html)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from crm.columns import Column, assignee_cell, columns, subject_cell, text_cell
from crm.templatetags.crm_tags import due_badge, local_dt


def _number(job, now):
    return format_html('<a href="{}">{}</a>', reverse("job-detail", args=[job.number]), job.number)


def _due(job, now):
    return render_to_string("includes/due_badge.html", due_badge(job, now))


COLUMNS = columns(
    Column("number", "Number", _number, sort="number", required=True),
    Column("subject", "Subject", subject_cell, css="queue__subject"),
    Column("due", "Due", _due, sort="expected"),
    Column(
        "created",
        "Created",
        lambda job, now: local_dt(job.created_date)[:10],
        sort="created",
        default=False,
    ),
    Column(
        "account",
        "Account",
        lambda job, now: text_cell(job.accounts_receivable.number),
        ("accounts_receivable",),
    ),
    Column(
        "subscription",
        "Subscription",
        lambda job, now: text_cell(getattr(job.subscription, "number", None)),
        ("subscription",),
        default=False,
    ),
    Column("type", "Type", lambda job, now: text_cell(job.type.name), ("type",)),
    Column("status", "Status", lambda job, now: text_cell(job.status.name), ("status",)),
    Column("assignee", "Assignee", assignee_cell, ("assigned_to_user", "owned_by_group")),
)
