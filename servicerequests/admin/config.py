"""Admin for the service request configuration tables: statuses, categories, cancellation
reasons."""

from django.contrib import admin

from crm.admin import CodedCategoryAdmin, NamedConfigAdmin, StatusAdmin
from crm.admin.configuration import StatusStateForm
from servicerequests.models import (
    CLOCK_STATES,
    CancellationReason,
    ClockEffect,
    FinalResolutionCategory,
    ResponseCategory,
    ServiceRequest,
    ServiceRequestCategory,
    ServiceRequestStatus,
    ServiceRequestTypeStatus,
    TemporaryResolutionCategory,
)


class ServiceRequestStatusForm(StatusStateForm):
    """A status and its clock effect (contract section 8): a closed state's status stops
    the clock, an open state's runs or pauses it; and the effect of a status open requests
    are in may not change under them (their stored clocks would no longer be true)."""

    def clean(self):
        cleaned = super().clean()
        state, effect = cleaned.get("life_cycle_state"), cleaned.get("clock_effect")
        if not state or not effect:
            return cleaned
        if state not in CLOCK_STATES:
            if effect == ClockEffect.PAUSE:
                self.add_error("clock_effect", "A status of a closed state stops the clock.")
            cleaned["clock_effect"] = ClockEffect.STOP
        elif effect == ClockEffect.STOP:
            self.add_error(
                "clock_effect",
                "A status of an open state runs or pauses the clock; only completed, "
                "cancelled and final-resolved requests stop it.",
            )
        elif not self.instance._state.adding and "clock_effect" in self.changed_data:
            self._check_unused()
        return cleaned

    def _check_unused(self) -> None:
        count = ServiceRequest.objects.filter(
            status=self.instance, life_cycle_state__in=CLOCK_STATES
        ).count()
        if count:
            self.add_error(
                "clock_effect",
                f"{count} open request{'s are' if count != 1 else ' is'} in this status; "
                "changing what it does to the clock would make their service levels wrong. "
                "Move them to another status first, or add a new status with this effect.",
            )


@admin.register(ServiceRequestStatus)
class ServiceRequestStatusAdmin(StatusAdmin):
    """The statuses requests go through, each in one life cycle state."""

    form = ServiceRequestStatusForm
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
