"""The service request object (contract section 3, reference section 2.8)."""

from crm.api.representation import Attr, Choice, Date, Id, Many, Nested, Representation, attrs
from crm.api.serializers import (
    Composite,
    GroupRepr,
    PrivacyLevelRepr,
    UserRepr,
    assigned_to,
    estimated_completion_time,
    log_information,
    time_overdue_field,
    time_to_completion_field,
    udf_fields,
)
from customers.api.serializers import AccountsReceivableRepr, ContactRepr, SubscriptionRepr
from jobs.api.short import JobShortRepr
from products.api.serializers import product_row_repr
from servicerequests import models as m
from servicerequests.api import serializers as config
from servicerequests.api.short import ServiceRequestShortRepr
from servicerequests.steps import STEPS, StepKind
from sla.api import sla_field

ID = config.ID


ServiceRequestServiceRepr = product_row_repr(
    "ServiceRequestServiceRepr", m.ServiceRequestService, ID
)
ServiceRequestPhysicalGoodRepr = product_row_repr(
    "ServiceRequestPhysicalGoodRepr",
    m.ServiceRequestPhysicalGood,
    ID,
    after={"serial_number": Attr("serial_number")},
)


class ServiceRequestRelationRepr(Representation):
    model = m.ServiceRequestRelation
    fields = {
        "id": Id(ID),
        "service_request": Nested("related", ServiceRequestShortRepr, nullable=False),
        "description": Attr("description"),
    }


def step_object(step: StepKind) -> Composite:
    """A response or resolution (servicerequests.steps): null until the request has one."""
    return Composite(
        {
            "category": Nested(step.column("category"), config.STEP_CATEGORY_REPRS[step.name]),
            step.by: Nested(step.by, UserRepr),
            step.date_param: Date(step.column("date")),
            "description": Attr(step.column("description")),
            "accepted_by": Nested(step.column("accepted_by"), ContactRepr, prefetch=True),
            "accepted_date": Date(step.column("accepted_date")),
            # Extension (contract section 12): STAFF (pages, Web API) or EMAIL_LINK.
            "accepted_via": Choice(step.column("accepted_via"), m.AcceptedVia.values),
        },
        empty_as_null=True,
    )


class ServiceRequestRepr(Representation):
    model = m.ServiceRequest
    fields = {
        "id": Id(ID),
        "number": Attr("number"),
        "life_cycle_state": Choice("life_cycle_state", m.LifeCycleState.values, nullable=False),
        "type": Nested("type", config.ServiceRequestTypeRepr, nullable=False),
        "status": Nested("status", config.ServiceRequestStatusRepr, nullable=False),
        "category": Nested("category", config.ServiceRequestCategoryRepr, nullable=False),
        "accounts_receivable": Nested("accounts_receivable", AccountsReceivableRepr, prefetch=True),
        "caller": Nested("caller", ContactRepr, prefetch=True),
        **attrs("caller_email", "caller_phone", "description", "notes"),
        "urgency_level": Choice("urgency_level", m.UrgencyLevel.values, nullable=False),
        "impact_level": Choice("impact_level", m.ImpactLevel.values, nullable=False),
        "priority": Choice("priority", m.Priority.values),
        "owned_by_group": Nested("owned_by_group", GroupRepr),
        "privacy_level": Nested("privacy_level", PrivacyLevelRepr),
        "assigned_to": assigned_to(),
        "start_date": Date("start_date"),
        "expected_completion_date": Date("expected_completion_date"),
        "estimated_completion_time": estimated_completion_time(),
        "time_to_completion": time_to_completion_field(),
        "time_overdue": time_overdue_field(),
        "approaching_completion": Date("approaching_completion"),
        "referring_to": Composite(
            {
                "subscription": Nested(
                    "referring_to_subscription", SubscriptionRepr, prefetch=True
                ),
                "job": Nested("referring_to_job", JobShortRepr, guarded=True, prefetch=True),
            },
            empty_as_null=True,
        ),
        **{step.name: step_object(step) for step in STEPS},
        "cancellation_reason": Nested("cancellation_reason", config.CancellationReasonRepr),
        "services_set": Many("services", ServiceRequestServiceRepr, fk="service_request"),
        "physical_goods_set": Many(
            "physical_goods", ServiceRequestPhysicalGoodRepr, fk="service_request"
        ),
        "related_service_requests_set": Many(
            "relations", ServiceRequestRelationRepr, fk="service_request", guard="related"
        ),
        **udf_fields(),
        "log_information": log_information(),
        # Beyond CRM.COM (contract section 8): a new key a CRM.COM client may ignore.
        "sla": sla_field(),
    }
