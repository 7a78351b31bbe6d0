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


def job_queue(*, user, filters: dict, related=JOB_QUEUE_RELATED) -> QuerySet:
    """A job queue's rows with what its columns show (``related``: the shown columns' joins,
    jobs.columns); the page orders and slices it."""
    rows = job_list(user=user, filters=filters)
    # select_related() with no names would join every relation: none shown, none joined.
    return rows.select_related(*related) if related else rows


# The columns of a customer's history (customers.views).
JOB_HISTORY_RELATED = ("type", "status", "assigned_to_user")


def job_history(*, user, filters: dict) -> QuerySet:
    """A customer's jobs (``accounts_receivable`` or ``contact``, and ``state``) with what
    the history's columns show; the page orders and slices it."""
    return job_list(user=user, filters=filters).select_related(*JOB_HISTORY_RELATED)


def job_state_counts(*, user, filters: dict) -> dict[str, int]:
    """How many jobs the user may see in each life cycle state (one grouped query, for one
    customer's rows: never the whole table)."""
    from django.db.models import Count

    rows = job_list(user=user, filters=filters).order_by()
    return dict(rows.values_list("life_cycle_state").annotate(count=Count("pk")))


def job_contacts(*, job: models.Job) -> QuerySet:
    """The contacts a job names by its contact e-mail or phone (JobQuerySet.for_contact,
    read the other way): the account's owner and related contacts that match."""
    from django.db.models import Q

    from customers.models import Contact

    reach = Q(pk__in=[])
    if job.contact_phone:
        reach |= Q(phone=job.contact_phone)
    if job.contact_email:
        reach |= Q(email__iexact=job.contact_email)
    account = job.accounts_receivable_id
    people = Contact.objects.filter(Q(owned_accounts=account) | Q(related_accounts=account))
    return people.filter(reach).distinct().order_by("last_name", "first_name", "company_name")


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


def job_search(*, user, query: str, offset: int = 0, count: int = 50) -> list[str]:
    """The ids of one page of the jobs ``user`` may see that match ``query`` (cleaned:
    crm.search.clean_query), best match first, then newest (jobs.search). The Web API and
    the header search both read here; each fetches the rows it shows."""
    from crm.search import ranked_ids
    from jobs.search import branches

    visible = models.Job.objects.visible_to(user)
    return ranked_ids(visible, branches(query), offset=offset, count=count)


def job_search_rows(*, ids: list[str]) -> list:
    """The header search's rows (jobs.search), in the order of ``ids``: what its columns
    show (number, subject, status, state, assignee, due)."""
    from crm.search import in_order

    rows = models.Job.objects.filter(pk__in=ids).select_related("status", "assigned_to_user")
    return in_order(rows, ids)


# The list the ground floor counts this app's queues through (crm.registry).
record_list = job_list
# The search the staff pages' header search reads through (crm.registry, crm.search_views).
record_search = job_search
record_search_rows = job_search_rows
