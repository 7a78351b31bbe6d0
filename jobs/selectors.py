"""Reads of jobs and their configuration: visibility, the one FilterSet, ordering."""

from django.db.models import Exists, F, OuterRef, QuerySet

from crm.selectors import rows_with_products, timeline
from jobs import models

NEWEST_FIRST = ("-created_date", "-id")


def job_type_list(*, fulfillment_scope: str | None = None) -> QuerySet:
    queryset = models.JobType.objects.all()
    if fulfillment_scope:
        queryset = queryset.filter(fulfillment_scope=fulfillment_scope)
    return queryset.order_by(*NEWEST_FIRST)


def job_type_status_list(*, type: models.JobType, life_cycle_state: str | None = None) -> QuerySet:
    queryset = models.JobTypeStatus.objects.filter(type=type)
    if life_cycle_state:
        queryset = queryset.filter(life_cycle_state=life_cycle_state)
    return queryset.order_by(*NEWEST_FIRST)


def job_type_cancellation_reason_list(*, type: models.JobType) -> QuerySet:
    return models.JobTypeCancellationReason.objects.filter(type=type).order_by(*NEWEST_FIRST)


# -- jobs ---------------------------------------------------------------------------------------

JOB_NEWEST_FIRST = ("-created_date", "-number")
# jobs/deactivate_subscription/list: the latest updated first (reference section 3.6).
JOB_LATEST_UPDATED_FIRST = ("-updated_date", "-number")


def job_queryset(*, user, scope: str | None = None) -> QuerySet:
    """The jobs ``user`` may see (privacy level and group), optionally of one scope."""
    queryset = models.Job.objects.visible_to(user)
    if scope:
        queryset = queryset.filter(type__in=models.JobType.objects.filter(fulfillment_scope=scope))
    return queryset


def job_list(*, user, filters: dict | None = None, order_by=JOB_NEWEST_FIRST) -> QuerySet:
    """Jobs ``user`` may see, through the one FilterSet, newest first."""
    from crm.filtering import filter_queryset
    from jobs.filtersets import JobFilterSet

    queryset = filter_queryset(JobFilterSet, filters or {}, models.Job.objects.visible_to(user))
    return queryset.order_by(*order_by)


def job_next_statuses(*, job: models.Job) -> QuerySet:
    """The allowed statuses ``job`` may take next, each with ``next_default``.

    With a status sequence for the type: the steps from the job's status. Without one:
    every allowed status of a state the life cycle reaches next (``default`` then is the
    type's default for that state). Either way, only states the transition table allows.
    """
    from jobs.lifecycle import next_states

    allowed = models.JobTypeStatus.objects.filter(
        type_id=job.type_id, life_cycle_state__in=next_states(job.life_cycle_state)
    )
    steps = models.JobStatusSequence.objects.filter(type_id=job.type_id)
    if not steps.exists():
        rows = allowed.exclude(status_id=job.status_id).annotate(next_default=F("is_default"))
        return rows.order_by(*NEWEST_FIRST)
    steps = steps.filter(from_status_id=job.status_id)
    default_step = steps.filter(to_status_id=OuterRef("status_id"), is_default=True)
    rows = allowed.filter(status_id__in=steps.values("to_status_id"))
    return rows.annotate(next_default=Exists(default_step)).order_by(*NEWEST_FIRST)


JOB_QUEUE_RELATED = ("accounts_receivable", "subscription", "type", "status", "assigned_to_user")


def job_queue(*, user, filters: dict) -> QuerySet:
    """A job queue's rows with what its columns show; the page orders and slices it."""
    return job_list(user=user, filters=filters).select_related(*JOB_QUEUE_RELATED)


def job_detail(*, user, number: str):
    """One visible job with everything its page shows, or None."""
    from django.db.models import Prefetch

    return (
        models.Job.objects.visible_to(user)
        .select_related(
            *JOB_QUEUE_RELATED,
            "category",
            "owned_by_group",
            "privacy_level",
            "assigned_to_unit",
            "accounts_receivable__owner",
            "service_request",
            "cancellation_reason",
            "billing_terms__billing_term_scheme",
            "billing_terms__price_plan",
            "created_by_user",
            "updated_by_user",
        )
        .prefetch_related(
            timeline(models.JobEvent),
            *rows_with_products(
                ("requested_physical_goods", models.JobRequestedPhysicalGood),
                ("requested_expenses", models.JobRequestedExpense),
                ("physical_goods", models.JobPhysicalGood),
                ("expenses", models.JobExpense),
            ),
            Prefetch(
                "requested_activity_services",
                queryset=models.JobRequestedActivityService.objects.select_related(
                    "product", "activity_type"
                ),
            ),
            Prefetch(
                "activities", queryset=models.JobActivity.objects.select_related("activity_type")
            ),
        )
        .filter(number=number)
        .first()
    )


# The list the ground floor counts this app's queues through (crm.registry).
record_list = job_list
