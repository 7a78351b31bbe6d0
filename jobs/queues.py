"""The staff's job queues: fixed filters over the one JobFilterSet and a default order."""

from crm.paging import Sort
from servicerequests.queues import Queue  # the same shape as the request queues

SORTS = {
    sort.key: sort
    for sort in (
        Sort("expected", "expected_completion_date", "Expected completion", nullable=True),
        Sort("created", "created_date", "Created"),
        Sort("number", "number", "Number"),
    )
}

QUEUES = {
    queue.slug: queue
    for queue in (
        Queue("draft", "Draft", lambda user: {"state": ["DRAFT"]}),
        Queue("pending", "Pending", lambda user: {"state": ["PENDING"]}),
        Queue("in-progress", "In progress", lambda user: {"state": ["IN_PROGRESS"]}),
        Queue("overdue", "Overdue", lambda user: {"overdue": True}),
    )
}
DEFAULT_QUEUE = "pending"
