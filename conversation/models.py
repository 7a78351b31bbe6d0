"""A record's conversation: comments on a service request or a job, and their files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from crm.models.base import Entity


class CommentQuerySet(models.QuerySet):
    """Chainable read filters; no side effects."""

    def on(self, record) -> CommentQuerySet:
        """The comments of ``record`` (a ServiceRequest or a Job)."""
        return self.filter(**{record.RECORD_KEY: record})

    def shown_to(self, user) -> CommentQuerySet:
        """Internal comments only to staff (``sees_internal``); the record's own visibility
        is checked where the record is found."""
        return self if sees_internal(user) else self.filter(internal=False)


def sees_internal(user) -> bool:
    """Whether ``user`` may read internal comments. Every user who signs in to the staff
    pages or holds a Web API token is staff (contract section 1: customers never sign in),
    so today this is every active user; the one place to change when customers get a
    surface of their own."""
    return bool(user is not None and user.is_active)


class Comment(Entity):
    """One message in a record's conversation: who wrote it, when, its text, and whether it
    is internal (staff only) or public (what a customer may be shown). It belongs to exactly
    one record, a service request or a job: two foreign keys and a constraint rather than a
    generic relation, so each is a real foreign key the database checks and indexes."""

    text = models.TextField()
    internal = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_date = models.DateTimeField(default=timezone.now)
    # The indexes below lead with these columns and serve their lookups too.
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        db_index=False,
    )
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        db_index=False,
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_request__isnull=False, job__isnull=True)
                | Q(service_request__isnull=True, job__isnull=False),
                name="conversation_comment_one_record",
            )
        ]
        indexes = [
            # A conversation is read oldest first, record by record.
            models.Index(fields=["service_request", "created_date"], name="conv_comment_sr_idx"),
            models.Index(fields=["job", "created_date"], name="conv_comment_job_idx"),
        ]

    def __str__(self):
        return f"{self.record} {self.created_date:%Y-%m-%d %H:%M}"

    @property
    def record(self):
        return self.service_request if self.service_request_id else self.job


def attachment_path(instance: Attachment, filename: str) -> str:
    """Where a file is stored: a name made here, never the client's, so no file name can
    leave the folder, overwrite another file or carry an extension a server would act on."""
    now = timezone.now()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


class Attachment(Entity):
    """A file attached to a comment: kept in Django's storage under a generated name, with
    the client's file name (sanitised, for the download), the content type sniffed from its
    bytes (never the one the client claimed) and its size in bytes."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    # The order the files were given in (ids are random).
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # By the column, not the relation: ordering by "comment" would join the comments
        # table to sort by their own ordering on every attachment query.
        ordering = ["comment_id", "position"]

    def __str__(self):
        return self.file_name
