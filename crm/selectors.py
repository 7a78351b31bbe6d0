"""Reads both apps' detail pages share: the timeline, and the rows of sets with products."""

from __future__ import annotations

from django.db.models import Prefetch


def timeline(event_model) -> Prefetch:
    """A record's event rows, oldest first, with who and which statuses."""
    events = event_model.objects.select_related("user", "unit", "from_status", "to_status")
    return Prefetch("events", queryset=events.order_by("created_at", "id"))


def rows_with_products(*sets: tuple[str, type]) -> list[Prefetch]:
    """``(related name, row model)`` pairs: each set's rows with their products."""
    return [
        Prefetch(name, queryset=model.objects.select_related("product")) for name, model in sets
    ]
