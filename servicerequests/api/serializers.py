"""Web API objects of service request configuration (contract section 3)."""

from crm.api.representation import Attr, Id, Nested, Representation, attrs
from crm.api.serializers import status_repr, type_reason_repr, type_status_repr
from products.api.serializers import ProductRepr, ProductTypeRepr
from servicerequests import models
from servicerequests.models import LifeCycleState

ID = {"type": "string", "example": "FB4A0B28CF194EF7819B0888B64B4210"}


class ServiceRequestTypeRepr(Representation):
    model = models.ServiceRequestType
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
    }


ServiceRequestStatusRepr = status_repr(
    "ServiceRequestStatusRepr", models.ServiceRequestStatus, LifeCycleState.values, ID
)
ServiceRequestTypeStatusRepr = type_status_repr(
    "ServiceRequestTypeStatusRepr", models.ServiceRequestTypeStatus, ServiceRequestStatusRepr, ID
)


def category_repr(model_class, label: str) -> type[Representation]:
    """The four category objects share one shape."""
    return type(
        f"{model_class.__name__}Repr",
        (Representation,),
        {
            "model": model_class,
            "description": label,
            "fields": {
                "id": Id(ID),
                **attrs("name", "code", "description"),
                "requires_customer_acceptance": Attr(
                    "requires_customer_acceptance", schema={"type": "boolean"}, nullable=False
                ),
            },
        },
    )


ServiceRequestCategoryRepr = category_repr(
    models.ServiceRequestCategory, "Service request category."
)
ResponseCategoryRepr = category_repr(models.ResponseCategory, "Response category.")
TemporaryResolutionCategoryRepr = category_repr(
    models.TemporaryResolutionCategory, "Temporary resolution category."
)
FinalResolutionCategoryRepr = category_repr(
    models.FinalResolutionCategory, "Final resolution category."
)
# The category object of each step (servicerequests.steps), by the step's name.
STEP_CATEGORY_REPRS = {
    "response": ResponseCategoryRepr,
    "temporary_resolution": TemporaryResolutionCategoryRepr,
    "final_resolution": FinalResolutionCategoryRepr,
}


class CancellationReasonRepr(Representation):
    model = models.CancellationReason
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
    }


ServiceRequestTypeCancellationReasonRepr = type_reason_repr(
    "ServiceRequestTypeCancellationReasonRepr", models.ServiceRequestTypeCancellationReason, ID
)


def allowed_product_repr(model_class, label: str) -> type[Representation]:
    """``{id, product, product_type}``: a type allows one product or a whole product type."""
    return type(
        f"{model_class.__name__}Repr",
        (Representation,),
        {
            "model": model_class,
            "description": label,
            "fields": {
                "id": Id(ID),
                "product": Nested("product", ProductRepr),
                "product_type": Nested("product_type", ProductTypeRepr),
            },
        },
    )


ServiceRequestTypeServiceRepr = allowed_product_repr(
    models.ServiceRequestTypeService, "A service allowed for a service request type."
)
ServiceRequestTypePhysicalGoodRepr = allowed_product_repr(
    models.ServiceRequestTypePhysicalGood, "A physical good allowed for a service request type."
)
