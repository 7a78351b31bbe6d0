"""Template helpers for the staff pages."""

from django import template
from django.utils import timezone

from crm.api.formats import format_datetime
from crm.registry import action_label
from crm.timeperiods import period_between

register = template.Library()

_UNITS = {"MINUTES": "min", "HOURS": "h", "DAYS": "d", "WEEKS": "w", "MONTHS": "mo", "YEARS": "y"}


def _short(start, end) -> str:
    period = period_between(start, end)
    return f"{period.value}{_UNITS[period.uot]}" if period else "now"


@register.inclusion_tag("includes/due_badge.html")
def due_badge(record, now=None):
    """Expected completion with a countdown: green, amber once flagged, red when overdue."""
    expected = record.expected_completion_date
    now = now or timezone.now()
    if expected is None or not record.is_open:
        return {"expected": expected, "state": "none", "text": ""}
    if expected < now:
        return {"expected": expected, "state": "late", "text": f"{_short(expected, now)} overdue"}
    state = "warn" if record.approaching_completion else "ok"
    return {"expected": expected, "state": state, "text": f"in {_short(now, expected)}"}


@register.filter
def api_date(value) -> str:
    """A date the way the Web API writes it, in the organisation's time zone."""
    return format_datetime(value) or ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    query = context["request"].GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def local_dt(value, seconds: bool = False) -> str:
    """A date and time for people: ``2026-11-23 14:05`` in the organisation's time zone."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


EVENT_LABELS = {
    "create": "Created",
    "update": "Updated",
    "flag_approaching": "Flagged as approaching completion",
    "flag_overdue": "Flagged as overdue",
    "start_progress": "Started",
    "submit": "Submitted",
    "reopen": "Reopened",  # outside the table (servicerequests.services.reopen)
}


@register.filter
def event_label(action: str) -> str:
    """An event's action as a heading (the life cycle table's label where there is one)."""
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    return action_label(action) or action.replace("_", " ").capitalize()


# Events no user made: the customer's answers through an e-mail link (acceptance app),
# else the system's own (the scan, a mailed link).
CUSTOMER_ACTIONS = frozenset(
    {
        "response_accept",
        "temporary_resolution_accept",
        "final_resolution_accept",
        "customer_declined",
    }
)


@register.filter
def event_actor(event) -> str:
    """Who an event says did it: its user, the customer, or the system."""
    if event.user_id is not None:
        return event.user.display_name
    return "the customer" if event.action in CUSTOMER_ACTIONS else "the system"


@register.simple_tag
def cell(column, record, now):
    """A queue table's cell (crm.columns.Column.render): safe markup, or text escaped here."""
    return column.render(record, now)
