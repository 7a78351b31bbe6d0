"""Template helpers of the customer history pages."""

from django import template

from crm.columns import subject as first_line

register = template.Library()


@register.filter
def subject(text: str | None) -> str:
    """A record's subject: its description's first line (crm.columns.subject, as the queues
    show it)."""
    return first_line(text)
