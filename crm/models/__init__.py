"""The organisation: communities, groups, units, privacy levels, users and API credentials.

Also the abstract bases every other app's entities use (hex ids, log information, named
configuration, and the work records both life cycles share) and the counters behind
human-readable numbers.
"""

from crm.models.base import Configured, Entity, Logged, NamedConfig
from crm.models.credentials import ApiKey, ApiToken, Counter, IdempotencyKey
from crm.models.notifications import (
    DEFAULT_CHANNELS,
    Notification,
    NotificationPreference,
    NotificationQuerySet,
    visible_q,
)
from crm.models.organisation import Community, Group, PrivacyLevel, Role, Unit, User
from crm.models.records import (
    WorkRecord,
    WorkRecordQuerySet,
    WorkType,
    abstract_model,
    event_base,
    optional_fk,
    status_base,
    type_reason_base,
    type_status_base,
    work_record_indexes,
    work_type_constraints,
)

__all__ = [
    "DEFAULT_CHANNELS",
    "ApiKey",
    "ApiToken",
    "Community",
    "Configured",
    "Counter",
    "Entity",
    "Group",
    "IdempotencyKey",
    "Logged",
    "NamedConfig",
    "Notification",
    "NotificationPreference",
    "NotificationQuerySet",
    "PrivacyLevel",
    "Role",
    "Unit",
    "User",
    "WorkRecord",
    "WorkRecordQuerySet",
    "WorkType",
    "abstract_model",
    "event_base",
    "optional_fk",
    "status_base",
    "type_reason_base",
    "type_status_base",
    "visible_q",
    "work_record_indexes",
    "work_type_constraints",
]
