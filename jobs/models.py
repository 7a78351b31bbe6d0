"""Jobs: fulfilment work orders (e.g. deactivate a subscription) and their configuration.

Admins configure job types (scope, method, billing directive, allowed statuses, goods,
expenses, activities and billing term schemes), statuses, status sequences, categories,
cancellation reasons, activity types, billing term schemes and price plans.
"""

from django.db import models
from django.db.models import Q

from crm.models import Configured, Entity, Logged
from crm.timeperiods import TimeUnit


class JobLifeCycleState(models.TextChoices):
    DRAFT = "DRAFT"
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


# Plain strings: they end up in a partial index condition inside a migration.
OPEN_JOB_STATES = (
    JobLifeCycleState.DRAFT.value,
    JobLifeCycleState.PENDING.value,
    JobLifeCycleState.IN_PROGRESS.value,
)


class FulfillmentScope(models.TextChoices):
    GENERIC_PURPOSE = "GENERIC_PURPOSE"
    NEW_SUBSCRIPTION = "NEW_SUBSCRIPTION"
    ACTIVATE_SUBSCRIPTION = "ACTIVATE_SUBSCRIPTION"
    DEACTIVATE_SUBSCRIPTION = "DEACTIVATE_SUBSCRIPTION"
    CANCEL_SUBSCRIPTION = "CANCEL_SUBSCRIPTION"
    ADD_SUBSCRIPTION_SERVICES = "ADD_SUBSCRIPTION_SERVICES"
    CANCEL_SUBSCRIPTION_SERVICES = "CANCEL_SUBSCRIPTION_SERVICES"
    CHANGE_SUBSCRIPTION_LOCATION = "CHANGE_SUBSCRIPTION_LOCATION"
    SWAP_SUBSCRIPTION_INSTALLED_ITEMS = "SWAP_SUBSCRIPTION_INSTALLED_ITEMS"
    SWAP_SUBSCRIPTION_SERVICES = "SWAP_SUBSCRIPTION_SERVICES"
    REPLACE_PHYSICAL_GOODS = "REPLACE_PHYSICAL_GOODS"
    # CRM.COM's own spelling.
    SUBSCRIPTION_MAINTAINANCE = "SUBSCRIPTION_MAINTAINANCE"


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


class JobStatus(NamedConfig):
    """A job status label mapped to one life cycle state. The state of a status in use
    cannot change (the admin refuses it), so the state copied onto each job stays true."""

    life_cycle_state = models.CharField(max_length=20, choices=JobLifeCycleState.choices)

    class Meta(NamedConfig.Meta):
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


class JobType(NamedConfig):
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
    estimated_completion_value = models.PositiveIntegerField(null=True, blank=True)
    estimated_completion_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    warning_period_value = models.PositiveIntegerField(
        null=True, blank=True, help_text="Flag open jobs this long before expected completion."
    )
    warning_period_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
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
            models.CheckConstraint(
                condition=Q(estimated_completion_value=None, estimated_completion_uot=None)
                | Q(
                    estimated_completion_value__isnull=False, estimated_completion_uot__isnull=False
                ),
                name="job_type_estimated_completion_complete",
            ),
            models.CheckConstraint(
                condition=Q(warning_period_value=None, warning_period_uot=None)
                | Q(warning_period_value__isnull=False, warning_period_uot__isnull=False),
                name="job_type_warning_period_complete",
            ),
            models.CheckConstraint(
                condition=~Q(expiration_settings="X_DAYS_AFTER_JOB_CREATION")
                | Q(expiration_days__isnull=False),
                name="job_type_expiration_days_set",
            ),
        ]

    @property
    def is_billable(self) -> bool:
        return self.billing_directive == self.BillingDirective.BILLABLE


class JobTypeStatus(Configured):
    """A status allowed for a job type; at most one default per type and life cycle state."""

    type = models.ForeignKey(JobType, on_delete=models.CASCADE, related_name="+")
    status = models.ForeignKey(JobStatus, on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)
    # Copied from the status so that "one default per state" is a database constraint.
    life_cycle_state = models.CharField(
        max_length=20, choices=JobLifeCycleState.choices, editable=False
    )

    class Meta:
        verbose_name = "allowed status"
        constraints = [
            models.UniqueConstraint(fields=["type", "status"], name="job_type_status_uniq"),
            models.UniqueConstraint(
                fields=["type", "life_cycle_state"],
                condition=Q(is_default=True),
                name="job_type_one_default_per_state",
            ),
        ]

    def __str__(self):
        return f"{self.type} / {self.status}"

    def save(self, *args, **kwargs):
        self.life_cycle_state = self.status.life_cycle_state
        super().save(*args, **kwargs)


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


