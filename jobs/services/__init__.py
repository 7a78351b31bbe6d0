"""Every write to a job (house rule: writes with rules are services).

``create``, ``update`` and ``actions`` hold the services themselves, ``checks`` the business
rules they apply, ``sets`` the five item collections, ``common`` the lock, audit trail and
event row they share, ``inputs`` the dataclasses they take. Callers import from here.
"""

from jobs.services.actions import job_cancel, job_complete, job_start_progress
from jobs.services.create import job_create
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
from jobs.services.update import job_update

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
