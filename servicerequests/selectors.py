"""Reads of service request configuration, newest first like every Web API list."""

from django.db.models import QuerySet

from servicerequests import models

NEWEST_FIRST = ("-created_date", "-id")


def type_list() -> QuerySet:
    return models.ServiceRequestType.objects.order_by(*NEWEST_FIRST)


def type_status_list(*, type: models.ServiceRequestType, life_cycle_state: str | None = None):
    queryset = models.ServiceRequestTypeStatus.objects.filter(type=type)
    if life_cycle_state:
        queryset = queryset.filter(life_cycle_state=life_cycle_state)
    return queryset.order_by(*NEWEST_FIRST)


def category_list(*, type: models.ServiceRequestType | None = None) -> QuerySet:
    queryset = models.ServiceRequestCategory.objects.all()
    if type is not None:
        queryset = queryset.filter(types=type)
    return queryset.order_by(*NEWEST_FIRST)


def resolution_category_list(model_class) -> QuerySet:
    """Response, temporary resolution or final resolution categories."""
    return model_class.objects.order_by(*NEWEST_FIRST)


def type_cancellation_reason_list(*, type: models.ServiceRequestType) -> QuerySet:
    return models.ServiceRequestTypeCancellationReason.objects.filter(type=type).order_by(
        *NEWEST_FIRST
    )


def type_service_list(*, type: models.ServiceRequestType) -> QuerySet:
    return models.ServiceRequestTypeService.objects.filter(type=type).order_by(*NEWEST_FIRST)


def type_physical_good_list(*, type: models.ServiceRequestType) -> QuerySet:
    return models.ServiceRequestTypePhysicalGood.objects.filter(type=type).order_by(*NEWEST_FIRST)


def service_request_list(*, user, filters: dict | None = None) -> QuerySet:
    """Requests the user may see, filtered by the one FilterSet, newest first."""
    from crm.filtering import filter_queryset
    from servicerequests.filtersets import ServiceRequestFilterSet

    queryset = models.ServiceRequest.objects.visible_to(user)
    queryset = filter_queryset(ServiceRequestFilterSet, filters or {}, queryset)
    return queryset.order_by("-created_date", "-number")


QUEUE_RELATED = (
    "accounts_receivable",
    "caller",
    "type",
    # The countdown reads the type's business calendar (sla.words).
    "type__calendar",
    "status",
    "assigned_to_user",
    "owned_by_group",
)


def service_request_queue(*, user, filters: dict, related=QUEUE_RELATED) -> QuerySet:
    """A queue's rows with what its columns show (``related``: the shown columns' joins,
    servicerequests.columns); the page orders and slices it."""
    rows = service_request_list(user=user, filters=filters)
    # select_related() with no names would join every relation: none shown, none joined.
    return rows.select_related(*related) if related else rows


# The columns of a customer's history (customers.views): no account or caller, which
# the page is about.
HISTORY_RELATED = ("type", "status", "assigned_to_user")


def service_request_history(*, user, filters: dict) -> QuerySet:
    """A customer's requests (``account`` or ``caller``, and ``state``) with what the
    history's columns show; the page orders and slices it."""
    return service_request_list(user=user, filters=filters).select_related(*HISTORY_RELATED)


def service_request_state_counts(*, user, filters: dict) -> dict[str, int]:
    """How many requests the user may see in each life cycle state (one grouped query,
    for one customer's rows: never the whole table)."""
    from django.db.models import Count

    rows = service_request_list(user=user, filters=filters).order_by()
    return dict(rows.values_list("life_cycle_state").annotate(count=Count("pk")))


def service_request_detail(*, user, number: str):
    """One visible request with everything its page shows, or None."""
    from django.db.models import Prefetch

    from crm.access import access_for
    from crm.models import visible_q
    from crm.selectors import rows_with_products, timeline
    from jobs.models import Job

    return (
        models.ServiceRequest.objects.visible_to(user)
        .select_related(
            *QUEUE_RELATED,
            "category",
            "privacy_level",
            "assigned_to_unit",
            "accounts_receivable__owner",
            "referring_to_subscription",
            "referring_to_job",
            "response_category",
            "responded_by",
            "response_accepted_by",
            "temporary_resolution_category",
            "temporary_resolved_by",
            "temporary_resolution_accepted_by",
            "final_resolution_category",
            "final_resolved_by",
            "final_resolution_accepted_by",
            "cancellation_reason",
            "created_by_user",
            "updated_by_user",
        )
        .prefetch_related(
            timeline(models.ServiceRequestEvent),
            *rows_with_products(
                ("services", models.ServiceRequestService),
                ("physical_goods", models.ServiceRequestPhysicalGood),
            ),
            # Related requests the user may not see are not on the page at all, as in the
            # Web API (contract section 6).
            Prefetch(
                "relations",
                queryset=models.ServiceRequestRelation.objects.filter(
                    visible_q(
                        access_for(user),
                        privacy_field="related__privacy_level",
                        group_field="related__owned_by_group",
                    )
                ).select_related("related"),
            ),
            Prefetch(
                "jobs", queryset=Job.objects.visible_to(user).select_related("status", "type")
            ),
        )
        .filter(number=number)
        .first()
    )


def service_request_search(*, user, query: str, offset: int = 0, count: int = 50) -> list[str]:
    """The ids of one page of the requests ``user`` may see that match ``query`` (cleaned:
    crm.search.clean_query), best match first, then newest (servicerequests.search). The
    Web API and the header search both read here; each fetches the rows it shows."""
    from crm.search import ranked_ids
    from servicerequests.search import branches

    visible = models.ServiceRequest.objects.visible_to(user)
    return ranked_ids(visible, branches(query), offset=offset, count=count)


def service_request_search_rows(*, ids: list[str]) -> list:
    """The header search's rows (servicerequests.search), in the order of ``ids``: what its
    columns show (number, subject, status, state, assignee, due)."""
    from crm.search import in_order

    rows = models.ServiceRequest.objects.filter(pk__in=ids).select_related(
        "status", "assigned_to_user"
    )
    return in_order(rows, ids)


# The list the ground floor counts this app's queues through (crm.registry).
record_list = service_request_list
# The search the staff pages' header search reads through (crm.registry, crm.search_views).
record_search = service_request_search
record_search_rows = service_request_search_rows
