"""Service requests and their configuration.

Admins configure types (allowed statuses with a default per life cycle state, categories,
services, physical goods, cancellation reasons, completion times), statuses, categories,
resolution categories and the priority matrix; staff and API consumers raise and work the
requests themselves.
"""

from django.db import models
from django.db.models import Q

from crm.models import Configured, Entity, Logged
from crm.timeperiods import TimeUnit


class LifeCycleState(models.TextChoices):
    PENDING = "PENDING"
    RESPONDED = "RESPONDED"
    TEMPORARY_RESOLVED = "TEMPORARY_RESOLVED", "Temporary resolved"
    FINAL_RESOLVED = "FINAL_RESOLVED", "Final resolved"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


# Plain strings: they end up in a partial index condition inside a migration.
OPEN_STATES = (
    LifeCycleState.PENDING.value,
    LifeCycleState.RESPONDED.value,
    LifeCycleState.TEMPORARY_RESOLVED.value,
    LifeCycleState.FINAL_RESOLVED.value,
)


class UrgencyLevel(models.TextChoices):
    URGENCY1 = "URGENCY1"
    URGENCY2 = "URGENCY2"
    URGENCY3 = "URGENCY3"
    CUSTOM1 = "CUSTOM1"
    CUSTOM2 = "CUSTOM2"
    CUSTOM3 = "CUSTOM3"
    CUSTOM4 = "CUSTOM4"
    CUSTOM5 = "CUSTOM5"


class ImpactLevel(models.TextChoices):
    IMPACT1 = "IMPACT1"
    IMPACT2 = "IMPACT2"
    IMPACT3 = "IMPACT3"
    CUSTOM1 = "CUSTOM1"
    CUSTOM2 = "CUSTOM2"
    CUSTOM3 = "CUSTOM3"
    CUSTOM4 = "CUSTOM4"
    CUSTOM5 = "CUSTOM5"


class Priority(models.TextChoices):
    """P1 is the most urgent."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


class NamedConfig(Configured):
    """Abstract base for configuration identified by name or alternative code."""

    name = models.CharField(max_length=100, unique=True)
    alternative_code = models.CharField(max_length=50, unique=True, null=True, blank=True)
    description = models.TextField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceRequestStatus(NamedConfig):
    """A status label; each maps to one life cycle state and several may share one.

    The state of a status in use cannot change (the admin refuses it), so the state copied
    onto each request stays true.
    """

    life_cycle_state = models.CharField(max_length=20, choices=LifeCycleState.choices)

    class Meta(NamedConfig.Meta):
        verbose_name_plural = "service request statuses"


class CategoryBase(Configured):
    """Abstract base for the four kinds of category, identified by name or code."""

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=50, unique=True)
    description = models.TextField(null=True, blank=True)
    requires_customer_acceptance = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceRequestCategory(CategoryBase):
    """What a request is about. ``requires_customer_acceptance`` makes every response and
    resolution of requests in this category wait for the customer's acceptance, whatever
    the response or resolution category says."""

    class Meta(CategoryBase.Meta):
        verbose_name_plural = "service request categories"


class ResponseCategory(CategoryBase):
    """How a request was responded to; may require the customer's acceptance."""

    class Meta(CategoryBase.Meta):
        verbose_name_plural = "response categories"


class TemporaryResolutionCategory(CategoryBase):
    """How a request was temporarily resolved; may require the customer's acceptance."""

    class Meta(CategoryBase.Meta):
        verbose_name_plural = "temporary resolution categories"


class FinalResolutionCategory(CategoryBase):
    """How a request was finally resolved; may require the customer's acceptance."""

    class Meta(CategoryBase.Meta):
        verbose_name_plural = "final resolution categories"


class CancellationReason(NamedConfig):
    """Why a request was cancelled; types choose theirs and a default."""


