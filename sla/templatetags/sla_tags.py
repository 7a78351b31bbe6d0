"""Template tags of the service-level clock: ``{% sla_badge sr now %}`` (the countdown of
the queues and the page header) and ``{% sla_card sr now %}`` (the detail page's card)."""

from django import template
from django.utils import timezone

from sla import words

register = template.Library()


@register.inclusion_tag("sla/badge.html")
def sla_badge(sr, now=None):
    """Expected completion with the working time left, "paused", or how far over."""
    return {
        "expected": sr.expected_completion_date,
        "badge": words.badge(sr, now or timezone.now()),
    }


@register.inclusion_tag("sla/card.html")
def sla_card(sr, now=None):
    return {"lines": words.summary(sr, now or timezone.now())}
