"""Reads of a record's conversation: its comments, the timeline's comments, a download.

A comment is as visible as its record (contract section 6): the record is found through
the app's visibility first (the Web API's identifiers, the detail pages' selectors), or, for
a download, checked here. Internal comments go only to staff (``sees_internal``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from conversation.models import Attachment, Comment, sees_internal
from crm.access import access_for, can_see

# The permission to read each kind of record, by the comment's foreign key.
READ_PERMISSIONS = {
    "service_request": "servicerequests.view_servicerequest",
    "job": "jobs.view_job",
}


def comment_list(*, user, record):
    """``record``'s comments ``user`` may read, oldest first (the order of a conversation).
    The Web API's representation adds the joins its ``fields_set`` needs."""
    return Comment.objects.on(record).shown_to(user).order_by("created_date", "id")


def comments_by_id(*, user, ids) -> dict[str, Comment]:
    """The comments of ``ids`` that ``user`` may read (their record's page is already
    visible to them), with authors and files: what the timeline shows under each
    "Comment added" event."""
    rows = (
        Comment.objects.filter(pk__in=list(ids))
        .shown_to(user)
        .select_related("created_by")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("position")))
    )
    return {comment.pk: comment for comment in rows}


def attachment_for_download(*, user, attachment_id: str) -> Attachment | None:
    """The attachment, if ``user`` may read its comment: the record is visible to them,
    their role may read that kind of record, and an internal comment needs staff. Else
    None, whatever the reason, so a refusal tells nothing about what exists."""
    try:
        attachment = (
            Attachment.objects.select_related("comment__service_request", "comment__job")
            .filter(pk=str(attachment_id).upper())
            .first()
        )
    except (ValueError, ValidationError):
        return None
    if attachment is None or user is None or not user.is_active:
        return None
    comment = attachment.comment
    record = comment.record
    if not user.has_perm(READ_PERMISSIONS[record.RECORD_KEY]):
        return None
    if comment.internal and not sees_internal(user):
        return None
    return attachment if can_see(access_for(user), record) else None
