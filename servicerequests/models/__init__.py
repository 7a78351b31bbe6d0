"""Service requests and their configuration.

Admins configure types (allowed statuses with a default per life cycle state, categories,
services, physical goods, cancellation reasons, completion times), statuses, categories,
resolution categories and the priority matrix; staff and API consumers raise and work the
requests themselves.
"""

from servicerequests.models.choices import (
    CLOCK_STATES,
    OPEN_STATES,
    AcceptedVia,
    ClockEffect,
    ImpactLevel,
    LifeCycleState,
    Priority,
    UrgencyLevel,
)
from servicerequests.models.config import (
    AllowedProductBase,
    CancellationReason,
    CategoryBase,
    CompletionTarget,
    FinalResolutionCategory,
    PriorityRule,
    ResponseCategory,
    ServiceRequestCategory,
    ServiceRequestStatus,
    ServiceRequestType,
    ServiceRequestTypeCancellationReason,
    ServiceRequestTypePhysicalGood,
    ServiceRequestTypeService,
    ServiceRequestTypeStatus,
    TemporaryResolutionCategory,
)
from servicerequests.models.requests import (
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestPhysicalGood,
    ServiceRequestQuerySet,
    ServiceRequestRelation,
    ServiceRequestService,
)

__all__ = [
    "CLOCK_STATES",
    "OPEN_STATES",
    "AcceptedVia",
    "AllowedProductBase",
    "CancellationReason",
    "CategoryBase",
    "ClockEffect",
    "CompletionTarget",
    "FinalResolutionCategory",
    "ImpactLevel",
    "LifeCycleState",
    "Priority",
    "PriorityRule",
    "ResponseCategory",
    "ServiceRequest",
    "ServiceRequestCategory",
    "ServiceRequestEvent",
    "ServiceRequestPhysicalGood",
    "ServiceRequestQuerySet",
    "ServiceRequestRelation",
    "ServiceRequestService",
    "ServiceRequestStatus",
    "ServiceRequestType",
    "ServiceRequestTypeCancellationReason",
    "ServiceRequestTypePhysicalGood",
    "ServiceRequestTypeService",
    "ServiceRequestTypeStatus",
    "TemporaryResolutionCategory",
    "UrgencyLevel",
]