class ServiceRequestType(NamedConfig):
    """A kind of service request and the rules its requests follow."""

    estimated_completion_value = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Default estimated completion time, used when no completion target matches.",
    )
    estimated_completion_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    warning_period_value = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Flag open requests this long before their expected completion.",
    )
    warning_period_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    email_customer_on_status_change = models.BooleanField(
        default=False, help_text="Requests of this type need the caller's email."
    )
    sms_customer_on_status_change = models.BooleanField(
        default=False, help_text="Requests of this type need the caller's phone."
    )
    statuses = models.ManyToManyField(
        ServiceRequestStatus, through="ServiceRequestTypeStatus", related_name="types"
    )
    categories = models.ManyToManyField(
        ServiceRequestCategory, blank=True, related_name="types", help_text="Allowed categories."
    )
    cancellation_reasons = models.ManyToManyField(
        CancellationReason, through="ServiceRequestTypeCancellationReason", related_name="types"
    )

    class Meta(NamedConfig.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_completion_value=None, estimated_completion_uot=None)
                | Q(
                    estimated_completion_value__isnull=False, estimated_completion_uot__isnull=False
                ),
                name="sr_type_estimated_completion_complete",
            ),
            models.CheckConstraint(
                condition=Q(warning_period_value=None, warning_period_uot=None)
                | Q(warning_period_value__isnull=False, warning_period_uot__isnull=False),
                name="sr_type_warning_period_complete",
            ),
        ]


class ServiceRequestTypeStatus(Configured):
    """A status allowed for a type; at most one default per type and life cycle state."""

    type = models.ForeignKey(ServiceRequestType, on_delete=models.CASCADE, related_name="+")
    status = models.ForeignKey(ServiceRequestStatus, on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)
    # Copied from the status so that "one default per state" is a database constraint.
    life_cycle_state = models.CharField(
        max_length=20, choices=LifeCycleState.choices, editable=False
    )

    class Meta:
        verbose_name = "allowed status"
        constraints = [
            models.UniqueConstraint(fields=["type", "status"], name="sr_type_status_uniq"),
            models.UniqueConstraint(
                fields=["type", "life_cycle_state"],
                condition=Q(is_default=True),
                name="sr_type_one_default_per_state",
            ),
        ]

    def __str__(self):
        return f"{self.type} / {self.status}"

    def save(self, *args, **kwargs):
        self.life_cycle_state = self.status.life_cycle_state
        super().save(*args, **kwargs)


class AllowedProductBase(Configured):
    """Abstract base: a product, or every product of a product type, allowed for a type.

    CRM.COM lets a type allow either one product or a whole product type; the
    configuration lists return whichever was set (the other is null).
    """

    type = models.ForeignKey(ServiceRequestType, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    product_type = models.ForeignKey(
        "products.ProductType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.type} / {self.product or self.product_type}"


def _allowed_product_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(product__isnull=False, product_type=None)
            | Q(product=None, product_type__isnull=False),
            name=f"{prefix}_product_xor_type",
        ),
        models.UniqueConstraint(
            fields=["type", "product"],
            condition=Q(product__isnull=False),
            name=f"{prefix}_product_uniq",
        ),
        models.UniqueConstraint(
            fields=["type", "product_type"],
            condition=Q(product_type__isnull=False),
            name=f"{prefix}_product_type_uniq",
        ),
    ]


class ServiceRequestTypeService(AllowedProductBase):
    """A service (or every service of a product type) requests of a type may refer to."""

    class Meta:
        verbose_name = "allowed service"
        constraints = _allowed_product_constraints("sr_type_service")


class ServiceRequestTypePhysicalGood(AllowedProductBase):
    """A physical good (or every good of a product type) requests of a type may refer to."""

    class Meta:
        verbose_name = "allowed physical good"
        constraints = _allowed_product_constraints("sr_type_good")


class ServiceRequestTypeCancellationReason(Configured):
    """A cancellation reason allowed for a type; at most one default per type."""

    type = models.ForeignKey(ServiceRequestType, on_delete=models.CASCADE, related_name="+")
    reason = models.ForeignKey(CancellationReason, on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name = "allowed cancellation reason"
        constraints = [
            models.UniqueConstraint(fields=["type", "reason"], name="sr_type_reason_uniq"),
            models.UniqueConstraint(
                fields=["type"], condition=Q(is_default=True), name="sr_type_one_default_reason"
            ),
        ]

    def __str__(self):
        return f"{self.type} / {self.reason}"


class PriorityRule(Configured):
    """One cell of the impact x urgency matrix that derives a request's priority."""

    impact_level = models.CharField(max_length=10, choices=ImpactLevel.choices)
    urgency_level = models.CharField(max_length=10, choices=UrgencyLevel.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices)

    class Meta:
        verbose_name = "priority matrix cell"
        ordering = ["impact_level", "urgency_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["impact_level", "urgency_level"], name="sr_priority_cell_uniq"
            )
        ]

    def __str__(self):
        return f"{self.impact_level} x {self.urgency_level} = {self.priority}"


