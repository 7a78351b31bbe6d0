"""Job configuration: statuses, categories, cancellation reasons, activity types, billing
term schemes and price plans, job types and what they allow."""

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
from jobs.models.choices import FulfillmentScope, JobLifeCycleState


class JobStatus(status_base(JobLifeCycleState.choices)):
    """A job status; each maps to one life cycle state."""

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "job statuses"


class JobCategory(Configured):
    """A job category, identified by name or code."""

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=50, unique=True)
    description = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "job categories"
        ordering = ["name"]

    def __str__(self):
        return self.name


class JobCancellationReason(NamedConfig):
    """Why a job was cancelled; types choose theirs and a default."""


class ActivityType(NamedConfig):
    """A kind of activity a job may require (e.g. "Meeting")."""


class PricePlan(Configured):
    """A price plan a job's billing terms may use."""

    class Type(models.TextChoices):
        BASE = "BASE"
        ADDITIVE = "ADDITIVE"

    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(null=True, blank=True)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.BASE)
    effective_date = models.DateTimeField(null=True, blank=True)
    expiration_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class BillingTermScheme(Configured):
    """A billing term scheme; its allowed price plans are the ones a job may choose."""

    class LifeCycleState(models.TextChoices):
        DRAFT = "DRAFT"
        EFFECTIVE = "EFFECTIVE"
        TERMINATED = "TERMINATED"

    class Classification(models.TextChoices):
        SUBSCRIPTIONS = "SUBSCRIPTIONS"
        JOBS = "JOBS"

    class BillingType(models.TextChoices):
        NORMAL = "NORMAL"
        PREPAID = "PREPAID"

    class BillingMethod(models.TextChoices):
        ANNIVERSARY = "ANNIVERSARY"
        PERIOD = "PERIOD"

    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    life_cycle_state = models.CharField(
        max_length=10, choices=LifeCycleState.choices, default=LifeCycleState.EFFECTIVE
    )
    classification = models.CharField(
        max_length=15, choices=Classification.choices, default=Classification.JOBS
    )
    billing_type = models.CharField(
        max_length=10, choices=BillingType.choices, default=BillingType.NORMAL
    )
    billing_method = models.CharField(
        max_length=12, choices=BillingMethod.choices, null=True, blank=True
    )
    price_plans = models.ManyToManyField(PricePlan, blank=True, related_name="schemes")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class JobType(WorkType):
    """A kind of job: what it fulfils, how, whether it is billed, and what it may contain."""

    class LifeCycleState(models.TextChoices):
        EFFECTIVE = "EFFECTIVE"
        NOT_EFFECTIVE = "NOT_EFFECTIVE"

    class BillingDirective(models.TextChoices):
        BILLABLE = "BILLABLE"
        NOT_BILLABLE = "NOT_BILLABLE"

    class FulfillmentMethod(models.TextChoices):
        BASED_ON_ORDERED_ITEMS = "BASED_ON_ORDERED_ITEMS"
        BASED_ON_DELIVERED_ITEMS = "BASED_ON_DELIVERED_ITEMS"

    class BillingMethod(models.TextChoices):
        BILL_ON_STARTING_PROGRESS = "BILL_ON_STARTING_PROGRESS"
        BILL_ON_COMPLETION = "BILL_ON_COMPLETION"

    class ExpirationSettings(models.TextChoices):
        NONE = "NONE"
        X_DAYS_AFTER_JOB_CREATION = "X_DAYS_AFTER_JOB_CREATION"
        ON_PENDING_STATE = "ON_PENDING_STATE"
        ON_START_PROGRESS = "ON_START_PROGRESS"

    life_cycle_state = models.CharField(
        max_length=15, choices=LifeCycleState.choices, default=LifeCycleState.EFFECTIVE
    )
    billing_directive = models.CharField(max_length=15, choices=BillingDirective.choices)
    fulfillment_scope = models.CharField(max_length=40, choices=FulfillmentScope.choices)
    fulfillment_method = models.CharField(max_length=30, choices=FulfillmentMethod.choices)
    billing_method = models.CharField(
        max_length=30, choices=BillingMethod.choices, null=True, blank=True
    )
    expiration_settings = models.CharField(
        max_length=30, choices=ExpirationSettings.choices, default=ExpirationSettings.NONE
    )
    expiration_days = models.PositiveIntegerField(null=True, blank=True)
    subscription_type = models.ForeignKey(
        "customers.SubscriptionType", on_delete=models.PROTECT, null=True, blank=True
    )
    statuses = models.ManyToManyField(JobStatus, through="JobTypeStatus", related_name="types")
    cancellation_reasons = models.ManyToManyField(
        JobCancellationReason, through="JobTypeCancellationReason", related_name="types"
    )
    billing_term_schemes = models.ManyToManyField(
        BillingTermScheme, blank=True, related_name="job_types", help_text="Allowed schemes."
    )

    class Meta(NamedConfig.Meta):
        constraints = [
            *work_type_constraints("job_type"),
            models.CheckConstraint(
                condition=~Q(expiration_settings="X_DAYS_AFTER_JOB_CREATION")
                | Q(expiration_days__isnull=False),
                name="job_type_expiration_days_set",
            ),
        ]

    @property
    def is_billable(self) -> bool:
        return self.billing_directive == self.BillingDirective.BILLABLE


