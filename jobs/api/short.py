"""The short job object other resources embed (a service request's ``referring_to.job``)."""

from crm.api.representation import Attr, Choice, Date, Nested, Representation
from crm.api.serializers import assigned_to
from jobs.api.serializers import ID, JobStatusRepr, JobTypeRepr
from jobs.models import Job, JobLifeCycleState


class JobShortRepr(Representation):
    always_columns = ("privacy_level", "owned_by_group")
    model = Job
    fields = {
        "id": Attr("id", schema=ID, nullable=False),
        "number": Attr("number"),
        "description": Attr("description"),
        "life_cycle_state": Choice("life_cycle_state", JobLifeCycleState.values),
        "rating_state": Choice("rating_state", Job.RatingState.values),
        "type": Nested("type", JobTypeRepr),
        "status": Nested("status", JobStatusRepr),
        "start_date": Date("start_date"),
        "expected_completion_date": Date("expected_completion_date"),
        "expiration_date": Date("expiration_date"),
        "scheduled_date": Date("scheduled_date"),
        "assigned_to": assigned_to(),
    }
