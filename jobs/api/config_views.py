"""``jobs/configuration/<x>/list``: job types, statuses and cancellation reasons."""

from crm.api.params import Enum, Ident
from crm.api.views import ConfigListMethod
from jobs import selectors
from jobs.api import identifiers  # noqa: F401 (registers the identifier kinds)
from jobs.api import serializers as s
from jobs.models import FulfillmentScope, JobLifeCycleState

TYPE_PARAM = "job_type_identifier"


class ConfigList(ConfigListMethod):
    """Base of the job configuration lists."""

    tag = "job configuration"


class JobTypeList(ConfigList):
    """Job types, optionally of one fulfilment scope."""

    method_name = "jobs/configuration/types/list"
    summary = "List job types."
    permission = "jobs.view_jobtype"
    params = {"fulfillment_scope": Enum(FulfillmentScope.values)}
    representation = s.JobTypeCompleteRepr

    def queryset(self, params):
        return selectors.job_type_list(fulfillment_scope=params.get("fulfillment_scope"))


class JobStatusList(ConfigList):
    """The statuses a job type allows, each flagged if it is the default for its state."""

    method_name = "jobs/configuration/statuses/list"
    summary = "List the statuses allowed for a job type."
    permission = "jobs.view_jobstatus"
    params = {
        TYPE_PARAM: Ident("job_type", required=True),
        "life_cycle_state": Enum(JobLifeCycleState.values, aliases={"IN PROGRESS": "IN_PROGRESS"}),
    }
    representation = s.JobTypeStatusRepr

    def queryset(self, params):
        return selectors.job_type_status_list(
            type=params[TYPE_PARAM], life_cycle_state=params.get("life_cycle_state")
        )


class JobCancellationReasonList(ConfigList):
    """The cancellation reasons a job type allows, each flagged if it is the default."""

    method_name = "jobs/configuration/cancellation_reasons/list"
    summary = "List the cancellation reasons of a job type."
    permission = "jobs.view_jobcancellationreason"
    params = {TYPE_PARAM: Ident("job_type", required=True)}
    representation = s.JobTypeCancellationReasonRepr

    def queryset(self, params):
        return selectors.job_type_cancellation_reason_list(type=params[TYPE_PARAM])


VIEWS = [JobTypeList, JobStatusList, JobCancellationReasonList]
