"""Writes to saved views: create, rename, share, unshare, delete. Only the owner changes a
view; it is shared only with a group the owner belongs to; every write leaves an event row
with what changed (crm.audit's shape)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from crm import audit
from crm.exceptions import EntityNotFound, PermissionDenied, ValidationFailed
from crm.models import Group, User
from savedviews.models import NAME_LENGTH, QUERY_LENGTH, SavedView, SavedViewEvent
from savedviews.queries import section_for, stored_query

TRACKED = (
    audit.field("name", "Name"),
    audit.field("section", "Queue section"),
    audit.field("queue", "Queue"),
    audit.field("query", "Query"),
    audit.field("shared_with", "Shared with", empty="nobody"),
)
NOTHING = {item.name: item.empty for item in TRACKED}


def _record(view: SavedView, user: User, action: str, before: dict, now) -> None:
    after = audit.snapshot(view, TRACKED) if action != "delete" else NOTHING
    SavedViewEvent.objects.create(
        saved_view_id=view.pk,
        name=view.name,
        action=action,
        user=user,
        created_at=now,
        changes=audit.as_changes(audit.differences(before, after, TRACKED)),
    )


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("Give the view a name.", param="name")
    if len(name) > NAME_LENGTH:
        raise ValidationFailed(f"A view's name has at most {NAME_LENGTH} characters.", param="name")
    return name


def _check_unique(*, owner: User, section: str, name: str, exclude: str | None = None) -> None:
    taken = SavedView.objects.filter(owner=owner, section=section, name__iexact=name)
    if exclude:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationFailed(f"You already have a view called “{name}” here.", param="name")


def _check_group(owner: User, group: Group | None) -> None:
    if group is not None and not owner.crm_groups.filter(pk=group.pk).exists():
        raise ValidationFailed(
            "A view can be shared only with a group you belong to.", param="group"
        )


def _save(view: SavedView, **kwargs) -> None:
    """Save; two writes racing to the same name lose to the database's constraint with the
    same message the check before gives."""
    try:
        with transaction.atomic():
            view.save(**kwargs)
    except IntegrityError:
        raise ValidationFailed(
            f"You already have a view called “{view.name}” here.", param="name"
        ) from None


def _check_target(user: User, section: str, queue: str, query: str) -> None:
    found = section_for(section)
    if found is None or queue not in found.queues:
        raise ValidationFailed("There is no such queue to save.", param="queue")
    if not user.has_perm(found.permission):
        raise PermissionDenied("You may not see this queue.", param="section")
    if len(query) > QUERY_LENGTH:
        raise ValidationFailed("This queue's filters are too long to save.", param="query")


@transaction.atomic
def saved_view_create(
    *, user: User, name: str, section: str, queue: str, query: str, group: Group | None = None
) -> SavedView:
    """Save the queue page ``section``/``queue`` with its query string ``query`` as ``name``,
    personal or shared with ``group`` (one of the user's groups)."""
    name, query = _clean_name(name), stored_query(query or "")
    _check_target(user, section, queue, query)
    _check_unique(owner=user, section=section, name=name)
    _check_group(user, group)
    now = timezone.now()
    view = SavedView(name=name, section=section, queue=queue, query=query, owner=user)
    view.shared_with, view.created_date, view.updated_date = group, now, now
    _save(view, force_insert=True)
    _record(view, user, "create", NOTHING, now)
    return view


def _locked(view: SavedView, user: User) -> SavedView:
    """The view, locked for a write by its owner. Members of its group may see it but not
    change it; anyone else learns nothing about it."""
    locked = SavedView.objects.select_for_update().filter(pk=view.pk).first()
    if locked is None or not SavedView.objects.visible_to(user).filter(pk=view.pk).exists():
        raise EntityNotFound("No such saved view.", param="saved_view")
    if locked.owner_id != user.pk:
        raise PermissionDenied("Only the view's owner may change it.", param="saved_view")
    return locked


@transaction.atomic
def saved_view_rename(*, view: SavedView, user: User, name: str) -> SavedView:
    view = _locked(view, user)
    name = _clean_name(name)
    _check_unique(owner=user, section=view.section, name=name, exclude=view.pk)
    return _change(view, user, "rename", name=name)


@transaction.atomic
def saved_view_share(*, view: SavedView, user: User, group: Group) -> SavedView:
    view = _locked(view, user)
    _check_group(user, group)
    return _change(view, user, "share", shared_with=group)


@transaction.atomic
def saved_view_unshare(*, view: SavedView, user: User) -> SavedView:
    """Make the view personal again: the group's members no longer see it."""
    return _change(_locked(view, user), user, "unshare", shared_with=None)


def _change(view: SavedView, user: User, action: str, **values) -> SavedView:
    before = audit.snapshot(view, TRACKED)
    for field, value in values.items():
        setattr(view, field, value)
    if audit.snapshot(view, TRACKED) == before:
        return view  # nothing to change, nothing to record
    view.updated_date = timezone.now()
    _save(view, update_fields=[*values, "updated_date"])
    _record(view, user, action, before, view.updated_date)
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, user: User) -> None:
    view = _locked(view, user)
    before = audit.snapshot(view, TRACKED)
    _record(view, user, "delete", before, timezone.now())
    view.delete()
