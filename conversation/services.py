"""Writes of a record's conversation: adding a comment with its files, and telling the people
it concerns (contract section 14)."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conversation.files import safe_file_name, sniff
from conversation.models import Attachment, Comment
from crm.actor import Actor
from crm.api.params import MAX_TEXT
from crm.exceptions import InvalidParameter, MissingParameter
from crm.models import User
from crm.notify import notify

# The action of the event row a comment writes; the timeline shows the comment under it.
COMMENT_ADDED = "comment_added"
MAX_FILES = 20
MAX_MENTIONS = 20
# ``@username``: Django's user name characters; not inside a word or an e-mail address.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


@dataclass(frozen=True)
class RecordSide:
    """What a comment needs of its record's app: the row lock and the event row."""

    lock: Any
    record_event: Any


def _record_side(record) -> RecordSide:
    # Imported here: the apps' services import much of the project, and only a write needs them.
    if record.RECORD_KEY == "service_request":
        from servicerequests.services import common

        return RecordSide(common.lock_request, common.record_event)
    from jobs.services import common

    return RecordSide(common.lock_job, common.record_event)


def max_file_bytes() -> int:
    return settings.CRM_ATTACHMENT_MAX_MB * 1024 * 1024


def check_files(files: Sequence) -> None:
    """Refuse the whole comment before anything is stored: too many files, or one too big."""
    if len(files) > MAX_FILES:
        raise InvalidParameter(
            "Too many files.", param="file", detail=f"at most {MAX_FILES} files per comment"
        )
    limit = settings.CRM_ATTACHMENT_MAX_MB
    for upload in files:
        if upload.size > max_file_bytes():
            raise InvalidParameter(
                f"The file {safe_file_name(upload.name)} is larger than {limit} MB.",
                param="file",
                detail=f"{safe_file_name(upload.name)}: at most {limit} MB per file, "
                f"got {upload.size} bytes",
            )


def check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise MissingParameter("Write the comment.", param="text", detail="the text is empty")
    if len(text) > MAX_TEXT:
        raise InvalidParameter(
            "The comment is too long.",
            param="text",
            detail=f"at most {MAX_TEXT} characters are allowed, got {len(text)}",
        )
    return text


@transaction.atomic
def comment_create(
    *, record, actor: Actor, text: str, internal: bool = True, files: Sequence = ()
) -> Comment:
    """Add a comment with its files to ``record``'s conversation, record the event, and
    notify the users it mentions and the record's assignee.

    The files are stored first, before the record is locked: storing twenty large files
    must not hold up every other write to the record. Then the record is locked: a comment
    and a change of the record's visibility are one after the other, so nobody is told of
    a comment on a record just hidden from them. A refused comment stores nothing. The
    storage is not part of the transaction: files stored before a later step fails are
    deleted again here. (Should a caller's outer transaction roll back after this returns,
    its files would stay as orphans, unreferenced and never served.)"""
    text = check_text(text)
    files = list(files)
    check_files(files)
    side = _record_side(record)
    stored: list[str] = []
    try:
        attachments = _store_files(files, stored)
        record = side.lock(record)
        now = timezone.now()
        comment = Comment.objects.create(
            text=text,
            internal=internal,
            created_by=actor.user,
            created_date=now,
            **{record.RECORD_KEY: record},
        )
        for attachment in attachments:
            attachment.comment = comment
        Attachment.objects.bulk_create(attachments)
        state = (record.life_cycle_state, record.status_id)
        side.record_event(record, actor, COMMENT_ADDED, state, now, changes={"comment": comment.pk})
        _notify(comment, record, actor)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return comment


def _store_files(files: Sequence, stored: list[str]) -> list[Attachment]:
    """Store each file under a generated name (``stored`` collects the names); their rows,
    not saved yet (their comment is written after the record is locked)."""
    attachments = []
    for position, upload in enumerate(files):
        attachment = Attachment(
            file_name=safe_file_name(upload.name),
            content_type=sniff(upload),
            size=upload.size,
            position=position,
        )
        # The name given is ignored: attachment_path makes the stored name.
        attachment.file.save("upload", upload, save=False)
        stored.append(attachment.file.name)
        attachments.append(attachment)
    return attachments


def mentioned_users(text: str) -> list[User]:
    """The active users named ``@username`` in ``text`` (user names match in any case, as
    they do at sign-in). Whether each may see the record is ``notify``'s to check."""
    names = {name.rstrip(".").lower() for name in MENTION.findall(text)}
    names = sorted(name for name in names if name)[:MAX_MENTIONS]
    if not names:
        return []
    named = functools.reduce(operator.or_, (Q(username__iexact=name) for name in names))
    return list(User.objects.filter(named, is_active=True).only("id", "username"))


def _notify(comment: Comment, record, actor: Actor) -> None:
    """MENTIONED for the users the text names; COMMENTED for the record's assignee, unless
    they wrote it or are mentioned (one notice is enough). ``notify`` skips the author and
    anyone who may not see the record, and mails after commit."""
    author = actor.user
    mentioned = mentioned_users(comment.text)
    notify(
        kind="MENTIONED",
        users=mentioned,
        record=record,
        message=f"{author.display_name} mentioned you on {record.number}",
        key=f"mention:{comment.pk}",
        actor=author,
    )
    assignee = record.assigned_to_user_id
    if assignee and assignee != author.pk and assignee not in {u.pk for u in mentioned}:
        notify(
            kind="COMMENTED",
            users=[assignee],
            record=record,
            message=f"{author.display_name} commented on {record.number}",
            key=f"comment:{comment.pk}",
            actor=author,
        )