class JobTypeCancellationReason(Configured):
    """A cancellation reason allowed for a job type; at most one default per type."""

    type = models.ForeignKey(JobType, on_delete=models.CASCADE, related_name="+")
    reason = models.ForeignKey(JobCancellationReason, on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name = "allowed cancellation reason"
        constraints = [
            models.UniqueConstraint(fields=["type", "reason"], name="job_type_reason_uniq"),
            models.UniqueConstraint(
                fields=["type"], condition=Q(is_default=True), name="job_type_one_default_reason"
            ),
        ]

    def __str__(self):
        return f"{self.type} / {self.reason}"


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


class JobQuerySet(models.QuerySet):
    """Chainable read filters for jobs; no side effects."""

    def visible_to(self, user) -> "JobQuerySet":
        """Hide jobs above the user's clearance or owned by groups the user is not in."""
        from crm.access import access_for
        from crm.models import visible_q

        return self.filter(visible_q(access_for(user)))

    def open(self) -> "JobQuerySet":
        return self.filter(life_cycle_state__in=OPEN_JOB_STATES)

    def due_before(self, moment) -> "JobQuerySet":
        return self.filter(expected_completion_date__lt=moment)

    def locked(self) -> "JobQuerySet":
        """Locked until commit against other writers of the row. FOR NO KEY UPDATE, not
        FOR UPDATE: rows that reference this one (relations, events, jobs) take FOR KEY
        SHARE when their foreign keys are checked at commit, which FOR UPDATE would block;
        two transactions each holding one row and referencing the other then deadlocked."""
        return self.select_for_update(no_key=True)


class Job(Entity, Logged):
    """A fulfilment work order, worked from DRAFT to COMPLETED (or CANCELLED).

    ``life_cycle_state`` is the state of ``status``, kept on the row for the queues' indexes.
    Foreign keys get no index of their own unless something filters by them alone: the
    composite indexes below lead with the filtered ones, and every extra index slows
    PostgreSQL's planning of the wide joined reads (measured: 66 indexes on the requests
    table made a 50-row list spend seconds planning).
    """

    class RatingState(models.TextChoices):
        PENDING = "PENDING"
        COMPLETED = "COMPLETED"

    number = models.CharField(max_length=20, unique=True)
    type = models.ForeignKey(JobType, on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.ForeignKey(
        JobStatus, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    life_cycle_state = models.CharField(max_length=20, choices=JobLifeCycleState.choices)
    rating_state = models.CharField(
        max_length=10, choices=RatingState.choices, default=RatingState.PENDING
    )
    category = models.ForeignKey(
        JobCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    accounts_receivable = models.ForeignKey(
        "customers.AccountsReceivable",
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    subscription = models.ForeignKey(
        "customers.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        db_index=False,
    )
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        db_index=False,
    )
    contact_email = models.CharField(max_length=254, null=True, blank=True)
    contact_phone = models.CharField(max_length=50, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    start_date = models.DateTimeField()
    expected_completion_date = models.DateTimeField(null=True, blank=True)
    estimated_completion_value = models.PositiveIntegerField(null=True, blank=True)
    estimated_completion_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    actual_completed_date = models.DateTimeField(null=True, blank=True)
    expiration_date = models.DateTimeField(null=True, blank=True)
    scheduled_date = models.DateTimeField(null=True, blank=True)
    approaching_completion = models.DateTimeField(
        null=True, blank=True, help_text="When the background worker flagged it as due soon."
    )
    overdue_flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the background worker flagged it as overdue."
    )
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
    cancellation_reason = models.ForeignKey(
        JobCancellationReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
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

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_date", "-number"]
        indexes = [
            models.Index(
                fields=["life_cycle_state", "-created_date"], name="job_state_created_idx"
            ),
            models.Index(fields=["accounts_receivable", "-created_date"], name="job_account_idx"),
            models.Index(fields=["type", "-created_date"], name="job_type_created_idx"),
            # jobs/deactivate_subscription/list is latest-updated first.
            models.Index(fields=["type", "-updated_date"], name="job_type_updated_idx"),
            models.Index(
                fields=["assigned_to_user", "life_cycle_state", "expected_completion_date"],
                name="job_assignee_queue_idx",
            ),
            models.Index(
                fields=["owned_by_group", "life_cycle_state", "expected_completion_date"],
                name="job_group_queue_idx",
            ),
            models.Index(
                fields=["expected_completion_date"],
                condition=Q(life_cycle_state__in=OPEN_JOB_STATES),
                name="job_open_due_idx",
            ),
            # The background scan: open jobs not flagged yet (see crm.flagging).
            models.Index(
                fields=["expected_completion_date"],
                condition=Q(life_cycle_state__in=OPEN_JOB_STATES, approaching_completion=None),
                name="job_unflagged_due_idx",
            ),
            models.Index(
                fields=["expected_completion_date"],
                condition=Q(life_cycle_state__in=OPEN_JOB_STATES, overdue_flagged_at=None),
                name="job_unflagged_overdue_idx",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.life_cycle_state in OPEN_JOB_STATES


class JobBillingTerms(Entity):
    """The billing terms of a billable job: scheme, price plan and dates."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="billing_terms")
    billing_term_scheme = models.ForeignKey(
        BillingTermScheme, on_delete=models.PROTECT, related_name="+"
    )
    price_plan = models.ForeignKey(PricePlan, on_delete=models.PROTECT, related_name="+")
    agreement_date = models.DateTimeField(null=True, blank=True)
    effective_date = models.DateTimeField(null=True, blank=True)
    expiration_date = models.DateTimeField(null=True, blank=True)
    allowed_cancel_date = models.DateTimeField(null=True, blank=True)
    billing_frequency = models.CharField(max_length=30, null=True, blank=True)
    billing_cycle_day = models.PositiveSmallIntegerField(null=True, blank=True)
    binding_information = models.TextField(null=True, blank=True)
    concurrent_usage = models.PositiveIntegerField(null=True, blank=True)
    rate_percentage = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name_plural = "job billing terms"

    def __str__(self):
        return f"{self.job_id}: {self.billing_term_scheme_id} / {self.price_plan_id}"


class JobRequestedPhysicalGood(Entity):
    """A physical good requested by a job (``requested_physical_goods_set``)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="requested_physical_goods")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    notes = models.TextField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "product"], name="job_requested_good_uniq")
        ]

    def __str__(self):
        return f"{self.job_id} / {self.product_id} x{self.quantity}"


class JobRequestedExpense(Entity):
    """An expense requested by a job (``requested_expenses_set``)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="requested_expenses")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "product"], name="job_requested_expense_uniq")
        ]

    def __str__(self):
        return f"{self.job_id} / {self.product_id}"


class JobRequestedActivityService(Entity):
    """An activity requested by a job (``requested_activity_services_set``)."""

    job = models.ForeignKey(
        Job, on_delete=models.CASCADE, related_name="requested_activity_services"
    )
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.job_id} / {self.activity_type_id} / {self.product_id}"


class JobPhysicalGood(Entity):
    """A physical good provided by a job in progress (``physical_goods_set``)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="physical_goods")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    notes = models.TextField(null=True, blank=True)

    def __str__(self):
        return f"{self.job_id} / {self.product_id} x{self.quantity}"


class JobExpense(Entity):
    """An expense applied by a job in progress (``expenses_set``)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="expenses")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.job_id} / {self.product_id}"


class JobActivity(Entity):
    """An activity created from a requested one when the job starts (``activities_set``)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="activities")
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    created_date = models.DateTimeField()

    class Meta:
        verbose_name_plural = "job activities"

    def __str__(self):
        return f"{self.job_id} / {self.activity_type_id}"


class JobEvent(Entity):
    """One change to a job: who, when, from which state and status to which, and why."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=JobLifeCycleState.choices, null=True)
    to_state = models.CharField(max_length=20, choices=JobLifeCycleState.choices)
    from_status = models.ForeignKey(
        JobStatus, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    to_status = models.ForeignKey(
        JobStatus, on_delete=models.PROTECT, related_name="+", db_index=False
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
        indexes = [models.Index(fields=["job", "created_at"], name="job_event_idx")]

    def __str__(self):
        return f"{self.job_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"