class JobTypeStatus(
    type_status_base(
        type_model="jobs.JobType",
        status_model="jobs.JobStatus",
        states=JobLifeCycleState.choices,
        prefix="job",
    )
):
    """A status allowed for a job type; at most one default per type and life cycle state."""


class JobStatusSequence(Configured):
    """A step of a type's status sequence: from one status, which statuses may follow.

    ``get_next_status_sequence`` offers these; a type without steps offers every allowed
    status the life cycle can reach next.
    """

    type = models.ForeignKey(JobType, on_delete=models.CASCADE, related_name="status_sequence")
    from_status = models.ForeignKey(JobStatus, on_delete=models.PROTECT, related_name="+")
    to_status = models.ForeignKey(JobStatus, on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["type", "from_status"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "from_status", "to_status"], name="job_status_sequence_uniq"
            ),
            models.UniqueConstraint(
                fields=["type", "from_status"],
                condition=Q(is_default=True),
                name="job_status_sequence_one_default",
            ),
        ]

    def __str__(self):
        return f"{self.type}: {self.from_status} -> {self.to_status}"


class JobTypeCancellationReason(
    type_reason_base(
        type_model="jobs.JobType", reason_model="jobs.JobCancellationReason", prefix="job"
    )
):
    """A cancellation reason allowed for a job type; at most one default per type."""


class JobTypePhysicalGood(Configured):
    """A physical good jobs of a type may request; mandatory ones are added automatically."""

    type = models.ForeignKey(
        JobType, on_delete=models.CASCADE, related_name="allowed_physical_goods"
    )
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    mandatory = models.BooleanField(default=False)

    class Meta:
        verbose_name = "allowed physical good"
        constraints = [
            models.UniqueConstraint(fields=["type", "product"], name="job_type_good_uniq")
        ]

    def __str__(self):
        return f"{self.type} / {self.product}"


class JobTypeExpense(Configured):
    """An expense jobs of a type may request; mandatory ones are added automatically."""

    type = models.ForeignKey(JobType, on_delete=models.CASCADE, related_name="allowed_expenses")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    mandatory = models.BooleanField(default=False)

    class Meta:
        verbose_name = "allowed expense"
        constraints = [
            models.UniqueConstraint(fields=["type", "product"], name="job_type_expense_uniq")
        ]

    def __str__(self):
        return f"{self.type} / {self.product}"


class JobTypeActivityService(Configured):
    """An activity (type and service product) jobs of a type may request."""

    type = models.ForeignKey(
        JobType, on_delete=models.CASCADE, related_name="allowed_activity_services"
    )
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    mandatory = models.BooleanField(default=False)

    class Meta:
        verbose_name = "allowed activity service"
        constraints = [
            models.UniqueConstraint(
                fields=["type", "activity_type", "product"], name="job_type_activity_uniq"
            )
        ]

    def __str__(self):
        return f"{self.type} / {self.activity_type} / {self.product}"
