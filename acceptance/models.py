"""The links mailed to customers so they can accept or decline a step (contract section 12)."""

from __future__ import annotations

from django.db import models

from crm.models.base import Entity
from servicerequests.steps import STEPS


class Outcome(models.TextChoices):
    ACCEPTED = "ACCEPTED", "accepted"
    DECLINED = "DECLINED", "declined"


STEP_CHOICES = [(step.name, step.label) for step in STEPS]


class AcceptanceLink(Entity):
    """One mailed link: the request, which step it asks the customer to accept, and that
    step's date when the link was issued.

    A link is good for exactly that recording of the step: once the step is corrected,
    replaced or cleared (a reopen), its date differs and the link is no longer current.
    ``mailed_at`` is the claim of the task that sends it (never sent twice); ``used_at`` and
    ``outcome`` make it single-use. The token in the mail signs only the id; everything
    else is read from this row.
    """

    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        related_name="acceptance_links",
        db_index=False,  # the index below leads with it
    )
    step = models.CharField(max_length=30, choices=STEP_CHOICES)
    step_date = models.DateTimeField(help_text="The step's date when the link was issued.")
    email = models.CharField(max_length=254)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    mailed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, null=True, blank=True)
    comment = models.TextField(blank=True, default="", help_text="The customer's reason.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["service_request", "step", "-created_at"], name="acc_link_sr_idx"),
            # The sweep for links whose mail task was lost: stays as small as the backlog.
            models.Index(
                fields=["created_at"],
                condition=models.Q(mailed_at__isnull=True, used_at__isnull=True),
                name="acc_link_unmailed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.service_request_id} {self.step} {self.created_at:%Y-%m-%d %H:%M}"
