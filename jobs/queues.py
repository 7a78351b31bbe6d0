"""The staff's job queues: fixed filters over the one JobFilterSet and a default order."""

from crm.paging import Queue, queues, sorts

SORTS = sorts()
QUEUES = queues(
    Queue("draft", "Draft", lambda user: {"state": ["DRAFT"]}),
    Queue("pending", "Pending", lambda user: {"state": ["PENDING"]}),
    Queue("in-progress", "In progress", lambda user: {"state": ["IN_PROGRESS"]}),
    Queue("overdue", "Overdue", lambda user: {"overdue": True}),
)
DEFAULT_QUEUE = "pending"
