"""Keyset pagination for the staff queues: every page costs the same, on page 1 or page 10,000,
and nothing counts the whole table.

A page is fetched "after" or "before" a cursor, the sort value and id of the row at its
edge. Nullable sort columns put nulls last.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q, QuerySet


@dataclass(frozen=True)
class Sort:
    key: str
    field: str
    label: str
    nullable: bool = False


@dataclass(frozen=True)
class Queue:
    """A staff queue: fixed filters (``filters(user)`` for the app's FilterSet) and a
    default order.

    What it fixes, so that a person's filter it cannot hold is never silently lost
    (crm.queue_filters): ``states``, the life cycle states it can hold (None: every one),
    and ``owns``, the person's filters it decides, each with the name of its own filter a
    value must lie within (None: no value fits). A person's filter of the same name as one
    of its own is owned too."""

    slug: str
    label: str
    filters: Callable = field(repr=False)
    sort: str = "expected"
    descending: bool = False
    states: frozenset[str] | None = None
    owns: dict[str, str | None] = field(default_factory=dict, hash=False)


def sorts(*extra: Sort) -> dict[str, Sort]:
    """The sorts every work record queue offers (soonest due, newest, by number), then
    ``extra``, by key."""
    common = (
        Sort("expected", "expected_completion_date", "Expected completion", nullable=True),
        Sort("created", "created_date", "Created"),
        Sort("number", "number", "Number"),
    )
    return {sort.key: sort for sort in (*common, *extra)}


def queues(*items: Queue) -> dict[str, Queue]:
    return {queue.slug: queue for queue in items}


def encode_cursor(value, pk: str) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple | None:
    """The (value, pk) of a cursor; None when it is not one of ours (start over)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["dt"])
        if not isinstance(pk, str) or not isinstance(value, str | int | datetime | None):
            return None
        return value, pk
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None


def _beyond(field: str, value, pk: str, ascending: bool) -> Q:
    """Rows after (value, pk) in the order ``field`` asc/desc nulls last, then pk."""
    more, pk_more = ("gt", "gt") if ascending else ("lt", "lt")
    if value is None:
        return Q(**{f"{field}__isnull": True, f"pk__{pk_more}": pk})
    return (
        Q(**{f"{field}__{more}": value})
        | Q(**{field: value, f"pk__{pk_more}": pk})
        | Q(**{f"{field}__isnull": True})
    )


def _before(field: str, value, pk: str, ascending: bool) -> Q:
    """Rows before (value, pk) in the same order."""
    less, pk_less = ("lt", "lt") if ascending else ("gt", "gt")
    if value is None:
        return Q(**{f"{field}__isnull": False}) | Q(
            **{f"{field}__isnull": True, f"pk__{pk_less}": pk}
        )
    return Q(**{f"{field}__{less}": value}) | Q(**{field: value, f"pk__{pk_less}": pk})


def _ordering(sort: Sort, ascending: bool, *, reverse: bool = False) -> list:
    """The ORDER BY of ``sort``: nulls last (first when ``reverse``, which walks back from a
    cursor). A column without nulls is ordered without ``NULLS LAST``, which changes
    nothing for it but lets PostgreSQL read a descending order from its index and send the
    first rows at once, where ``DESC NULLS LAST`` sorted every row first."""
    if reverse:
        ascending = not ascending
    pk = "pk" if ascending else "-pk"
    if not sort.nullable:
        return [sort.field if ascending else f"-{sort.field}", pk]
    column = F(sort.field)
    if reverse:
        expression = column.asc(nulls_first=True) if ascending else column.desc(nulls_first=True)
    else:
        expression = column.asc(nulls_last=True) if ascending else column.desc(nulls_last=True)
    return [expression, pk]


def ordered(queryset: QuerySet, sort: Sort, *, ascending: bool) -> QuerySet:
    """``queryset`` in the order its keyset pages list it, whole (a queue's CSV export:
    crm.export)."""
    return queryset.order_by(*_ordering(sort, ascending))


# The queue pages' totals are exact up to here and "more than" beyond: counting a queue of a
# million rows costs seconds, counting to 1,001 costs what reading 1,001 index entries does.
TOTAL_CAP = 1000


def capped_count(queryset: QuerySet, cap: int) -> int:
    """The rows of ``queryset``, counted up to ``cap + 1`` (more than ``cap`` reads as such):
    ``SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)``, without the joins or the order."""
    return queryset.order_by().values("pk")[: cap + 1].count()


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def keyset_page(
    queryset: QuerySet,
    sort: Sort,
    *,
    ascending: bool,
    size: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """One page of ``queryset`` in ``sort`` order, starting after or ending before a cursor."""
    edge = decode_cursor(before) if before else None
    if edge is not None:
        rows = list(
            queryset.filter(_before(sort.field, *edge, ascending)).order_by(
                *_ordering(sort, ascending, reverse=True)
            )[: size + 1]
        )
        more_before = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(
            rows,
            _cursor(rows[-1], sort) if rows else None,
            _cursor(rows[0], sort) if more_before and rows else None,
        )
    start = decode_cursor(after) if after else None
    if start is not None:
        queryset = queryset.filter(_beyond(sort.field, *start, ascending))
    rows = list(queryset.order_by(*_ordering(sort, ascending))[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        _cursor(rows[-1], sort) if more_after and rows else None,
        _cursor(rows[0], sort) if start is not None and rows else None,
    )


def _cursor(row, sort: Sort) -> str:
    return encode_cursor(getattr(row, sort.field), row.pk)
