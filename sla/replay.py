"""Every clock figure a request stores, worked out again from its event rows (contract
section 8: "every figure is reproducible from the request's event rows").

The create event keeps the first target and the clock the first status set; an update
that set a new target keeps it; every event whose status change started, paused or
stopped the clock records that change (the audit trail's ``clock`` field, as it was then,
so a later change of a status's settings does not rewrite history); the respond event
is the response. Replaying them through the same clock arithmetic the services use
(sla.services.change_clock) must give the stored figures; ``manage.py sla_check`` reports
every request where it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sla import clock
from sla.services import change_clock

BY_WORD = {word.capitalize(): effect for effect, word in clock.CLOCK.items()}
# The stored figures, compared one by one.
FIGURES = (
    "expected_completion_date",
    "sla_at_risk_date",
    "sla_paused_since",
    "sla_paused_seconds",
    "sla_stopped_at",
    "sla_response_due_date",
    "sla_responded_at",
)


@dataclass(frozen=True)
class Disagreement:
    """A stored figure and what the events say it should be."""

    figure: str
    stored: object
    replayed: object


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def in_order(events) -> list:
    """Oldest first. Events of one write share their moment (a create that walks to a
    later state writes several): the create comes first, then each event that starts from
    the status the previous one reached."""
    events = sorted(events, key=lambda e: e.created_at)
    ordered, status = [], None
    while events:
        moment = events[0].created_at
        batch = [e for e in events if e.created_at == moment]
        events = events[len(batch) :]
        while batch:
            pick = next((e for e in batch if e.action == "create"), None)
            pick = pick or next((e for e in batch if e.from_status_id == status), batch[0])
            batch.remove(pick)
            ordered.append(pick)
            status = pick.to_status_id
    return ordered


def _apply_target(state: SimpleNamespace, target: dict) -> None:
    state.start_date = _moment(target["start"])
    state.expected_completion_date = _moment(target["expected"])
    state.sla_at_risk_date = _moment(target.get("at_risk"))
    state.sla_response_due_date = _moment(target.get("response_due"))


def _started(event) -> SimpleNamespace | None:
    changes = event.changes or {}
    if event.action != "create" or "target" not in changes:
        return None
    state = SimpleNamespace(
        sla_paused_since=None,
        sla_paused_seconds=0,
        sla_stopped_at=None,
        sla_responded_at=None,
        approaching_completion=None,
        overdue_flagged_at=None,
    )
    _apply_target(state, changes["target"])
    first = BY_WORD[changes.get("clock", "Running")]
    change_clock(state, clock.RUN, first, now=event.created_at, calendar=None)
    return state


def _clock_change(event) -> tuple[str, str] | None:
    for row in (event.changes or {}).get("fields", []):
        if row.get("name") == "clock":
            return BY_WORD[row["old"]], BY_WORD[row["new"]]
    return None


def replay(events, calendar) -> SimpleNamespace | None:
    """The figures the events give, or None when they do not start with a create event
    that recorded its target (requests raised before service levels existed)."""
    ordered = in_order(events)
    if not ordered:
        return None
    state = _started(ordered[0])
    if state is None:
        return None
    for event in ordered[1:]:
        change = _clock_change(event)
        if change is not None:
            change_clock(state, *change, now=event.created_at, calendar=calendar)
        if event.action == "respond" and state.sla_responded_at is None:
            state.sla_responded_at = event.created_at
        target = (event.changes or {}).get("target")
        if target is not None:
            # Recorded after the write: it already has this event's own pause in it.
            _apply_target(state, target)
    return state


def disagreements(sr, replayed: SimpleNamespace) -> list[Disagreement]:
    return [
        Disagreement(name, getattr(sr, name), getattr(replayed, name))
        for name in FIGURES
        if getattr(sr, name) != getattr(replayed, name)
    ]
