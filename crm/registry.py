"""What the apps tell the ground floor about themselves, so that ``crm`` serves them without
importing them (architecture: nothing in crm imports an app but the URL table, the demo data
and the benchmark seeding). Each app registers in its ``AppConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import AppConfig


@dataclass(frozen=True)
class QueueSection:
    """An app's staff queues as the navigation lists them. ``lister(user=, filters=)`` is
    the app's list selector, which the queues' filters go through."""

    title: str
    url_name: str
    queues: dict
    permission: str
    lister: Callable

    def count(self, user, queue, cap: int) -> int:
        """A queue's rows, counted up to ``cap`` (the navigation's "99+")."""
        return self.lister(user=user, filters=queue.filters(user))[:cap].count()


QUEUE_SECTIONS: list[QueueSection] = []


@dataclass(frozen=True)
class SearchSection:
    """An app's records in the staff pages' header search (crm.search_views).
    ``search(user=, query=, offset=, count=)`` is the app's search selector, the one its Web
    API search calls, giving a page of ids best first; ``rows(ids=)`` fetches what the
    results list shows, in that order; ``detail_url`` names a record's page."""

    title: str
    detail_url: str
    permission: str
    search: Callable
    rows: Callable


SEARCH_SECTIONS: list[SearchSection] = []
# Every life cycle table (crm.lifecycle.LifeCycle), for the labels of event rows.
LIFE_CYCLES: list = []
# Told, inside the scan's batch transaction, which rows it just flagged (crm.flagging):
# ``listener(model=, kind=, rows=, now=)`` with ``kind`` a Notification.Kind (APPROACHING or
# OVERDUE) and ``rows`` dicts holding at least ``id`` and ``number``. The webhooks app
# writes its at_risk / breached deliveries here, in the same transaction as the flags.
FLAG_LISTENERS: list[Callable] = []


def register_queues(section: QueueSection) -> None:
    if all(existing.url_name != section.url_name for existing in QUEUE_SECTIONS):
        QUEUE_SECTIONS.append(section)


def register_search(section: SearchSection) -> None:
    if all(existing.detail_url != section.detail_url for existing in SEARCH_SECTIONS):
        SEARCH_SECTIONS.append(section)


def register_life_cycle(life_cycle) -> None:
    if life_cycle not in LIFE_CYCLES:
        LIFE_CYCLES.append(life_cycle)


def on_flagged(listener: Callable) -> None:
    if listener not in FLAG_LISTENERS:
        FLAG_LISTENERS.append(listener)


def action_label(action: str) -> str | None:
    """The label a registered life cycle gives ``action``, if any."""
    for life_cycle in LIFE_CYCLES:
        if action in life_cycle:
            return life_cycle[action].label
    return None


class WorkRecordAppConfig(AppConfig):
    """Base of the apps of work records (service requests, jobs). Before any request is
    served, ``ready()`` loads the app's identifier kinds and registers its life cycle
    (``<app>.lifecycle.LIFE_CYCLE``) and its queues (``<app>.queues.QUEUES``, under the
    app's name, counted through ``<app>.selectors.record_list``).

    Subclass it as ``registry.WorkRecordAppConfig``: Django takes an app's configuration
    from the one AppConfig class its ``apps`` module holds, and an imported base class
    would be a second one."""

    queue_url = ""
    read_permission = ""

    def ready(self):
        import_module(f"{self.name}.api.identifiers")
        register_life_cycle(import_module(f"{self.name}.lifecycle").LIFE_CYCLE)
        lister = import_module(f"{self.name}.selectors").record_list
        queues = import_module(f"{self.name}.queues").QUEUES
        section = QueueSection(
            str(self.verbose_name), self.queue_url, queues, self.read_permission, lister
        )
        register_queues(section)
        selectors = import_module(f"{self.name}.selectors")
        # e.g. "sr-queue" -> "sr-detail": the record page of crm.staff_views.record_urls.
        detail_url = self.queue_url.removesuffix("-queue") + "-detail"
        register_search(
            SearchSection(
                str(self.verbose_name),
                detail_url,
                self.read_permission,
                selectors.record_search,
                selectors.record_search_rows,
            )
        )
