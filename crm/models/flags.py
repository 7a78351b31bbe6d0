"""The deadline flags of the background scan (crm.flagging), in a narrow table of their own."""

from django.db import models
from django.db.models import Q


class Flag(models.Model):
    """The background scan found a service request or a job approaching (``APPROACHING``)
    or past (``OVERDUE``) its expected completion ``target`` at ``created_at``.

    Insert-only, one row per record, kind and target: that uniqueness is the scan's
    idempotency key. The same target is never flagged twice, however many scans overlap
    (the second insert hits the key and does nothing); a moved target is a new key, so it
    may be flagged again, and nothing has to be reset when a target moves: the flag of the
    old target simply stops being the current one (``current_flag``). Flagging writes
    this small row instead of updating the wide request or job row under its many indexes.
    """

    class Kind(models.TextChoices):
        APPROACHING = "APPROACHING", "approaching expected completion"
        OVERDUE = "OVERDUE", "past expected completion"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # No index of their own: the unique keys below start with them.
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    target = models.DateTimeField(help_text="The expected completion the record was flagged for.")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # The idempotency keys, which are also what the queues' and the scan's
            # "flagged for its current target?" (an EXISTS on all three columns) look up.
            models.UniqueConstraint(
                fields=["service_request", "kind", "target"],
                condition=Q(service_request__isnull=False),
                name="crm_flag_sr_once_per_target",
            ),
            models.UniqueConstraint(
                fields=["job", "kind", "target"],
                condition=Q(job__isnull=False),
                name="crm_flag_job_once_per_target",
            ),
            models.CheckConstraint(
                condition=Q(service_request__isnull=False, job__isnull=True)
                | Q(service_request__isnull=True, job__isnull=False),
                name="crm_flag_one_record",
            ),
        ]

    def __str__(self):
        record = self.service_request_id or self.job_id
        return f"{record} {self.kind} {self.target:%Y-%m-%d %H:%M}"


def current_flag(model, kind: str) -> models.QuerySet:
    """The flags of ``kind`` an outer query's ``model`` rows have for their current target
    (for ``Exists`` and ``Subquery``): flags of targets since moved do not count."""
    return Flag.objects.filter(
        **{model.RECORD_KEY: models.OuterRef("pk")},
        kind=kind,
        target=models.OuterRef("expected_completion_date"),
    )
