"""The staff's service request queues: each is a fixed set of filters, what those fix (the
states it can hold, the person's filters it decides: crm.paging.Queue) and a default order.
All requests fixes nothing: any state, any date, every filter."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from crm.paging import Queue, Sort, queues, sorts
from servicerequests.models import OPEN_STATES, LifeCycleState
from servicerequests.steps import STEPS
from sla.clock import RUNNING_STATES

SORTS = sorts(
    Sort("priority", "priority", "Priority", nullable=True),
    Sort("completed", "completed_date", "Completed", nullable=True),
)
RECENT = timedelta(days=7)
OPEN = frozenset(OPEN_STATES)
# The states a step awaits the customer's acceptance in (servicerequests.steps).
AWAITING = frozenset(step.state for step in STEPS)
# The states whose service level clock runs: the only ones at risk or breached.
RUNNING = frozenset(RUNNING_STATES)


def _my_groups(user) -> dict:
    return {"group_in": ",".join(user.crm_groups.values_list("id", flat=True)) or "-", "open": True}


QUEUES = queues(
    # Assigned to me, so assigned: "Assigned only" fits, "Unassigned only" does not.
    Queue(
        "mine",
        "My queue",
        lambda user: {"assignee": user.pk, "unassigned": False, "open": True},
        states=OPEN,
    ),
    Queue("my-groups", "My groups", _my_groups, states=OPEN, owns={"group": "group_in"}),
    Queue(
        "unassigned",
        "Unassigned",
        lambda user: {"unassigned": True, "open": True},
        states=OPEN,
        owns={"assignee": None},
    ),
    Queue(
        "pending",
        "Pending",
        lambda user: {"state": [LifeCycleState.PENDING]},
        states=frozenset({LifeCycleState.PENDING}),
    ),
    Queue(
        "awaiting-acceptance",
        "Awaiting customer acceptance",
        lambda user: {"pending_acceptance": "any"},
        states=AWAITING,
    ),
    Queue(
        "close-to-completion",
        "Close to expected completion",
        lambda user: {"approaching": True, "open": True, "overdue": False},
        states=OPEN,
    ),
    Queue("overdue", "Overdue", lambda user: {"overdue": True}, states=OPEN),
    # Service levels (contract section 8): worked out from the clock, pauses included.
    Queue("at-risk", "At risk", lambda user: {"sla_status": ["AT_RISK"]}, states=RUNNING),
    Queue("breached", "Breached", lambda user: {"sla_status": ["BREACHED"]}, states=RUNNING),
    # A "completed from" in the last week narrows it; an earlier one opens All requests.
    Queue(
        "recently-completed",
        "Recently completed",
        lambda user: {
            "state": [LifeCycleState.COMPLETED],
            "completed_from": timezone.now() - RECENT,
        },
        sort="completed",
        descending=True,
        states=frozenset({LifeCycleState.COMPLETED}),
    ),
    # Nothing fixed: every state, every filter; newest first.
    Queue("all", "All requests", lambda user: {}, sort="created", descending=True),
)
DEFAULT_QUEUE = "mine"
