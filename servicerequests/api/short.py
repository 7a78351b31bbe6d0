"""The short service request object other resources embed (a job's ``service_request``)."""

from crm.api.representation import Attr, Choice, Date, Nested, Representation
from servicerequests.api.serializers import ID, ServiceRequestStatusRepr, ServiceRequestTypeRepr
from servicerequests.models import LifeCycleState, ServiceRequest


class ServiceRequestShortRepr(Representation):
    always_columns = ("privacy_level", "owned_by_group")
    model = ServiceRequest
    fields = {
        "id": Attr("id", schema=ID, nullable=False),
        "number": Attr("number"),
        "description": Attr("description"),
        "life_cycle_state": Choice("life_cycle_state", LifeCycleState.values),
        "type": Nested("type", ServiceRequestTypeRepr),
        "status": Nested("status", ServiceRequestStatusRepr),
        "start_date": Date("start_date"),
        "expected_completion_date": Date("expected_completion_date"),
    }
