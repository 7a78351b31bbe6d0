"""Telling users what they must act on: one entry point for every kind of notification.

``notify`` makes at most one notification per user and key (the unique constraint; a retried
or repeated event notifies nobody twice), skips the actor (nobody is told of what they did
themselves) and anyone who may not see the record (contract section 6), and mails, after
commit, only those who chose "in-app and mail" for that kind. The background scan uses
``mail_recipients`` for the same choice over a whole batch.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from crm.access import accesses_for, can_see
from crm.models import DEFAULT_CHANNELS, Notification, NotificationPreference, User

MAIL = NotificationPreference.Channel.IN_APP_AND_MAIL


def notify(*, kind: str, users, record, message: str, key: str, actor=None) -> list[Notification]:
    """Notify ``users`` (User objects or ids) of ``record`` (a ServiceRequest or Job).
    Returns the notifications made by this call (none for users already notified of
    ``key``)."""
    fk = record.RECORD_KEY
    user_ids = {getattr(user, "pk", user) for user in users if user is not None}
    user_ids.discard(getattr(actor, "pk", actor))
    recipients = visible_recipients(user_ids, record)
    if not recipients:
        return []
    now = timezone.now()
    made = _create(
        Notification(
            user_id=user_id,
            kind=kind,
            message=message[:300],
            key=key[:120],
            created_at=now,
            **{f"{fk}_id": record.pk},
        )
        for user_id in sorted(recipients)
    )
    mailed = mail_recipients(kind, {n.user_id for n in made})
    mail_later(n for n in made if n.user_id in mailed)
    return made


def tell_assignee(record, *, before_user_id, actor, now, how: str = "") -> list[Notification]:
    """ "Assigned to me": tell a record's assignee it is theirs, whenever the assignee changes
    to someone (by hand, through the API, or by a group's policy; ``how`` says which), unless
    they did it themselves. Each assignment is news, even to someone who had it before."""
    user_id = record.assigned_to_user_id
    if user_id is None or user_id == before_user_id:
        return []
    by = how or f"by {actor.get_full_name() or actor.username}"
    return notify(
        kind=Notification.Kind.ASSIGNED,
        users=[user_id],
        record=record,
        message=f"{record.number} was assigned to you {by}.",
        key=f"assigned:{record.pk}:{now.isoformat()}",
        actor=actor,
    )


def active_members(group_ids) -> dict[str, list[str]]:
    """The active members of each of ``group_ids`` (one query): who is told about a record
    that nobody is assigned, before the check of who may see it."""
    members: dict[str, list[str]] = {}
    for group_id, user_id in User.crm_groups.through.objects.filter(
        group_id__in=set(group_ids) - {None}, user__is_active=True
    ).values_list("group_id", "user_id"):
        members.setdefault(group_id, []).append(user_id)
    return members


def visible_recipients(user_ids, record) -> set:
    """Of ``user_ids``, the active users who may see ``record`` now (the scan's rule)."""
    accesses = accesses_for(user_ids)
    row = SimpleNamespace(
        privacy_level_id=record.privacy_level_id, owned_by_group_id=record.owned_by_group_id
    )
    return {user_id for user_id, access in accesses.items() if can_see(access, row)}


def mail_recipients(kind: str, user_ids) -> set:
    """Of ``user_ids``, those whose channel for ``kind`` includes mail (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    chosen = dict(
        NotificationPreference.objects.filter(kind=kind, user_id__in=ids).values_list(
            "user_id", "channel"
        )
    )
    default = DEFAULT_CHANNELS.get(kind, NotificationPreference.Channel.IN_APP)
    return {user_id for user_id in ids if chosen.get(user_id, default) == MAIL}


def mail_later(notifications) -> None:
    """Enqueue the mail of ``notifications`` once the transaction commits."""
    ids = [n.id for n in notifications]
    if ids:
        from crm.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))


def _create(notifications) -> list[Notification]:
    """Insert, ignoring (user, key) pairs that exist; returns only the rows really inserted.
    bulk_create with ignore_conflicts cannot say which rows it skipped, so look them up by
    their ids afterwards (ids are made here, not by the database)."""
    wanted = list(notifications)
    Notification.objects.bulk_create(wanted, ignore_conflicts=True)
    inserted = set(
        Notification.objects.filter(pk__in=[n.pk for n in wanted]).values_list("pk", flat=True)
    )
    return [n for n in wanted if n.pk in inserted]
