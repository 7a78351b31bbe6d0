"""The service request life cycle: one table, the single source of truth (crm.lifecycle).

Services enforce it under a row lock; the Web API and the staff pages read it to know
which actions a request offers. Acceptances leave the state as it is.
"""

from __future__ import annotations

from crm.lifecycle import LifeCycle, transition
from servicerequests.models import LifeCycleState as S

LIFE_CYCLE = LifeCycle(
    [
        transition("respond", "Respond", {S.PENDING}, S.RESPONDED),
        # Taken on the way to FINAL_RESOLVED only when a temporary resolution is given.
        transition(
            "temporary_resolve",
            "Temporarily resolve",
            {S.RESPONDED},
            S.TEMPORARY_RESOLVED,
            optional=True,
        ),
        transition(
            "final_resolve",
            "Finally resolve",
            {S.RESPONDED, S.TEMPORARY_RESOLVED},
            S.FINAL_RESOLVED,
        ),
        transition("complete", "Complete", {S.FINAL_RESOLVED}, S.COMPLETED),
        transition("cancel", "Cancel", {S.PENDING}, S.CANCELLED, forward=False, asks_first=True),
        transition("response_accept", "Accept response", {S.RESPONDED}, None),
        transition(
            "temporary_resolution_accept",
            "Accept temporary resolution",
            {S.TEMPORARY_RESOLVED},
            None,
        ),
        transition("final_resolution_accept", "Accept final resolution", {S.FINAL_RESOLVED}, None),
    ],
    noun="service request",
    param="service_request_identifier",
)
TRANSITIONS = LIFE_CYCLE.transitions
