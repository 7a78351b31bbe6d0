"""Service requests, what they are raised for, how they relate, and their events."""

from django.db import models
from django.db.models import Q

from crm.models import (
    Entity,
    WorkRecord,
    WorkRecordQuerySet,
    abstract_model,
    event_base,
    optional_fk,
    work_record_indexes,
)
from products.models import ProductRow
from servicerequests.models.choices import (
    CLOCK_STATES,
    OPEN_STATES,
    AcceptedVia,
    ImpactLevel,
    LifeCycleState,
    Priority,
    UrgencyLevel,
)
from servicerequests.steps import FINAL_RESOLUTION, RESPONSE, TEMPORARY_RESOLUTION, StepKind


def step_columns(step: StepKind) -> type:
    """Abstract: one step kept flat on the request row (category, who and when, a
    description, the customer's acceptance)."""
    fields = {
        step.column("category"): optional_fk(f"servicerequests.{step.category_model}"),
        step.by: optional_fk("crm.User"),
        step.column("date"): models.DateTimeField(null=True, blank=True),
        step.column("description"): models.TextField(null=True, blank=True),
        step.column("accepted_by"): optional_fk("customers.Contact"),
        step.column("accepted_date"): models.DateTimeField(null=True, blank=True),
        step.column("accepted_via"): models.CharField(
            max_length=10, choices=AcceptedVia.choices, null=True, blank=True
        ),
    }
    return abstract_model(
        f"{step.name.title().replace('_', '')}Columns", (models.Model,), fields, {}
    )


class ServiceRequestQuerySet(WorkRecordQuerySet):
    """Chainable read filters for service requests (crm.models.WorkRecordQuerySet)."""


