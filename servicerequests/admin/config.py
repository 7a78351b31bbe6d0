"""Admin for the service request configuration tables: statuses, categories, cancellation
reasons."""

from django.contrib import admin

from crm.admin import CodedCategoryAdmin, NamedConfigAdmin, StatusAdmin
from servicerequests.models import (
    CancellationReason,
    FinalResolutionCategory,
    ResponseCategory,
    ServiceRequest,
    ServiceRequestCategory,
    ServiceRequestStatus,
    ServiceRequestTypeStatus,
    TemporaryResolutionCategory,
)


@admin.register(ServiceRequestStatus)
class ServiceRequestStatusAdmin(StatusAdmin):
    """The statuses requests go through, each in one life cycle state."""

    records_model = ServiceRequest
    allowed_model = ServiceRequestTypeStatus
    # What the status does to the service-level clock (sla): "On Hold" pauses it.
    list_display = (*StatusAdmin.list_display[:3], "clock_effect", "description")
    list_filter = (*StatusAdmin.list_filter, "clock_effect")


class CategoryAdmin(CodedCategoryAdmin):
    """A category of requests, responses or resolutions, some needing the customer's
    acceptance."""

    list_display = ("name", "code", "requires_customer_acceptance", "description")
    list_filter = ("requires_customer_acceptance",)


@admin.register(ServiceRequestCategory)
class ServiceRequestCategoryAdmin(CategoryAdmin):
    """A request category, filtered also by the types that allow it."""

    list_filter = ("requires_customer_acceptance", "types")


admin.site.register(ResponseCategory, CategoryAdmin)
admin.site.register(TemporaryResolutionCategory, CategoryAdmin)
admin.site.register(FinalResolutionCategory, CategoryAdmin)


@admin.register(CancellationReason)
class CancellationReasonAdmin(NamedConfigAdmin):
    """Why a request is cancelled, filtered by the types that allow it."""

    list_filter = ("types",)
