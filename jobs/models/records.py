"""Jobs, their billing terms, their requested and provided items, and their events."""

from django.db import models

from crm.models import (
    Entity,
    WorkRecord,
    WorkRecordQuerySet,
    event_base,
    optional_fk,
    work_record_indexes,
)
from jobs.models.choices import OPEN_JOB_STATES, JobLifeCycleState
from products.models import GoodsRow, ProductRow


class JobQuerySet(WorkRecordQuerySet):
    """Chainable read filters for jobs (crm.models.WorkRecordQuerySet)."""

    def for_contact(self, contact_id: str) -> "JobQuerySet":
        """The jobs of a contact: a job names its contact by e-mail and phone, not by a
        link, so these are the jobs of an account the contact owns or is related to whose
        contact phone or e-mail (any case) is the contact's. The account matters: two
        people may share an e-mail (the demo's Anton and Antoniadou do). Subqueries, so
        that a page filtering by a contact id does not load the contact again."""
        from django.db.models import Q
        from django.db.models.functions import Upper

        from customers.models import AccountsReceivable, Contact

        contact = Contact.objects.filter(pk=contact_id)
        phones = contact.exclude(phone="").values("phone")
        emails = contact.exclude(email="").annotate(key=Upper("email")).values("key")
        accounts = AccountsReceivable.objects.filter(
            Q(owner_id=contact_id) | Q(related_contacts=contact_id)
        ).values("pk")
        return self.alias(contact_email_key=Upper("contact_email")).filter(
            Q(contact_phone__in=phones) | Q(contact_email_key__in=emails),
            accounts_receivable__in=accounts,
        )


class Job(WorkRecord):
    """A fulfilment work order, worked from DRAFT to COMPLETED (or CANCELLED).

    ``life_cycle_state`` is the state of ``status``, kept on the row for the queues' indexes.
    Foreign keys get no index of their own unless something filters by them alone: the
    composite indexes below lead with the filtered ones, and every extra index slows
    PostgreSQL's planning of the wide joined reads (measured: 66 indexes on the requests
    table made a 50-row list spend seconds planning).
    """

    OPEN_STATES = OPEN_JOB_STATES
    RECORD_KEY = "job"

    class RatingState(models.TextChoices):
        PENDING = "PENDING"
        COMPLETED = "COMPLETED"

    type = models.ForeignKey(
        "jobs.JobType", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.ForeignKey(
        "jobs.JobStatus", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    life_cycle_state = models.CharField(max_length=20, choices=JobLifeCycleState.choices)
    rating_state = models.CharField(
        max_length=10, choices=RatingState.choices, default=RatingState.PENDING
    )
    category = optional_fk("jobs.JobCategory")
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
    actual_completed_date = models.DateTimeField(null=True, blank=True)
    expiration_date = models.DateTimeField(null=True, blank=True)
    scheduled_date = models.DateTimeField(null=True, blank=True)
    cancellation_reason = optional_fk("jobs.JobCancellationReason")
    cancelled_date = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_date", "-number"]
        indexes = [
            *work_record_indexes("job", OPEN_JOB_STATES),
            # jobs/deactivate_subscription/list is latest-updated first.
            models.Index(fields=["type", "-updated_date"], name="job_type_updated_idx"),
            # A subscription's jobs, newest first: the search by subscription number
            # (jobs.search) looks them up by subscription.
            models.Index(fields=["subscription", "-created_date"], name="job_subscription_idx"),
        ]


class JobBillingTerms(Entity):
    """The billing terms of a billable job: scheme, price plan and dates."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="billing_terms")
    billing_term_scheme = models.ForeignKey(
        "jobs.BillingTermScheme", on_delete=models.PROTECT, related_name="+"
    )
    price_plan = models.ForeignKey("jobs.PricePlan", on_delete=models.PROTECT, related_name="+")
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


class JobRequestedPhysicalGood(GoodsRow):
    """A physical good requested by a job (``requested_physical_goods_set``)."""

    owner = "job"
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="requested_physical_goods")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "product"], name="job_requested_good_uniq")
        ]


class JobRequestedExpense(ProductRow):
    """An expense requested by a job (``requested_expenses_set``)."""

    owner = "job"
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="requested_expenses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "product"], name="job_requested_expense_uniq")
        ]


class JobRequestedActivityService(Entity):
    """An activity requested by a job (``requested_activity_services_set``)."""

    job = models.ForeignKey(
        Job, on_delete=models.CASCADE, related_name="requested_activity_services"
    )
    activity_type = models.ForeignKey(
        "jobs.ActivityType", on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.job_id} / {self.activity_type_id} / {self.product_id}"


class JobPhysicalGood(GoodsRow):
    """A physical good provided by a job in progress (``physical_goods_set``)."""

    owner = "job"
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="physical_goods")


class JobExpense(ProductRow):
    """An expense applied by a job in progress (``expenses_set``)."""

    owner = "job"
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="expenses")


class JobActivity(Entity):
    """An activity created from a requested one when the job starts (``activities_set``)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="activities")
    activity_type = models.ForeignKey(
        "jobs.ActivityType", on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    created_date = models.DateTimeField()

    class Meta:
        verbose_name_plural = "job activities"

    def __str__(self):
        return f"{self.job_id} / {self.activity_type_id}"


class JobEvent(
    event_base(
        record_model="jobs.Job",
        fk="job",
        status_model="jobs.JobStatus",
        states=JobLifeCycleState.choices,
        index="job_event_idx",
    )
):
    """One change to a job: who, when, from which state and status to which, why, and what
    changed field by field."""
