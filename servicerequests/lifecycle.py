"""The service request life cycle: one table, the single source of truth.

Services enforce it under a row lock; the Web API and the staff pages read it to know
which actions a request offers. Acceptances leave the state as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from servicerequests.models import LifeCycleState as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change (acceptances)


def _t(action: str, label: str, sources: set[str], target: str | None) -> Transition:
    return Transition(action, label, frozenset(sources), target)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("respond", "Respond", {S.PENDING}, S.RESPONDED),
        _t("temporary_resolve", "Temporarily resolve", {S.RESPONDED}, S.TEMPORARY_RESOLVED),
        _t(
            "final_resolve",
            "Finally resolve",
            {S.RESPONDED, S.TEMPORARY_RESOLVED},
            S.FINAL_RESOLVED,
        ),
        _t("complete", "Complete", {S.FINAL_RESOLVED}, S.COMPLETED),
        _t("cancel", "Cancel", {S.PENDING}, S.CANCELLED),
        _t("response_accept", "Accept response", {S.RESPONDED}, None),
        _t(
            "temporary_resolution_accept",
            "Accept temporary resolution",
            {S.TEMPORARY_RESOLVED},
            None,
        ),
        _t("final_resolution_accept", "Accept final resolution", {S.FINAL_RESOLVED}, None),
    )
}

# The forward steps, in order; a create or an update with a later status takes them in turn.
FORWARD = ("respond", "temporary_resolve", "final_resolve", "complete")


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def actions_for(state: str) -> list[Transition]:
    """The actions the table allows in ``state`` (acceptance rules aside)."""
    return [t for t in TRANSITIONS.values() if state in t.sources]


def path_to(state: str, target: str, *, via_temporary: bool) -> list[str] | None:
    """The forward steps from ``state`` to ``target``; None when the table has no path.

    Through TEMPORARY_RESOLVED only when asked (a temporary resolution was given) or when
    that is the target.
    """
    if target == S.CANCELLED:
        return ["cancel"] if allowed("cancel", state) else None
    steps, current = [], state
    for action in FORWARD:
        if current == target:
            break
        transition = TRANSITIONS[action]
        if action == "temporary_resolve" and not (via_temporary or target == transition.target):
            continue
        if current in transition.sources:
            steps.append(action)
            current = transition.target
    return steps if current == target else None
