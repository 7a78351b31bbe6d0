"""The audit trail: what a write changed, field by field, in words.

A service snapshots the fields it tracks before a change and after it; the event row it
writes keeps ``{"fields": [{"name", "label", "old", "new"}, ...]}`` for those that differ,
as display text of that moment (a name, a local date), so that the timeline says
"Assignee: nobody → Agent Smith" years later even if the user was renamed since.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from crm import queuecounts


@dataclass(frozen=True)
class Tracked:
    """A field (or a composite, such as the assignee) the audit trail records."""

    name: str
    label: str
    read: Callable[[Any], Any]
    empty: str = "—"

    def shown(self, record) -> str:
        return shown(self.read(record), self.empty)


def shown(value, empty: str = "—") -> str:
    """A value as the timeline writes it."""
    if value is None or value == "":
        return empty
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    display = getattr(value, "display_name", None)
    return str(display if display else value)


def attr(name: str) -> Callable[[Any], Any]:
    return lambda record: getattr(record, name)


def field(name: str, label: str, empty: str = "—") -> Tracked:
    """A plain attribute or a foreign key, shown by its ``str``."""
    return Tracked(name, label, attr(name), empty)


def assignee(record) -> str | None:
    """The assigned user and unit in words."""
    user, unit = record.assigned_to_user, record.assigned_to_unit
    if user is None and unit is None:
        return None
    if user is None:
        return unit.name
    return f"{user.display_name} ({unit.name})" if unit is not None else user.display_name


def period(record) -> str | None:
    """The stored estimated completion time in words (``3 days``)."""
    value, unit = record.estimated_completion_value, record.estimated_completion_uot
    if value is None or not unit:
        return None
    unit = unit.lower()
    return f"{value} {unit.removesuffix('s') if value == 1 else unit}"


def work_record_fields() -> tuple[Tracked, ...]:
    """What requests and jobs both track (crm.models.WorkRecord)."""
    return (
        Tracked("assigned_to", "Assignee", assignee, "nobody"),
        field("owned_by_group", "Group"),
        field("privacy_level", "Privacy level"),
        field("description", "Description"),
        field("start_date", "Start"),
        field("expected_completion_date", "Expected completion"),
        Tracked("estimated_completion_time", "Estimated completion time", period),
    )


def user_defined_fields() -> tuple[Tracked, ...]:
    return tuple(
        field(f"udf_{kind}_{n}", f"User-defined {kind} {n}")
        for kind, count in (("string", 8), ("float", 4), ("date", 4))
        for n in range(1, count + 1)
    )


# Joined when a work record is locked for a write, so its snapshot costs no query.
WORK_RECORD_RELATIONS = ("assigned_to_user", "assigned_to_unit", "owned_by_group", "privacy_level")


def snapshot(record, tracked: Iterable[Tracked]) -> dict[str, str]:
    return {item.name: item.shown(record) for item in tracked}


def differences(before: dict, after: dict, tracked: Iterable[Tracked]) -> list[dict]:
    """The tracked fields whose display changed, in the order they are tracked."""
    return [
        {"name": item.name, "label": item.label, "old": before[item.name], "new": after[item.name]}
        for item in tracked
        if before.get(item.name) != after.get(item.name)
    ]


def as_changes(rows: list[dict], **extra) -> dict:
    """The ``changes`` JSON of an event row."""
    changes = {"fields": rows} if rows else {}
    changes.update({key: value for key, value in extra.items() if value})
    return changes


class Audit:
    """Snapshots a record before a write. ``take()`` gives what changed since the last
    snapshot and starts again from there, so a write that records several events (a create
    that walks to a later state) tells each event its own changes."""

    def __init__(self, record, tracked: Iterable[Tracked]):
        self.tracked = tuple(tracked)
        self.before = snapshot(record, self.tracked)

    def take(self, record) -> list[dict]:
        after = snapshot(record, self.tracked)
        rows = differences(self.before, after, self.tracked)
        self.before = after
        return rows


def write_event(
    event_model,
    fk: str,
    record,
    actor,
    action: str,
    before: tuple,
    now,
    *,
    note: str = "",
    changes: dict | None = None,
) -> None:
    """The event row of a write on ``record`` (its foreign key on the event is ``fk``):
    who, when, the state and status before and after, why (``note``) and what changed."""
    from_state, from_status_id = before
    event_model.objects.create(
        **{fk: record},
        action=action,
        from_state=from_state,
        to_state=record.life_cycle_state,
        from_status_id=from_status_id,
        to_status_id=record.status_id,
        user=actor.user,
        unit=actor.unit,
        created_at=now,
        note=note or "",
        changes=changes or {},
    )
    # Every service write of a request or a job records its event here: once it commits,
    # the sidebar's cached queue counts are old (crm.queuecounts).
    queuecounts.changed()
