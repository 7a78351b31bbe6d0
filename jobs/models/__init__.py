"""Jobs: fulfilment work orders (e.g. deactivate a subscription) and their configuration.

Admins configure job types (scope, method, billing directive, allowed statuses, goods,
expenses, activities and billing term schemes), statuses, status sequences, categories,
cancellation reasons, activity types, billing term schemes and price plans.
"""

from jobs.models.choices import OPEN_JOB_STATES, FulfillmentScope, JobLifeCycleState
from jobs.models.config import (
    ActivityType,
    BillingTermScheme,
    JobCancellationReason,
    JobCategory,
    JobStatus,
    JobStatusSequence,
    JobType,
    JobTypeActivityService,
    JobTypeCancellationReason,
    JobTypeExpense,
    JobTypePhysicalGood,
    JobTypeStatus,
    PricePlan,
)
from jobs.models.records import (
    Job,
    JobActivity,
    JobBillingTerms,
    JobEvent,
    JobExpense,
    JobPhysicalGood,
    JobQuerySet,
    JobRequestedActivityService,
    JobRequestedExpense,
    JobRequestedPhysicalGood,
)

__all__ = [
    "OPEN_JOB_STATES",
    "ActivityType",
    "BillingTermScheme",
    "FulfillmentScope",
    "Job",
    "JobActivity",
    "JobBillingTerms",
    "JobCancellationReason",
    "JobCategory",
    "JobEvent",
    "JobExpense",
    "JobLifeCycleState",
    "JobPhysicalGood",
    "JobQuerySet",
    "JobRequestedActivityService",
    "JobRequestedExpense",
    "JobRequestedPhysicalGood",
    "JobStatus",
    "JobStatusSequence",
    "JobType",
    "JobTypeActivityService",
    "JobTypeCancellationReason",
    "JobTypeExpense",
    "JobTypePhysicalGood",
    "JobTypeStatus",
    "PricePlan",
]
