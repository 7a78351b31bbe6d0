"""The staff's job queues: fixed filters over the one JobFilterSet, the states each can hold
(crm.paging.Queue) and a default order. All jobs fixes nothing: any state, every filter."""

from crm.paging import Queue, queues, sorts
from jobs.models import OPEN_JOB_STATES, JobLifeCycleState

SORTS = sorts()
S = JobLifeCycleState


def _in(state: str) -> Queue:
    """The queue of one state."""
    return Queue(
        state.lower().replace("_", "-"),
        S(state).label,
        lambda user: {"state": [state]},
        states=frozenset({state}),
    )


QUEUES = queues(
    _in(S.DRAFT),
    _in(S.PENDING),
    _in(S.IN_PROGRESS),
    Queue("overdue", "Overdue", lambda user: {"overdue": True}, states=frozenset(OPEN_JOB_STATES)),
    Queue("all", "All jobs", lambda user: {}, sort="created", descending=True),
)
DEFAULT_QUEUE = "pending"
