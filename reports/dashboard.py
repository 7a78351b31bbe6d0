"""The staff dashboard's numbers (contract section 9): the tiles, counted with the queues' own
filters, and the charts' tables, from reports.queries; every number with the link of the
queue that lists exactly those requests.

The numbers depend on what the user may see and on the group chosen, nothing else (the
tiles' queues fix no person), so users who see the same records share one cache entry,
counted again once ``CACHE_SECONDS`` old: the page says how old its numbers are. Redis may
be down: the cache fails open (crm.cache) and the numbers are counted afresh, slower, never
wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from crm.access import access_for
from crm.routers import reading_from_replica
from reports import queries
from reports.charts import Series
from servicerequests import selectors
from servicerequests.models import OPEN_STATES, Priority
from servicerequests.queues import QUEUES

CACHE_SECONDS = 60
# How long older numbers may stand in while they are counted again (numbers), and how long
# one count may take before another page may try.
KEEP_SECONDS = 600
LOCK_SECONDS = 120
TREND_DAYS = 30
SLA_WEEKS = 12
AGENTS_SHOWN = 20
AGE_LABELS = {
    "0-1d": "Under 1 day",
    "1-3d": "1–3 days",
    "3-7d": "3–7 days",
    "7-30d": "7–30 days",
    "30d+": "30+ days",
}
# The open requests: as the queues' state filter (a link), as the FilterSet's own (a count).
OPEN = {"state": list(OPEN_STATES)}
OPEN_ONLY = {"open": True}
AT_RISK = {"sla_status": ["AT_RISK"]}


@dataclass(frozen=True)
class Cell:
    """A number and the queue that lists exactly its requests (None: not a count, as a
    percentage of nothing)."""

    value: int | float | None
    href: str | None


@dataclass(frozen=True)
class Row:
    """One category of a table: its value for CSV (a date, a key's name) and as shown."""

    key: object
    label: str
    cells: tuple[Cell, ...]


@dataclass
class Table:
    """A chart's numbers: the first ``len(series)`` columns are drawn, all are listed."""

    slug: str
    title: str
    category: str
    columns: tuple[str, ...]
    series: tuple[Series, ...]
    rows: list[Row] = field(default_factory=list)
    kind: str = "columns"  # charts.columns, or "rows" (charts.rows)
    stacked: bool = False
    note: str = ""

    @property
    def csv_columns(self) -> list[str]:
        """The columns as a CSV header names them: ``created``, ``compliance_percentage``."""
        return [c.lower().replace(" %", "_percentage").replace(" ", "_") for c in self.columns]


@dataclass(frozen=True)
class Tile:
    slug: str
    label: str
    queue: str
    filters: dict
    tone: str = ""


TILES = (
    Tile("open", "Open", "all", OPEN),
    Tile("at-risk", "At risk", "at-risk", {}, "warn"),
    Tile("breached", "Breached", "breached", {}, "late"),
    Tile("awaiting-acceptance", "Awaiting acceptance", "awaiting-acceptance", {}),
    Tile("unassigned", "Unassigned", "unassigned", {}),
)


@dataclass
class Numbers:
    as_of: datetime
    tiles: list[tuple[Tile, Cell]]
    tables: dict[str, Table]


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def queue_url(slug: str, filters: dict) -> str:
    """The staff queue ``slug`` with ``filters`` in its query string (lists repeat)."""
    pairs = [
        (name, _text(item))
        for name, value in filters.items()
        for item in (value if isinstance(value, list | tuple) else [value])
    ]
    url = reverse("sr-queue", args=[slug])
    return f"{url}?{urlencode(pairs)}" if pairs else url


def cache_key(user, group_id: str | None) -> str:
    """What the numbers depend on: the records the user may see, and the group chosen."""
    access = access_for(user)
    seen = (
        sorted(access.privacy_level_ids),
        sorted(access.group_ids),
        access.all_groups,
        group_id or "",
    )
    return "dashboard:" + hashlib.sha256(repr(seen).encode()).hexdigest()[:40]


def numbers(user, group_id: str | None, *, refresh: bool = False) -> Numbers:
    """The dashboard of ``user`` for one group (None: every group the user may see): from
    the cache while younger than CACHE_SECONDS, else counted again (``refresh``: now).

    Counting a million requests takes seconds, so older numbers stay in the cache for
    KEEP_SECONDS: while one page counts them again, the pages asking meanwhile show the
    older ones (with their time) instead of all counting at once. A refresh asked while
    another page counts shows those too: a click cannot start a second count."""
    key = cache_key(user, group_id)
    found = cache.get(key)
    if found is not None and not refresh and _fresh(found):
        return found
    if found is not None and not cache.add(f"{key}:counting", 1, LOCK_SECONDS):
        return found
    found = count(user, {"group": group_id} if group_id else {})
    cache.set(key, found, KEEP_SECONDS)
    cache.delete(f"{key}:counting")
    return found


def _fresh(found: Numbers) -> bool:
    return timezone.now() - found.as_of < timedelta(seconds=CACHE_SECONDS)


def count(user, scope: dict) -> Numbers:
    """Every number of the dashboard now, within ``scope`` (the group filter), read from
    the replica when there is one (crm.routers: the numbers may trail by its lag)."""
    today = timezone.localdate()
    with reading_from_replica():
        tables = [
            trend_table(user, scope, today),
            priority_table(user, scope),
            aging_table(user, scope),
            sla_table(user, scope, today),
            workload_table(user, scope),
        ]
        return Numbers(timezone.now(), tiles(user, scope), {t.slug: t for t in tables})


def tiles(user, scope: dict) -> list[tuple[Tile, Cell]]:
    """Each tile counted as its queue counts its rows: the queue's filters, the user's
    visibility, the group."""
    found = []
    for tile in TILES:
        filters = {**QUEUES[tile.queue].filters(user), **tile.filters, **scope}
        rows = selectors.service_request_list(user=user, filters=filters).order_by()
        found.append((tile, Cell(rows.count(), queue_url(tile.queue, {**tile.filters, **scope}))))
    return found


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def trend_table(user, scope: dict, today: date) -> Table:
    """Created and completed per day over TREND_DAYS days, today included."""
    start = today - timedelta(days=TREND_DAYS - 1)
    found = queries.trend(user=user, period="DAY", date_from=start, date_to=today, filters=scope)
    table = Table(
        "trend",
        f"Created and completed per day, last {TREND_DAYS} days",
        "Day",
        ("Created", "Completed"),
        (Series("Created", "created"), Series("Completed", "completed")),
    )
    for row in found:
        day = row["period_start"]
        created = {"created_from": day, "created_to": day, **scope}
        completed = {"completed_from": day, "completed_to": day, **scope}
        cells = (
            Cell(row["created"], queue_url("all", created)),
            Cell(row["completed"], queue_url("all", completed)),
        )
        table.rows.append(Row(day, _day_label(day), cells))
    return table


def _key_label(key, empty: str) -> str:
    """A report key as a person reads it: a user's name, an object's name, a value."""
    if key is None:
        return empty
    if isinstance(key, dict):
        return key.get("person_name") or key.get("username") or key.get("name") or key["id"]
    return str(key)


def _key_value(key):
    """A report key in a CSV cell: a user's username, an object's name, a value."""
    if isinstance(key, dict):
        return key.get("username") or key.get("name") or key["id"]
    return key


def priority_table(user, scope: dict) -> Table:
    """Open requests by priority, P1 first."""
    found = queries.summary(user=user, group_by="priority", filters={**scope, **OPEN_ONLY})
    order = [p.value for p in Priority]
    found = sorted(found, key=lambda r: order.index(r["key"]) if r["key"] in order else 99)
    table = Table(
        "priority",
        "Open requests by priority",
        "Priority",
        ("Open",),
        (Series("Open", "open"),),
        kind="rows",
    )
    for row in found:
        cell = Cell(row["count"], _key_link("all", "priority", row["key"], {**OPEN, **scope}))
        table.rows.append(Row(row["key"], _key_label(row["key"], "No priority"), (cell,)))
    return table


def workload_table(user, scope: dict) -> Table:
    """Open and at-risk requests per assignee, the busiest first (AGENTS_SHOWN of them;
    the unassigned ones have their tile)."""
    opened = queries.summary(user=user, group_by="assigned_to", filters={**scope, **OPEN_ONLY})
    risky = queries.summary(user=user, group_by="assigned_to", filters={**scope, **AT_RISK})
    at_risk = {_key_id(row["key"]): row["count"] for row in risky}
    table = Table(
        "workload",
        "Open and at-risk work per agent",
        "Agent",
        ("Open", "At risk"),
        (Series("Open", "open"), Series("At risk", "at-risk")),
        kind="rows",
    )
    # At risk is open: every agent with at-risk work is among the open ones.
    named = [row for row in opened if row["key"] is not None]
    people = named[:AGENTS_SHOWN]
    if len(named) > AGENTS_SHOWN:
        table.note = f"The {AGENTS_SHOWN} agents with the most open requests."
    for row in people:
        risky_count = at_risk.get(_key_id(row["key"]), 0)
        cells = (
            Cell(row["count"], _key_link("all", "assigned_to", row["key"], {**OPEN, **scope})),
            Cell(risky_count, _key_link("at-risk", "assigned_to", row["key"], scope)),
        )
        table.rows.append(Row(_key_value(row["key"]), _key_label(row["key"], ""), cells))
    return table


def _key_id(key):
    return key["id"] if isinstance(key, dict) else key


def _key_link(queue: str, group_by: str, key, filters: dict) -> str | None:
    """The queue listing the requests of ``filters`` under ``key``; None when no queue
    filter lists exactly those (reports.groupings.key_filters)."""
    narrowed = queries.key_filters(group_by, key)
    return None if narrowed is None else queue_url(queue, {**filters, **narrowed})


def aging_table(user, scope: dict) -> Table:
    """Open requests by age since their start. The queues filter by creation, due and
    completion dates, not by start: the buckets cannot link, their total (the Open tile)
    does."""
    (found,) = queries.aging(user=user, group_by=None, filters=scope)
    table = Table(
        "aging",
        "Age of open requests",
        "Age",
        ("Open",),
        (Series("Open", "open"),),
        note="Wall-clock age since each request's start date.",
    )
    for name, value in found["buckets"].items():
        table.rows.append(Row(name, AGE_LABELS.get(name, name), (Cell(value, None),)))
    return table


def sla_table(user, scope: dict, today: date) -> Table:
    """Per week, the requests whose service level was met or missed in it (the clock
    stops at the final resolution); each count links to those requests."""
    start = today - timedelta(weeks=SLA_WEEKS - 1)
    found = queries.sla_compliance(
        user=user, period="WEEK", date_from=start, date_to=today, group_by=None, filters=scope
    )
    table = Table(
        "sla-compliance",
        f"Service level compliance per week, last {SLA_WEEKS} weeks",
        "Week starting",
        ("Met", "Missed", "Compliance %"),
        (Series("Met", "met"), Series("Missed", "missed")),
        stacked=True,
    )
    for row in found:
        week = row["period_start"]
        decided = {"sla_decided_from": week, "sla_decided_to": week + timedelta(days=6), **scope}
        cells = (
            Cell(row["met"], queue_url("all", {**decided, "sla_status": ["MET"]})),
            Cell(row["missed"], queue_url("all", {**decided, "sla_status": ["MISSED"]})),
            Cell(row["compliance_percentage"], None),
        )
        table.rows.append(Row(week, _day_label(week), cells))
    return table
