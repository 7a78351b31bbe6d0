"""Reads of saved views: those a user may open (their own, and those shared with one of
their groups), and the sidebar's list of them with their counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, IntegerField, QuerySet, Value, When

from crm import queuecounts
from savedviews import queries
from savedviews.models import SavedView


def saved_view_list(*, user) -> QuerySet:
    """The views ``user`` may open: their own first, then the shared ones, each by name.
    Views of a queue section the user may not read are left out."""
    readable = [s.url_name for s in queries.QUEUE_SECTIONS if user.has_perm(s.permission)]
    mine_first = Case(
        When(owner=user, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        SavedView.objects.visible_to(user)
        .filter(section__in=readable)
        .select_related("shared_with", "owner")
        .order_by(mine_first, "name", "pk")
    )


def saved_view_detail(*, user, pk: str) -> SavedView | None:
    """One view ``user`` may open, or None (which the pages answer with 404)."""
    return saved_view_list(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class SidebarItem:
    """A saved view as the sidebar lists it: ``count`` is None when its queue is gone."""

    view: SavedView
    mine: bool
    count: int | None


def _version(view) -> str:
    # A changed view (another query, another name) is counted afresh.
    return f"{view.pk}:{view.updated_date.isoformat()}"


def saved_view_sidebar(*, user, cap: int, seconds: int, live: str = "") -> list[SidebarItem]:
    """Every view ``user`` may open with its rows counted for ``user`` up to ``cap``: one
    query for the list, then one count per view not counted in the last ``seconds`` (and
    each queue's own filters once). The view with the id ``live`` (the one on the page) is
    counted afresh, so that its count agrees with the rows shown beside it."""
    views = list(saved_view_list(user=user))
    # Under the queue counts' version (crm.queuecounts): no older than the last write.
    key = f"saved-view-counts:{queuecounts.version()}:{user.pk}"
    known = cache.get(key) or {}
    counts = {_version(v): known.get(_version(v)) for v in views}
    missing = [v for v in views if _version(v) not in known or v.pk == live]
    if missing:
        fixed: dict = {}
        counts.update({_version(v): queries.count(v, user, cap, fixed) for v in missing})
        cache.set(key, counts, seconds)
    return [SidebarItem(v, v.owner_id == user.pk, counts[_version(v)]) for v in views]
