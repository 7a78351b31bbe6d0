"""Every write to a job (house rule: writes with rules are services).

``writes`` holds the services themselves, ``checks`` the business rules they apply, ``sets``
the five item collections, ``inputs`` the dataclasses they take. Callers import from here.
"""

from jobs.services.inputs import (
    ActivityItem,
    Assignment,
    BillingTermsInput,
    ExpenseItem,
    GoodItem,
    Item,
    RowRef,
    SetChange,
)
from jobs.services.sets import SETS
from jobs.services.writes import (
    job_cancel,
    job_complete,
    job_create,
    job_start_progress,
    job_update,
)

__all__ = [
    "SETS",
    "ActivityItem",
    "Assignment",
    "BillingTermsInput",
    "ExpenseItem",
    "GoodItem",
    "Item",
    "RowRef",
    "SetChange",
    "job_cancel",
    "job_complete",
    "job_create",
    "job_start_progress",
    "job_update",
]
