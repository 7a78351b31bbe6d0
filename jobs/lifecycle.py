"""The job life cycle: one table, the single source of truth.

The services enforce it under a row lock; the Web API (``get_next_status_sequence``) and the
staff pages read it to know what a job may do next. Nothing else decides which state
changes are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.exceptions import InvalidLifeCycleState
from jobs.models import OPEN_JOB_STATES
from jobs.models import JobLifeCycleState as S


@dataclass(frozen=True)
class Transition:
    """An action that moves a job from one of ``sources`` to ``target``."""

    action: str
    label: str
    sources: frozenset[str]
    target: str
    # True: taken by ``update`` choosing a status of the target state (DRAFT to PENDING);
    # False: only its own method may take it (start_progress, complete, cancel).
    by_update: bool = False


def _t(action: str, label: str, sources: set[str], target: str, by_update=False) -> Transition:
    return Transition(action, label, frozenset(sources), target, by_update)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("submit", "Submit", {S.DRAFT}, S.PENDING, by_update=True),
        _t("start_progress", "Start progress", {S.PENDING}, S.IN_PROGRESS),
        _t("complete", "Complete", {S.IN_PROGRESS}, S.COMPLETED),
        _t("cancel", "Cancel", {S.DRAFT, S.PENDING, S.IN_PROGRESS}, S.CANCELLED),
    )
}

# A job is created in one of these states (a later one would skip what the actions do:
# activities on start, the subscription deactivation on completion).
CREATE_STATES = frozenset({S.DRAFT, S.PENDING})
# Which states allow which part of an update (reference section 3.1).
UPDATABLE = frozenset(OPEN_JOB_STATES)
REQUESTED_EDITABLE = frozenset({S.DRAFT, S.PENDING})  # requested sets and billing terms
PROVIDED_EDITABLE = frozenset({S.IN_PROGRESS})  # physical_goods_set and expenses_set


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def check(action: str, state: str, *, param: str = "job_identifier") -> Transition:
    """The transition for ``action``, or INVALID_LIFE_CYCLE_STATE if ``state`` refuses it."""
    transition = TRANSITIONS[action]
    if state not in transition.sources:
        sources = ", ".join(sorted(transition.sources))
        raise InvalidLifeCycleState(
            f"A {state} job cannot {transition.label.lower()}.",
            param=param,
            detail=f"{action} is allowed only for {sources} jobs; this job is {state}",
        )
    return transition


def check_editable(states: frozenset[str], state: str, *, param: str, what: str) -> None:
    """Refuse a change to ``what`` (a set, the billing terms) outside ``states``."""
    if state not in states:
        raise InvalidLifeCycleState(
            f"The {what} of a {state} job cannot change.",
            param=param,
            detail=f"{param} may change only while the job is {', '.join(sorted(states))}",
        )


def update_transition(state: str, target: str, *, param: str) -> Transition | None:
    """What choosing a status of state ``target`` in an update does to a ``state`` job.

    ``None``: the state stays (only the status changes). Anything but the table's
    ``by_update`` transitions is INVALID_LIFE_CYCLE_STATE: those states have their own action.
    """
    if target == state:
        return None
    for transition in TRANSITIONS.values():
        if transition.by_update and state in transition.sources and transition.target == target:
            return transition
    raise InvalidLifeCycleState(
        f"An update cannot move a {state} job to {target}.",
        param=param,
        detail=f"a {state} job can reach {target} only through its own action, if at all",
    )


def next_states(state: str) -> frozenset[str]:
    """The states a ``state`` job may be in after its next change (its own state included
    while open: a status of the same state)."""
    targets = {t.target for t in TRANSITIONS.values() if state in t.sources}
    if state in UPDATABLE:
        targets.add(state)
    return frozenset(targets)


def actions_for(state: str) -> list[Transition]:
    """The actions the table allows in ``state``, for pages that draw buttons."""
    return [t for t in TRANSITIONS.values() if state in t.sources]
