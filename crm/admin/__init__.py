"""Admin for the organisation (communities, groups, units, privacy levels), users and roles,
and Web API credentials; plus the admin pieces every app shares (``crm`` is the app for what
every other app shares), re-exported here so that the apps import them from ``crm.admin``.

Usable at scale: every changelist names what it joins (``list_select_related``) and shows no
column that needs a query of its own, so it runs the same number of queries for ten rows as for
ten thousand; foreign keys to big tables (users, contacts, accounts, subscriptions, requests,
jobs) use raw id widgets, never a ``<select>`` holding every row; the rest use autocomplete.

- ``shared``: one-query change pages, read-only inlines, bases of small configuration
  tables, time periods.
- ``formsets``: rules checked across an inline's rows (one default per scope).
- ``configuration``: statuses, types and what they allow, a type's readiness.
- ``records``: the read-mostly admin of service requests and jobs.
- ``organisation``, ``users``, ``credentials``: this app's own admins.
"""

# Importing the modules of this app's own admins registers them.
from crm.admin import credentials, organisation, users  # noqa: F401
from crm.admin.configuration import (
    ESTIMATED_COMPLETION,
    WARNING_PERIOD,
    AllowedReasonInline,
    AllowedRowInline,
    AllowedStatusInline,
    DefaultFlagLabelMixin,
    LifeCycleTypeAdmin,
    ReadinessChangeList,
    StatusAdmin,
    StatusStateAdminMixin,
    StatusStateForm,
    TypePeriodsForm,
    TypeReadinessAdminMixin,
    completion_fieldset,
    life_cycle_order,
)
from crm.admin.formsets import (
    OneDefaultFormSet,
    ReasonDefaultsFormSet,
    StatusDefaultsFormSet,
    state_labels,
)
from crm.admin.records import (
    UDF_FIELDS,
    EventInline,
    WorkRecordAdmin,
    record_columns,
    record_fieldsets,
)
from crm.admin.shared import (
    PERIOD_VALUE_LABELS,
    UNIT_OF_TIME_LABEL,
    CodedCategoryAdmin,
    DetailSelectRelatedMixin,
    NamedConfigAdmin,
    ParentedConfigAdmin,
    PeriodLabelsMixin,
    PeriodPairsForm,
    ReadOnlyInline,
    period,
)

__all__ = [
    "ESTIMATED_COMPLETION",
    "PERIOD_VALUE_LABELS",
    "UDF_FIELDS",
    "UNIT_OF_TIME_LABEL",
    "WARNING_PERIOD",
    "AllowedReasonInline",
    "AllowedRowInline",
    "AllowedStatusInline",
    "CodedCategoryAdmin",
    "DefaultFlagLabelMixin",
    "DetailSelectRelatedMixin",
    "EventInline",
    "LifeCycleTypeAdmin",
    "NamedConfigAdmin",
    "OneDefaultFormSet",
    "ParentedConfigAdmin",
    "PeriodLabelsMixin",
    "PeriodPairsForm",
    "ReadOnlyInline",
    "ReadinessChangeList",
    "ReasonDefaultsFormSet",
    "StatusAdmin",
    "StatusDefaultsFormSet",
    "StatusStateAdminMixin",
    "StatusStateForm",
    "TypePeriodsForm",
    "TypeReadinessAdminMixin",
    "WorkRecordAdmin",
    "completion_fieldset",
    "life_cycle_order",
    "period",
    "record_columns",
    "record_fieldsets",
    "state_labels",
]