class CompletionTarget(Configured):
    """How long requests of a type and priority may take (their default estimated time)."""

    type = models.ForeignKey(
        ServiceRequestType, on_delete=models.CASCADE, related_name="completion_targets"
    )
    priority = models.CharField(max_length=2, choices=Priority.choices)
    time_period_value = models.PositiveIntegerField()
    time_period_uot = models.CharField(max_length=10, choices=TimeUnit.choices)

    class Meta:
        ordering = ["type", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["type", "priority"], name="sr_completion_target_uniq")
        ]

    def __str__(self):
        return f"{self.type} {self.priority}: {self.time_period_value} {self.time_period_uot}"


class ServiceRequestQuerySet(models.QuerySet):
    """Chainable read filters for service requests; no side effects."""

    def visible_to(self, user) -> "ServiceRequestQuerySet":
        """Hide requests above the user's clearance or owned by groups the user is not in."""
        from crm.access import access_for
        from crm.models import visible_q

        return self.filter(visible_q(access_for(user)))

    def open(self) -> "ServiceRequestQuerySet":
        return self.filter(life_cycle_state__in=OPEN_STATES)

    def due_before(self, moment) -> "ServiceRequestQuerySet":
        return self.filter(expected_completion_date__lt=moment)

    def locked(self) -> "ServiceRequestQuerySet":
        """Locked until commit against other writers of the row. FOR NO KEY UPDATE, not
        FOR UPDATE: rows that reference this one (relations, events, jobs) take FOR KEY
        SHARE when their foreign keys are checked at commit, which FOR UPDATE would block;
        two transactions each holding one row and referencing the other then deadlocked."""
        return self.select_for_update(no_key=True)


