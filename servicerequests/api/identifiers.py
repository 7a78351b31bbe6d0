"""Identifier kinds of service requests and their configuration."""

from crm.api.identifiers import CODED, NAMED, IdentifierKind, register, register_config
from crm.api.params import Ident
from servicerequests import models

register_config("service_request_type", "service request type", models.ServiceRequestType, NAMED)
register_config(
    "service_request_status", "service request status", models.ServiceRequestStatus, NAMED
)
register_config(
    "service_request_category", "service request category", models.ServiceRequestCategory, CODED
)
register_config("response_category", "response category", models.ResponseCategory, CODED)
register_config(
    "temporary_resolution_category",
    "temporary resolution category",
    models.TemporaryResolutionCategory,
    CODED,
)
register_config(
    "final_resolution_category", "final resolution category", models.FinalResolutionCategory, CODED
)
register_config(
    "service_request_cancellation_reason",
    "cancellation reason",
    models.CancellationReason,
    NAMED,
)

register(
    IdentifierKind(
        "service_request",
        "service request",
        {"id": "id", "number": "number"},
        queryset=lambda ctx: models.ServiceRequest.objects.visible_to(ctx.user),
    )
)

# Rows of a request's sets, found within the request by the method.
register(
    IdentifierKind(
        "service_request_service",
        "service request service",
        {"id": "id", "product_identifier": Ident("product")},
    )
)
register(
    IdentifierKind(
        "service_request_physical_good",
        "service request physical good",
        {"id": "id", "product_identifier": Ident("product")},
    )
)
register(
    IdentifierKind(
        "service_request_relation",
        "service request relation",
        {"id": "id", "service_request_identifier": Ident("service_request")},
        nested_lookups={"service_request_identifier": "related"},
    )
)