class ServiceRequest(
    WorkRecord,
    step_columns(RESPONSE),
    step_columns(TEMPORARY_RESOLUTION),
    step_columns(FINAL_RESOLUTION),
):
    """A customer's ticket, worked from PENDING to COMPLETED (or CANCELLED).

    ``life_cycle_state`` is the state of ``status``, kept on the row for the queues' indexes.
    Foreign keys get no index of their own: the composite indexes below lead with the
    filtered ones, and every extra index slows PostgreSQL's planning of the wide joined
    reads (the benchmark found 66 indexes making a 50-row list spend seconds planning).
    The response and the two resolutions are kept flat on the row (servicerequests.steps):
    each has a category, who and when, a description and the customer's acceptance.
    """

    OPEN_STATES = OPEN_STATES
    RECORD_KEY = "service_request"
    CLOCK_STATES = CLOCK_STATES
    AT_RISK_FIELD = "sla_at_risk_date"
    PAUSED_FIELD = "sla_paused_since"

    type = models.ForeignKey(
        "servicerequests.ServiceRequestType",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    status = models.ForeignKey(
        "servicerequests.ServiceRequestStatus",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    life_cycle_state = models.CharField(max_length=20, choices=LifeCycleState.choices)
    category = models.ForeignKey(
        "servicerequests.ServiceRequestCategory",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    accounts_receivable = models.ForeignKey(
        "customers.AccountsReceivable",
        on_delete=models.PROTECT,
        related_name="service_requests",
        db_index=False,
    )
    caller = models.ForeignKey(
        "customers.Contact", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    caller_email = models.CharField(max_length=254, null=True, blank=True)
    caller_phone = models.CharField(max_length=50, null=True, blank=True)
    urgency_level = models.CharField(max_length=10, choices=UrgencyLevel.choices)
    impact_level = models.CharField(max_length=10, choices=ImpactLevel.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices, null=True, blank=True)
    referring_to_subscription = optional_fk("customers.Subscription")
    referring_to_job = optional_fk("jobs.Job")
    cancellation_reason = optional_fk("servicerequests.CancellationReason")
    completed_date = models.DateTimeField(null=True, blank=True)
    cancelled_date = models.DateTimeField(null=True, blank=True)
    # The service-level clock's facts (sla.clock works the rest out when read):
    # expected_completion_date is the target, moved forward when a pause ends.
    sla_at_risk_date = models.DateTimeField(null=True, blank=True)
    sla_paused_since = models.DateTimeField(null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(default=0)
    sla_stopped_at = models.DateTimeField(null=True, blank=True)
    sla_response_due_date = models.DateTimeField(null=True, blank=True)
    sla_responded_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_date", "-number"]
        # A staff action outside CRM.COM's table (servicerequests.services.reopen).
        permissions = [("reopen_servicerequest", "Can reopen a completed service request")]
        indexes = [
            *work_record_indexes("sr", OPEN_STATES, at_risk_field="sla_at_risk_date"),
            models.Index(fields=["caller", "-created_date"], name="sr_caller_idx"),
            models.Index(fields=["category", "-created_date"], name="sr_category_created_idx"),
            models.Index(fields=["priority", "life_cycle_state"], name="sr_priority_idx"),
            # The paused requests, few at any time: the sla_status filter looks them up
            # first (sla.filters.status_filter).
            models.Index(
                fields=["sla_paused_since"],
                condition=models.Q(sla_paused_since__isnull=False),
                name="sr_paused_idx",
            ),
            # The reports over open requests (reports.queries: aging, open counts, the
            # sla_status grouping): what visibility, the keys, the age and the service
            # level read, so PostgreSQL answers from the index alone. On 1,000,000
            # requests (150,000 open) open counts took 70 ms of CPU instead of 420.
            models.Index(
                fields=["life_cycle_state", "privacy_level", "owned_by_group"],
                include=[
                    "type",
                    "status",
                    "category",
                    "priority",
                    "assigned_to_user",
                    "start_date",
                    "created_date",
                    "expected_completion_date",
                    "sla_at_risk_date",
                    "sla_paused_since",
                    "sla_stopped_at",
                ],
                condition=models.Q(life_cycle_state__in=OPEN_STATES),
                name="sr_report_open_idx",
            ),
            # SLA compliance per period reads the requests whose clock stopped in it, with
            # what visibility and MET / MISSED read, from the index alone (through the
            # plain index, 50,000 rows' pages for 12 weeks of 1,000,000 requests).
            models.Index(
                fields=["sla_stopped_at"],
                include=[
                    "life_cycle_state",
                    "expected_completion_date",
                    "privacy_level",
                    "owned_by_group",
                ],
                condition=models.Q(sla_stopped_at__isnull=False),
                name="sr_stopped_idx",
            ),
            # The trend report (reports.queries.trend): creations, completions and
            # cancellations per period, and the requests open at a moment (neither
            # completed nor cancelled), each a range of one date, with what visibility and
            # the closing moment read, so PostgreSQL answers from the index alone (a year
            # of creations through the plain created_date index read 400,000 rows' pages).
            models.Index(
                fields=["created_date"],
                include=["completed_date", "cancelled_date", "privacy_level", "owned_by_group"],
                name="sr_created_report_idx",
            ),
            models.Index(
                fields=["completed_date"],
                include=["created_date", "privacy_level", "owned_by_group"],
                condition=models.Q(completed_date__isnull=False),
                name="sr_completed_idx",
            ),
            models.Index(
                fields=["cancelled_date"],
                include=["created_date", "completed_date", "privacy_level", "owned_by_group"],
                condition=models.Q(cancelled_date__isnull=False),
                name="sr_cancelled_idx",
            ),
            models.Index(
                fields=["created_date"],
                include=["privacy_level", "owned_by_group"],
                condition=models.Q(completed_date__isnull=True, cancelled_date__isnull=True),
                name="sr_still_open_idx",
            ),
        ]


class ServiceRequestService(ProductRow):
    """A service a request was raised for (``services_set``)."""

    owner = "service_request"
    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="services"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service_request", "product"], name="sr_service_uniq")
        ]


class ServiceRequestPhysicalGood(ProductRow):
    """A physical good a request was raised for (``physical_goods_set``)."""

    owner = "service_request"
    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="physical_goods"
    )
    serial_number = models.CharField(max_length=100, null=True, blank=True)


class ServiceRequestRelation(Entity):
    """A link from one request to another (``related_service_requests_set``)."""

    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="relations"
    )
    related = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="+")
    description = models.TextField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service_request", "related"], name="sr_relation_uniq"),
            models.CheckConstraint(
                condition=~Q(service_request=models.F("related")), name="sr_relation_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.service_request_id} -> {self.related_id}"


class ServiceRequestEvent(
    event_base(
        record_model="servicerequests.ServiceRequest",
        fk="service_request",
        status_model="servicerequests.ServiceRequestStatus",
        states=LifeCycleState.choices,
        index="sr_event_idx",
    )
):
    """One change to a request: who, when, from which state and status to which, why, and
    what changed field by field."""
