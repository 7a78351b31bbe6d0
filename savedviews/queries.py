"""What a saved view's stored query means: the queue section and queue it starts from, the
filters of its query string, and its rows counted the way the navigation counts a queue.

The apps are reached through the registry (crm.registry.QUEUE_SECTIONS) and their queue
pages' URLs, never imported: a new queue section gets saved views without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.http import QueryDict
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.encoding import iri_to_uri

from crm import queue_filters
from crm.exceptions import CrmError
from crm.paging import Queue
from crm.registry import QUEUE_SECTIONS, QueueSection

# Paging cursors point into the rows of one moment; ``view`` is the marker the opened view's
# page carries (savedviews.views.OpenView). Neither belongs to what a view stores.
NOT_STORED = frozenset({"after", "before", "view"})


def stored_query(raw: str) -> str:
    """``raw`` (a page's query string) as a view stores it: verbatim, in the page's order
    and encoding (other pages add parameters, such as ``columns``, that must survive), but
    without the parameters in ``NOT_STORED``."""
    pairs = raw.lstrip("?").split("&")
    kept = "&".join(p for p in pairs if p and unquote_plus(p.split("=", 1)[0]) not in NOT_STORED)
    # A browser's query string comes encoded already; a hand-made one with spaces or line
    # breaks would make the redirect that opens the view fail.
    return iri_to_uri(kept)


def section_for(url_name: str) -> QueueSection | None:
    return next((s for s in QUEUE_SECTIONS if s.url_name == url_name), None)


@dataclass(frozen=True)
class Target:
    """Where a saved view leads: its section, and its queue if the section still has it."""

    section: QueueSection | None
    queue: Queue | None

    @classmethod
    def of(cls, view) -> Target:
        section = section_for(view.section)
        queue = section.queues.get(view.queue) if section else None
        return cls(section, queue)

    @property
    def exists(self) -> bool:
        return self.queue is not None

    def url(self) -> str:
        return reverse(self.section.url_name, args=[self.queue.slug])

    def page_class(self):
        """The queue page's view class, which names the filters a person may set."""
        try:
            return resolve(self.url()).func.view_class
        except (NoReverseMatch, AttributeError):  # a section whose queue page is no class view
            return None


def _fixed(section: QueueSection, queue: Queue, user, cache: dict) -> dict:
    """A queue's own filters, once per sidebar: some cost a query ("My groups")."""
    key = (section.url_name, queue.slug)
    if key not in cache:
        cache[key] = queue.filters(user)
    return cache[key]


def page_filters(target: Target, user, query: QueryDict, cache: dict) -> tuple[Queue, dict]:
    """The queue and the filters the queue page lists for ``query``, decided as the page
    decides them (crm.queue_filters.read and place, which KeysetQueueView.get calls too):
    invalid values left out, a filter the queue cannot hold moving the page to the
    section's All queue (or left out where there is none)."""
    page = target.page_class()
    queue, fixed = target.queue, _fixed(target.section, target.queue, user, cache)
    if getattr(page, "filterset_class", None) is None:  # a page without a person's filters
        return queue, fixed
    chosen = queue_filters.read(page.filterset_class, query, page.user_filters, page.multi_filters)
    placed = queue_filters.place(queue, fixed, chosen, page)
    if placed.moved_to is not None:
        queue, fixed = placed.moved_to, _fixed(target.section, placed.moved_to, user, cache)
    return queue, {**fixed, **chosen.filters}


def count(view, user, cap: int, cache: dict) -> int | None:
    """The rows ``view`` lists for ``user``, up to ``cap``, counted through the section's
    lister as the navigation counts a queue; None when its queue no longer exists.

    A stored filter that no longer parses (a deleted type) is left out, as the queue page
    leaves it out, so the count still equals the rows the view shows. ``cache`` keeps each
    queue's own filters across the views of one sidebar."""
    target = Target.of(view)
    if not target.exists:
        return None
    queue, filters = page_filters(target, user, QueryDict(view.query), cache)
    lister = target.section.lister
    try:
        return lister(user=user, filters=filters)[:cap].count()
    except CrmError:  # as the page's rows(): the queue without the person's filters
        fixed = _fixed(target.section, queue, user, cache)
        return lister(user=user, filters=fixed)[:cap].count()
