"""The life-cycle core both apps stand on: one transition-table type, one row lock.

A ``LifeCycle`` is the single source of truth for which action moves a record from which
states to which: the services check it under a row lock, the pages read it to offer only
what would succeed, the Web API and its schema read it to describe the actions. Service
requests and jobs each declare one table (``servicerequests/lifecycle.py``,
``jobs/lifecycle.py``) with the same interface: ``check``, ``path``, ``actions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm.exceptions import InvalidLifeCycleState


@dataclass(frozen=True)
class Transition:
    """An action that moves a record from one of ``sources`` to ``target``.

    ``target`` None: the action records something without changing the state (an
    acceptance). ``optional``: a forward step taken on the way to a later state only when
    asked for (a temporary resolution). ``by_update``: the record's ``update`` method may
    take it by choosing a status of the target state (a job's DRAFT to PENDING); others
    only by their own method. ``forward``: part of the way forward a create or an update
    may walk (cancel is not). ``asks_first``: the staff pages ask before doing it.
    """

    action: str
    label: str
    sources: frozenset[str]
    target: str | None
    optional: bool = False
    by_update: bool = False
    forward: bool = True
    asks_first: bool = False


def transition(action: str, label: str, sources: Iterable[str], target: str | None, **flags):
    return Transition(action, label, frozenset(sources), target, **flags)


class LifeCycle:
    """A transition table for records called ``noun``, identified by ``param``."""

    def __init__(self, transitions: Iterable[Transition], *, noun: str, param: str):
        self.transitions = {t.action: t for t in transitions}
        self.noun = noun
        self.param = param

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __contains__(self, action: str) -> bool:
        return action in self.transitions

    def allowed(self, action: str, state: str) -> bool:
        return state in self.transitions[action].sources

    def check(self, action: str, state: str, *, record: str = "", param: str | None = None):
        """The transition for ``action``, or INVALID_LIFE_CYCLE_STATE if ``state`` refuses
        it. ``record`` names the record in the message (its number)."""
        step = self.transitions[action]
        if state in step.sources:
            return step
        sources = ", ".join(sorted(step.sources))
        subject = record or f"a {state} {self.noun}"
        raise InvalidLifeCycleState(
            f"{step.label} is not allowed for {subject} in state {state}.",
            param=param or self.param,
            detail=f"{action} needs one of {sources}",
        )

    def actions(self, state: str) -> list[Transition]:
        """What the table allows in ``state``, in table order, for pages that draw buttons."""
        return [t for t in self.transitions.values() if state in t.sources]

    def path(
        self, state: str, target: str, *, optional: bool = False, by_update: bool = False
    ) -> list[Transition] | None:
        """The steps from ``state`` to ``target``, or None when the table has none.

        Asked for ``optional`` steps: the way through one, if there is such a way. Else a
        step straight to ``target`` if there is one, else the forward steps in table order
        (an optional one only when it is the target). ``by_update`` keeps to the steps an
        update may take.
        """
        if state == target:
            return []
        steps = [t for t in self.transitions.values() if t.target is not None]
        if by_update:
            steps = [t for t in steps if t.by_update]
        if optional:
            walked = _walk(steps, state, target, optional=True)
            if walked and any(t.optional for t in walked):
                return walked
        direct = [t for t in steps if state in t.sources and t.target == target]
        return direct[:1] or _walk(steps, state, target, optional=False)

    def next_states(self, state: str, *, stays: Iterable[str] = ()) -> frozenset[str]:
        """The states a record may be in after its next change; ``stays``: the states in
        which a change of status alone (same state) is allowed too."""
        targets = {t.target for t in self.actions(state) if t.target is not None}
        if state in set(stays):
            targets.add(state)
        return frozenset(targets)


def _walk(steps, state: str, target: str, *, optional: bool) -> list[Transition] | None:
    walked, current = [], state
    for step in steps:
        if current == target:
            break
        if not step.forward or (step.optional and not optional and step.target != target):
            continue
        if current in step.sources:
            walked.append(step)
            current = step.target
    return walked if current == target else None


def lock(model, pk, *, select_related: Iterable[str] = ()):
    """The row of ``model`` with ``pk``, locked until commit and read again, so every check
    sees the latest state.

    FOR NO KEY UPDATE, not FOR UPDATE: rows that reference this one (relations, events,
    jobs) take FOR KEY SHARE when their foreign keys are checked at commit, which FOR
    UPDATE would block; two transactions each holding one row and referencing the other
    then deadlocked. The lock takes no joins: after waiting for a lock, PostgreSQL re-checks
    the row against the joined rows it read before waiting, so a join on a column the winner
    changed (``status``) would drop the row and the loser would see nothing instead of a
    409. The joins the caller wants come with a second read, under the lock.
    """
    model._default_manager.select_for_update(no_key=True).filter(pk=pk).values_list(
        "pk", flat=True
    ).get()
    related = tuple(select_related)
    rows = model._default_manager.select_related(*related) if related else model._default_manager
    return rows.get(pk=pk)
