"""The sidebar's "Saved views" with their counts, the opened view (its name heads the queue
page) and the queue page's "Save view" form."""

from __future__ import annotations

import functools

from django.http import QueryDict

from crm.context_processors import staff_user
from crm.queuecounts import COUNT_CAP, COUNT_SECONDS
from savedviews.forms import SaveViewForm
from savedviews.queries import stored_query
from savedviews.selectors import SidebarItem, saved_view_sidebar

# Counted through the same lister, up to the same cap and for as long as the queue counts
# (crm.queuecounts): a view that equals a queue never shows another number.


def same_query(one: str, other: str) -> bool:
    """The same parameters and values, whatever their order and encoding (a pager's link
    re-encodes the query)."""
    return sorted(QueryDict(one).lists()) == sorted(QueryDict(other).lists())


def _current(request, items: list[SidebarItem]) -> dict | None:
    """The view whose link opened this queue page (``?view=<id>``), if the user may open it
    and the page is its queue; ``changed`` once the filters or sort differ from it."""
    wanted, match = request.GET.get("view"), request.resolver_match
    if not wanted or match is None:
        return None
    page = (match.url_name, match.kwargs.get("slug"))
    for item in items:
        view = item.view
        if view.pk == wanted and page == (view.section, view.queue):
            shown = stored_query(request.META.get("QUERY_STRING", ""))
            return {
                "view": view,
                "mine": item.mine,
                "changed": not same_query(shown, view.query),
            }
    return None


def saved_views(request) -> dict:
    """Only for signed-in users on the staff pages (not the admin, not the API)."""
    user = staff_user(request)
    if user is None:
        return {}
    shown = request.GET.get("view", "")
    # Lazy: worked out only when the page shows them, so an htmx refresh of a queue's
    # table (which shows neither sidebar nor heading) costs nothing here.
    items = functools.cache(
        lambda: saved_view_sidebar(user=user, cap=COUNT_CAP, seconds=COUNT_SECONDS, live=shown)
    )
    return {
        "saved_view_items": items,
        "current_view": functools.cache(lambda: _current(request, items())),
        "save_view_form": lambda: SaveViewForm(user=user),
    }
