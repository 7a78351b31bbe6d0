"""``service_requests/configuration/<x>/list``: the nine configuration lists."""

from crm.api.params import Enum, Ident
from crm.api.views import ConfigListMethod
from servicerequests import models, selectors
from servicerequests.api import identifiers  # noqa: F401 (registers the identifier kinds)
from servicerequests.api import serializers as s
from servicerequests.models import LifeCycleState

TYPE_PARAM = "service_request_type_identifier"
# Filters also accept the spaced spellings of the documentation.
STATE_ALIASES = {"TEMPORARY RESOLVED": "TEMPORARY_RESOLVED", "FINAL RESOLVED": "FINAL_RESOLVED"}


class ConfigList(ConfigListMethod):
    """Base of the service request configuration lists."""

    tag = "service request configuration"


class TypeList(ConfigList):
    """Service request types."""

    method_name = "service_requests/configuration/types/list"
    summary = "List service request types."
    permission = "servicerequests.view_servicerequesttype"
    representation = s.ServiceRequestTypeRepr

    def queryset(self, params):
        return selectors.type_list()


class StatusList(ConfigList):
    """The statuses a type allows, each flagged if it is the default for its state."""

    method_name = "service_requests/configuration/statuses/list"
    summary = "List the statuses allowed for a service request type."
    permission = "servicerequests.view_servicerequeststatus"
    params = {
        TYPE_PARAM: Ident("service_request_type", required=True),
        "life_cycle_state": Enum(LifeCycleState.values, aliases=STATE_ALIASES),
    }
    representation = s.ServiceRequestTypeStatusRepr

    def queryset(self, params):
        return selectors.type_status_list(
            type=params[TYPE_PARAM], life_cycle_state=params.get("life_cycle_state")
        )


class CategoryList(ConfigList):
    """Service request categories; with a type, only the categories it allows."""

    method_name = "service_requests/configuration/categories/list"
    summary = "List service request categories."
    permission = "servicerequests.view_servicerequestcategory"
    params = {TYPE_PARAM: Ident("service_request_type")}
    representation = s.ServiceRequestCategoryRepr

    def queryset(self, params):
        return selectors.category_list(type=params.get(TYPE_PARAM))


class ResponseCategoryList(ConfigList):
    """Response categories."""

    method_name = "service_requests/configuration/response_categories/list"
    summary = "List response categories."
    permission = "servicerequests.view_responsecategory"
    representation = s.ResponseCategoryRepr

    def queryset(self, params):
        return selectors.resolution_category_list(models.ResponseCategory)


class TemporaryResolutionCategoryList(ConfigList):
    """Temporary resolution categories."""

    method_name = "service_requests/configuration/temporary_resolution_categories/list"
    summary = "List temporary resolution categories."
    permission = "servicerequests.view_temporaryresolutioncategory"
    representation = s.TemporaryResolutionCategoryRepr

    def queryset(self, params):
        return selectors.resolution_category_list(models.TemporaryResolutionCategory)


class FinalResolutionCategoryList(ConfigList):
    """Final resolution categories."""

    method_name = "service_requests/configuration/final_resolution_categories/list"
    summary = "List final resolution categories."
    permission = "servicerequests.view_finalresolutioncategory"
    representation = s.FinalResolutionCategoryRepr

    def queryset(self, params):
        return selectors.resolution_category_list(models.FinalResolutionCategory)


class CancellationReasonList(ConfigList):
    """The cancellation reasons a type allows, each flagged if it is the type's default."""

    method_name = "service_requests/configuration/cancellation_reasons/list"
    summary = "List the cancellation reasons of a service request type."
    permission = "servicerequests.view_cancellationreason"
    params = {TYPE_PARAM: Ident("service_request_type", required=True)}
    representation = s.ServiceRequestTypeCancellationReasonRepr

    def queryset(self, params):
        return selectors.type_cancellation_reason_list(type=params[TYPE_PARAM])


class ServiceList(ConfigList):
    """The services a type allows: one product, or every product of a product type."""

    method_name = "service_requests/configuration/services/list"
    summary = "List the services allowed for a service request type."
    permission = "servicerequests.view_servicerequesttype"
    params = {TYPE_PARAM: Ident("service_request_type", required=True)}
    representation = s.ServiceRequestTypeServiceRepr

    def queryset(self, params):
        return selectors.type_service_list(type=params[TYPE_PARAM])


class PhysicalGoodList(ConfigList):
    """The physical goods a type allows: one product, or every product of a product type."""

    method_name = "service_requests/configuration/physical_goods/list"
    summary = "List the physical goods allowed for a service request type."
    permission = "servicerequests.view_servicerequesttype"
    params = {TYPE_PARAM: Ident("service_request_type", required=True)}
    representation = s.ServiceRequestTypePhysicalGoodRepr

    def queryset(self, params):
        return selectors.type_physical_good_list(type=params[TYPE_PARAM])


VIEWS = [
    TypeList,
    StatusList,
    CategoryList,
    ResponseCategoryList,
    TemporaryResolutionCategoryList,
    FinalResolutionCategoryList,
    CancellationReasonList,
    ServiceList,
    PhysicalGoodList,
]