class ServiceRequest(Entity, Logged):
    """A customer's ticket, worked from PENDING to COMPLETED (or CANCELLED).

    ``life_cycle_state`` is the state of ``status``, kept on the row for the queues' indexes.
    Foreign keys get no index of their own: the composite indexes below lead with the
    filtered ones, and every extra index slows PostgreSQL's planning of the wide joined
    reads (the benchmark found 66 indexes making a 50-row list spend seconds planning).
    The response and the two resolutions are kept flat on the row: each has a category, who
    and when, a description and the customer's acceptance.
    """

    number = models.CharField(max_length=20, unique=True)
    type = models.ForeignKey(
        ServiceRequestType, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.ForeignKey(
        ServiceRequestStatus, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    life_cycle_state = models.CharField(max_length=20, choices=LifeCycleState.choices)
    category = models.ForeignKey(
        ServiceRequestCategory, on_delete=models.PROTECT, related_name="+", db_index=False
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
    description = models.TextField(null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    urgency_level = models.CharField(max_length=10, choices=UrgencyLevel.choices)
    impact_level = models.CharField(max_length=10, choices=ImpactLevel.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices, null=True, blank=True)
    owned_by_group = models.ForeignKey(
        "crm.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    privacy_level = models.ForeignKey(
        "crm.PrivacyLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    assigned_to_user = models.ForeignKey(
        "crm.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    assigned_to_unit = models.ForeignKey(
        "crm.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    start_date = models.DateTimeField()
    expected_completion_date = models.DateTimeField(null=True, blank=True)
    estimated_completion_value = models.PositiveIntegerField(null=True, blank=True)
    estimated_completion_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    approaching_completion = models.DateTimeField(
        null=True, blank=True, help_text="When the background worker flagged it as due soon."
    )
    overdue_flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the background worker flagged it as overdue."
    )
    referring_to_subscription = models.ForeignKey(
        "customers.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    referring_to_job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    response_category = models.ForeignKey(
        ResponseCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    responded_by = models.ForeignKey(
        "crm.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    response_date = models.DateTimeField(null=True, blank=True)
    response_description = models.TextField(null=True, blank=True)
    response_accepted_by = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    response_accepted_date = models.DateTimeField(null=True, blank=True)

    temporary_resolution_category = models.ForeignKey(
        TemporaryResolutionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    temporary_resolved_by = models.ForeignKey(
        "crm.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    temporary_resolution_date = models.DateTimeField(null=True, blank=True)
    temporary_resolution_description = models.TextField(null=True, blank=True)
    temporary_resolution_accepted_by = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    temporary_resolution_accepted_date = models.DateTimeField(null=True, blank=True)

    final_resolution_category = models.ForeignKey(
        FinalResolutionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    final_resolved_by = models.ForeignKey(
        "crm.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    final_resolution_date = models.DateTimeField(null=True, blank=True)
    final_resolution_description = models.TextField(null=True, blank=True)
    final_resolution_accepted_by = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    final_resolution_accepted_date = models.DateTimeField(null=True, blank=True)

    cancellation_reason = models.ForeignKey(
        CancellationReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    completed_date = models.DateTimeField(null=True, blank=True)
    cancelled_date = models.DateTimeField(null=True, blank=True)

    udf_string_1 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_2 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_3 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_4 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_5 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_6 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_7 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_8 = models.CharField(max_length=255, null=True, blank=True)
    udf_float_1 = models.FloatField(null=True, blank=True)
    udf_float_2 = models.FloatField(null=True, blank=True)
    udf_float_3 = models.FloatField(null=True, blank=True)
    udf_float_4 = models.FloatField(null=True, blank=True)
    udf_date_1 = models.DateTimeField(null=True, blank=True)
    udf_date_2 = models.DateTimeField(null=True, blank=True)
    udf_date_3 = models.DateTimeField(null=True, blank=True)
    udf_date_4 = models.DateTimeField(null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_date", "-number"]
        indexes = [
            # Newest first per state: every get_<state> list and the state queues.
            models.Index(fields=["life_cycle_state", "-created_date"], name="sr_state_created_idx"),
            models.Index(fields=["accounts_receivable", "-created_date"], name="sr_account_idx"),
            models.Index(fields=["caller", "-created_date"], name="sr_caller_idx"),
            models.Index(fields=["type", "-created_date"], name="sr_type_created_idx"),
            models.Index(fields=["category", "-created_date"], name="sr_category_created_idx"),
            # My queue / my groups: open requests by assignee or group, soonest due first.
            models.Index(
                fields=["assigned_to_user", "life_cycle_state", "expected_completion_date"],
                name="sr_assignee_queue_idx",
            ),
            models.Index(
                fields=["owned_by_group", "life_cycle_state", "expected_completion_date"],
                name="sr_group_queue_idx",
            ),
            models.Index(fields=["priority", "life_cycle_state"], name="sr_priority_idx"),
            # Overdue, close to completion and the approaching-completion scan only ever
            # look at open requests: a partial index keeps that small.
            models.Index(
                fields=["expected_completion_date"],
                condition=Q(life_cycle_state__in=OPEN_STATES),
                name="sr_open_due_idx",
            ),
            # The background scan's two questions: open requests not flagged yet. Both
            # indexes stay small: a request leaves them once flagged or closed.
            models.Index(
                fields=["expected_completion_date"],
                condition=Q(life_cycle_state__in=OPEN_STATES, approaching_completion=None),
                name="sr_unflagged_due_idx",
            ),
            models.Index(
                fields=["expected_completion_date"],
                condition=Q(life_cycle_state__in=OPEN_STATES, overdue_flagged_at=None),
                name="sr_unflagged_overdue_idx",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.life_cycle_state in OPEN_STATES


class ServiceRequestService(Entity):
    """A service a request was raised for (``services_set``)."""

    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="services"
    )
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service_request", "product"], name="sr_service_uniq")
        ]

    def __str__(self):
        return f"{self.service_request_id} / {self.product_id}"


class ServiceRequestPhysicalGood(Entity):
    """A physical good a request was raised for (``physical_goods_set``)."""

    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="physical_goods"
    )
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    serial_number = models.CharField(max_length=100, null=True, blank=True)

    def __str__(self):
        return f"{self.service_request_id} / {self.product_id}"


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


class ServiceRequestEvent(Entity):
    """One change to a request: who, when, from which state and status to which, and why."""

    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=LifeCycleState.choices, null=True)
    to_state = models.CharField(max_length=20, choices=LifeCycleState.choices)
    from_status = models.ForeignKey(
        ServiceRequestStatus, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    to_status = models.ForeignKey(
        ServiceRequestStatus, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        "crm.User", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    unit = models.ForeignKey(
        "crm.Unit", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField()
    note = models.TextField(blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["service_request", "created_at"], name="sr_event_idx")]

    def __str__(self):
        return f"{self.service_request_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"
