"""The job life cycle: one table, the single source of truth (crm.lifecycle).

The services enforce it under a row lock; the Web API (``get_next_status_sequence``) and the
staff pages read it to know what a job may do next. Nothing else decides which state
changes are allowed.
"""

from __future__ import annotations

from crm.exceptions import InvalidLifeCycleState
from crm.lifecycle import LifeCycle, transition
from jobs.models import OPEN_JOB_STATES
from jobs.models import JobLifeCycleState as S

LIFE_CYCLE = LifeCycle(
    [
        # Taken by ``update`` choosing a PENDING status; the others only by their method.
        transition("submit", "Submit", {S.DRAFT}, S.PENDING, by_update=True),
        transition("start_progress", "Start progress", {S.PENDING}, S.IN_PROGRESS),
        transition("complete", "Complete", {S.IN_PROGRESS}, S.COMPLETED, asks_first=True),
        transition(
            "cancel",
            "Cancel",
            {S.DRAFT, S.PENDING, S.IN_PROGRESS},
            S.CANCELLED,
            forward=False,
            asks_first=True,
        ),
    ],
    noun="job",
    param="job_identifier",
)
TRANSITIONS = LIFE_CYCLE.transitions

# A job is created in one of these states (a later one would skip what the actions do:
# activities on start, the subscription deactivation on completion).
CREATE_STATES = frozenset({S.DRAFT, S.PENDING})
# Which states allow which part of an update (reference section 3.1).
UPDATABLE = frozenset(OPEN_JOB_STATES)
REQUESTED_EDITABLE = frozenset({S.DRAFT, S.PENDING})  # requested sets and billing terms
PROVIDED_EDITABLE = frozenset({S.IN_PROGRESS})  # physical_goods_set and expenses_set


def check_editable(states: frozenset[str], state: str, *, param: str, what: str) -> None:
    """Refuse a change to ``what`` (a set, the billing terms) outside ``states``."""
    if state not in states:
        raise InvalidLifeCycleState(
            f"The {what} of a {state} job cannot change.",
            param=param,
            detail=f"{param} may change only while the job is {', '.join(sorted(states))}",
        )


def update_transition(state: str, target: str, *, param: str):
    """What choosing a status of state ``target`` in an update does to a ``state`` job.

    ``None``: the state stays (only the status changes). Anything but the table's
    ``by_update`` transitions is INVALID_LIFE_CYCLE_STATE: those states have their own action.
    """
    path = LIFE_CYCLE.path(state, target, by_update=True)
    if path is not None and len(path) <= 1:
        return path[0] if path else None
    raise InvalidLifeCycleState(
        f"An update cannot move a {state} job to {target}.",
        param=param,
        detail=f"a {state} job can reach {target} only through its own action, if at all",
    )


def next_states(state: str) -> frozenset[str]:
    """The states a ``state`` job may be in after its next change (its own state included
    while open: a status of the same state)."""
    return LIFE_CYCLE.next_states(state, stays=UPDATABLE)
