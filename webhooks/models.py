"""Webhooks (contract section 11): who wants to hear of which events, and the outbox of
deliveries the worker sends (webhooks.sender), with a row per attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from crm.models.base import Entity

# The events a webhook may subscribe to, as the contract names them.
SR_CREATED = "service_request.created"
SR_UPDATED = "service_request.updated"
SR_STATE_CHANGED = "service_request.life_cycle_state_changed"
SR_ASSIGNED = "service_request.assigned"
SR_AT_RISK = "service_request.at_risk"
SR_BREACHED = "service_request.breached"
JOB_CREATED = "job.created"
JOB_STATE_CHANGED = "job.life_cycle_state_changed"
EVENTS = (
    SR_CREATED,
    SR_UPDATED,
    SR_STATE_CHANGED,
    SR_ASSIGNED,
    SR_AT_RISK,
    SR_BREACHED,
    JOB_CREATED,
    JOB_STATE_CHANGED,
)


class Webhook(Entity):
    """A receiver's URL and the events it wants. Each delivery carries the record as its
    ``show`` method returns it to ``created_by_user``: what that user may not see is never
    sent (the delivery is SKIPPED). The secret is kept in clear because the sender signs
    every body with it (HMAC-SHA256); it is shown once, when the webhook is created."""

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text="The event names it subscribes to.")
    secret = models.CharField(max_length=128)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_date = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_date", "-id"]

    def __str__(self):
        return self.url


class Delivery(Entity):
    """One event for one webhook: the outbox row the worker sends, at least once. Its id
    is the ``X-CRM-Delivery`` header and the body's ``id``, by which receivers deduplicate.
    The body is built once, at the first attempt, so that every retry sends the same bytes.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING"
        DELIVERED = "DELIVERED"
        FAILED = "FAILED"
        # The webhook's creator may not see the record (or is inactive): nothing is sent.
        SKIPPED = "SKIPPED"

    # The index below leads with it and serves its lookups too.
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.CharField(max_length=64)
    occurred_date = models.DateTimeField()
    # The record the event is about: a service request or a job.
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    body = models.TextField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    # Index into the retry delays; a redelivery starts them again from 0.
    schedule_step = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            # The sweep (webhooks.deliver_due): pending rows that are due, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_delivery_due_idx",
                condition=Q(status="PENDING"),
            ),
            # A webhook's deliveries, newest first (webhooks/deliveries/list, the admin).
            models.Index(fields=["webhook", "-created_at"], name="webhooks_delivery_hook_idx"),
        ]

    def __str__(self):
        return f"{self.event} {self.id}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: when, the answer's status code (none when no answer came),
    the error in words, and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self):
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
