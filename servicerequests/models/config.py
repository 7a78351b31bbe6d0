"""Service request configuration: statuses, categories, cancellation reasons, types and what
they allow, the priority matrix and completion targets."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from crm.models import (
    Configured,
    NamedConfig,
    WorkType,
    status_base,
    type_reason_base,
    type_status_base,
    work_type_constraints,
)
from crm.timeperiods import TimeUnit
from servicerequests.models.choices import (
    CLOCK_STATES,
    ClockEffect,
    ImpactLevel,
    LifeCycleState,
    Priority,
    UrgencyLevel,
)


class ServiceRequestStatus(status_base(LifeCycleState.choices)):
    """A request status; each maps to one life cycle state and several may share one. Its
    clock effect says what it does to the service-level clock: a status of PENDING,
    RESPONDED or TEMPORARY_RESOLVED runs or pauses it ("On Hold"), one of a later state
    always stops it."""

    clock_effect = models.CharField(
        max_length=5,
        choices=ClockEffect.choices,
        default=ClockEffect.RUN,
        help_text="Statuses of PENDING, RESPONDED and TEMPORARY_RESOLVED run or pause the "
        "service-level clock; the others always stop it.",
    )

    def save(self, *args, **kwargs):
        # A closed state's status always stops; an open state's never does.
        if self.life_cycle_state not in CLOCK_STATES:
            self.clock_effect = ClockEffect.STOP
        elif self.clock_effect == ClockEffect.STOP:
            self.clock_effect = ClockEffect.RUN
        super().save(*args, **kwargs)

    class Meta:
        ordering = ["name"]
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


class ServiceRequestType(WorkType):
    """A kind of service request and the rules its requests follow."""

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
    # Service levels (contract section 8).
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="types",
        help_text="Targets count working time on this calendar; empty: around the clock.",
    )
    response_target_value = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Time to record the response, counted like the completion target.",
    )
    response_target_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    at_risk_percentage = models.PositiveSmallIntegerField(
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A request is at risk once this share of its target has elapsed (or its "
        "remaining time falls to the warning period, if earlier).",
    )

    class Meta(NamedConfig.Meta):
        constraints = [
            *work_type_constraints("sr_type"),
            models.CheckConstraint(
                condition=Q(response_target_value=None, response_target_uot=None)
                | Q(response_target_value__isnull=False, response_target_uot__isnull=False),
                name="sr_type_response_target_complete",
            ),
        ]


class ServiceRequestTypeStatus(
    type_status_base(
        type_model="servicerequests.ServiceRequestType",
        status_model="servicerequests.ServiceRequestStatus",
        states=LifeCycleState.choices,
        prefix="sr",
    )
):
    """A status allowed for a type; at most one default per type and life cycle state."""


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


class ServiceRequestTypeCancellationReason(
    type_reason_base(
        type_model="servicerequests.ServiceRequestType",
        reason_model="servicerequests.CancellationReason",
        prefix="sr",
    )
):
    """A cancellation reason allowed for a type; at most one default per type."""


class PriorityRule(Configured):
    """One cell of the impact x urgency matrix that derives a request's priority."""

    impact_level = models.CharField(max_length=10, choices=ImpactLevel.choices)
    urgency_level = models.CharField(max_length=10, choices=UrgencyLevel.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices)

    class Meta:
        verbose_name = "priority matrix cell"
        verbose_name_plural = "priority matrix"
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
