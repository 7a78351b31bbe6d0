"""Reads the assignment service decides on: a group's members with their settings, their
access and their load. Each is one query or a fixed few, however many requests exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from crm.access import Access, accesses_for
from crm.models import Group, User
from servicerequests.models import ServiceRequest

from .models import MemberSetting


@dataclass(frozen=True)
class Member:
    """A group member as the policy sees them."""

    user: User
    access: Access | None  # None: inactive, sees nothing
    open_count: int | None  # None: not counted (no cap, and the policy does not need it)
    cap: int | None
    available: bool
    last_assigned_at: datetime | None


def member_order(user: User) -> tuple[str, str]:
    """User-name order, the same on every database (collations differ on case)."""
    return (user.username.lower(), user.username)


def group_members(*, group: Group, count_all: bool) -> list[Member]:
    """The members of ``group`` in user-name order, each with their settings in the group,
    what they may see and how many open requests are assigned to them in any group: for
    every member when ``count_all`` (least open), else only for those with a cap. An
    agent may hold a hundred thousand open requests: counting them is the costly part
    of a round-robin creation, and only a cap needs it."""
    users = sorted(group.members.select_related("default_unit"), key=member_order)
    ids = [user.pk for user in users]
    settings = {row.user_id: row for row in MemberSetting.objects.filter(group=group)}
    accesses = accesses_for(ids)
    counted = [i for i in ids if count_all or getattr(settings.get(i), "cap", None) is not None]
    counts = open_counts(user_ids=counted)
    members = []
    for user in users:
        # No settings row: available, no cap, never chosen (the model's defaults).
        setting = settings.get(user.pk) or MemberSetting()
        members.append(
            Member(
                user=user,
                access=accesses.get(user.pk),
                open_count=counts.get(user.pk, 0) if user.pk in counted else None,
                cap=setting.cap,
                available=setting.available,
                last_assigned_at=setting.last_assigned_at,
            )
        )
    return members


def open_counts(*, user_ids: list[str]) -> dict[str, int]:
    """Open requests assigned to each user, in any group (one grouped query)."""
    if not user_ids:
        return {}
    rows = (
        ServiceRequest.objects.open()
        .filter(assigned_to_user__in=user_ids)
        .values("assigned_to_user")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["assigned_to_user"]: row["n"] for row in rows}
