"""Assignment by policy (contract section 10): how each group hands out the requests it
owns, and what each member may take."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from crm.models.base import Entity


class AssignmentPolicy(models.TextChoices):
    MANUAL = "MANUAL", "manual"
    ROUND_ROBIN = "ROUND_ROBIN", "round robin"
    LEAST_OPEN = "LEAST_OPEN", "least open"


class GroupPolicy(Entity):
    """A group's assignment policy and its round-robin turn.

    A group without this row is ``MANUAL``. ``last_assigned_user`` is the member the policy
    chose last (the turn passes to the one after them); manual assignments never touch it.
    The service locks this row so that concurrent creations for the group take turns.
    """

    group = models.OneToOneField(
        "crm.Group", on_delete=models.CASCADE, related_name="assignment_settings"
    )
    assignment_policy = models.CharField(
        max_length=12, choices=AssignmentPolicy.choices, default=AssignmentPolicy.MANUAL
    )
    last_assigned_user = models.ForeignKey(
        "crm.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
    )
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "assignment policy"

    def __str__(self):
        return f"{self.group}: {self.get_assignment_policy_display()}"


class MemberSetting(Entity):
    """What one member of a group may take from its policy: a cap of open requests
    assigned to them (empty: no cap) and whether they are available at all.

    ``last_assigned_at`` is when the policy of this group last chose them, the tie-break of
    ``LEAST_OPEN`` (never chosen counts as longest ago). A member without this row is
    available, with no cap.
    """

    group = models.ForeignKey("crm.Group", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("crm.User", on_delete=models.CASCADE, related_name="+")
    cap = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Most open requests assigned to them at once. Empty: no cap.",
    )
    available = models.BooleanField(default=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="assignment_member_once"),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=1), name="assignment_cap_positive"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.group}"

    def clean(self):
        # Settings of someone outside the group would never apply: refuse them at once.
        if self.group_id is None or self.user_id is None:
            return
        if not self.group.members.filter(pk=self.user_id).exists():
            raise ValidationError(
                {"user": f"{self.user} is not a member of {self.group}."}, code="not_member"
            )
