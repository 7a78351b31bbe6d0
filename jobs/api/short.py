"""The short job object other resources embed (a service request's ``referring_to.job``)."""

from crm.api.representation import Choice, Id, Nested, Representation, attrs, dates
from crm.api.serializers import assigned_to
from jobs.api.serializers import ID, JobStatusRepr, JobTypeRepr
from jobs.models import Job, JobLifeCycleState


class JobShortRepr(Representation):
    always_columns = ("privacy_level", "owned_by_group")
    model = Job
    fields = {
        "id": Id(ID),
        **attrs("number", "description"),
        "life_cycle_state": Choice("life_cycle_state", JobLifeCycleState.values),
        "rating_state": Choice("rating_state", Job.RatingState.values),
        "type": Nested("type", JobTypeRepr),
        "status": Nested("status", JobStatusRepr),
        **dates("start_date", "expected_completion_date", "expiration_date", "scheduled_date"),
        "assigned_to": assigned_to(),
    }
