"""The short service request object other resources embed (a job's ``service_request``)."""

from crm.api.representation import Choice, Id, Nested, Representation, attrs, dates
from servicerequests.api.serializers import ID, ServiceRequestStatusRepr, ServiceRequestTypeRepr
from servicerequests.models import LifeCycleState, ServiceRequest


class ServiceRequestShortRepr(Representation):
    always_columns = ("privacy_level", "owned_by_group")
    model = ServiceRequest
    fields = {
        "id": Id(ID),
        **attrs("number", "description"),
        "life_cycle_state": Choice("life_cycle_state", LifeCycleState.values),
        "type": Nested("type", ServiceRequestTypeRepr),
        "status": Nested("status", ServiceRequestStatusRepr),
        **dates("start_date", "expected_completion_date"),
    }
