"""The staff's service request queues: each is a fixed set of filters and a default order."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from crm.paging import Queue, Sort, queues, sorts

SORTS = sorts(
    Sort("priority", "priority", "Priority", nullable=True),
    Sort("completed", "completed_date", "Completed", nullable=True),
)
RECENT = timedelta(days=7)


def _my_groups(user) -> dict:
    return {"group_in": ",".join(user.crm_groups.values_list("id", flat=True)) or "-", "open": True}


QUEUES = queues(
    Queue("mine", "My queue", lambda user: {"assignee": user.pk, "open": True}),
    Queue("my-groups", "My groups", _my_groups),
    Queue("unassigned", "Unassigned", lambda user: {"unassigned": True, "open": True}),
    Queue("pending", "Pending", lambda user: {"state": ["PENDING"]}),
    Queue(
        "awaiting-acceptance",
        "Awaiting customer acceptance",
        lambda user: {"pending_acceptance": "any"},
    ),
    Queue(
        "close-to-completion",
        "Close to expected completion",
        lambda user: {"approaching": True, "open": True, "overdue": False},
    ),
    Queue("overdue", "Overdue", lambda user: {"overdue": True}),
    # Service levels (contract section 8): worked out from the clock, pauses included.
    Queue("at-risk", "At risk", lambda user: {"sla_status": ["AT_RISK"]}),
    Queue("breached", "Breached", lambda user: {"sla_status": ["BREACHED"]}),
    Queue(
        "recently-completed",
        "Recently completed",
        lambda user: {"state": ["COMPLETED"], "completed_after": timezone.now() - RECENT},
        sort="completed",
        descending=True,
    ),
)
DEFAULT_QUEUE = "mine"
