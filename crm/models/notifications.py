"""Notifications: what a user should know about a record, and the visibility filter."""

from django.db import models
from django.db.models import Q

from crm.models.base import Entity
from crm.models.organisation import User


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """The user's own notifications about records they may still see: a record
        reclassified after the notice was made disappears from the list and the count."""
        from crm.access import access_for

        access = access_for(user)
        q = Q(user=user)
        for fk in ("service_request", "job"):
            q &= Q(**{f"{fk}__isnull": True}) | visible_q(
                access, privacy_field=f"{fk}__privacy_level", group_field=f"{fk}__owned_by_group"
            )
        return self.filter(q)


class Notification(Entity):
    """Something a user should act on about a request or job: assigned to them, a mention,
    a comment on their request, a customer's answer, or approaching / past its expected
    completion. One per user and ``key``, so one event never notifies twice."""

    class Kind(models.TextChoices):
        ASSIGNED = "ASSIGNED", "assigned to you"
        MENTIONED = "MENTIONED", "mentioned you"
        COMMENTED = "COMMENTED", "commented on your request"
        ACCEPTED = "ACCEPTED", "customer accepted"
        DECLINED = "DECLINED", "customer declined"
        APPROACHING = "APPROACHING", "approaching expected completion"
        OVERDUE = "OVERDUE", "past expected completion (breached)"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
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
    message = models.CharField(max_length=300)
    key = models.CharField(max_length=120, help_text="The flag this notifies of.")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # Set (with read_at) when the record closed: its deadline notices no longer ask for
    # anything, which the list says instead of showing them as merely read.
    resolved_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="crm_notification_once_per_flag")
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="crm_notification_unread_idx",
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.message}"


class NotificationPreference(Entity):
    """How a user wants one kind of notification: in the app only, or also by mail. Without
    a row the kind's default applies (``DEFAULT_CHANNELS``)."""

    class Channel(models.TextChoices):
        IN_APP = "IN_APP", "in-app only"
        IN_APP_AND_MAIL = "IN_APP_AND_MAIL", "in-app and mail"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=12, choices=Notification.Kind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="crm_notification_pref_once")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind} {self.channel}"


# Mail by default for what is urgent or someone's to act on now (new work, a deadline, an
# unhappy customer); the rest is in the app only unless the user asks for mail.
_MAIL = NotificationPreference.Channel.IN_APP_AND_MAIL
_APP = NotificationPreference.Channel.IN_APP
DEFAULT_CHANNELS = {
    Notification.Kind.ASSIGNED: _MAIL,
    Notification.Kind.MENTIONED: _APP,
    Notification.Kind.COMMENTED: _APP,
    Notification.Kind.ACCEPTED: _APP,
    Notification.Kind.DECLINED: _MAIL,
    Notification.Kind.APPROACHING: _MAIL,
    Notification.Kind.OVERDUE: _MAIL,
}


def visible_q(access, *, privacy_field: str = "privacy_level", group_field: str = "owned_by_group"):
    """The filter that hides records above the user's clearance or owned by others' groups."""
    q = Q(**{f"{privacy_field}__isnull": True}) | Q(
        **{f"{privacy_field}_id__in": access.privacy_level_ids}
    )
    if not access.all_groups:
        q &= Q(**{f"{group_field}__isnull": True}) | Q(
            **{f"{group_field}_id__in": access.group_ids}
        )
    return q
