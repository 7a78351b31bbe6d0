"""CSV export (contract section 9): one streamed response for every queue, saved view and
report, so memory stays flat at any size.

A queue's download (``QueueExportMixin``) lists the rows its page lists, every page of them,
in the page's order: the same queue, the same person's filters (crm.queue_filters), the same
selector (and so the same visibility) and the same sort. Each app says what its file holds
(an ``Export``: ``servicerequests.export``, ``jobs.export``)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone

from crm import queue_filters
from crm.api.formats import format_datetime
from crm.paging import ordered
from crm.routers import read_alias

# Lines are sent in pieces of about this size: one write per line would make a million
# system calls, one write for the whole file would hold it in memory.
CHUNK_BYTES = 64 * 1024
# Rows PostgreSQL sends per fetch of the server-side cursor (QuerySet.iterator).
FETCH_ROWS = 2000


class _Echo:
    """A file-like object whose write returns the line, so csv.writer yields text
    instead of buffering it (Django's documented streaming CSV pattern)."""

    def write(self, value: str) -> str:
        return value


# A text cell starting with one of these is run as a formula by spreadsheet programs
# (CSV injection): a description "=HYPERLINK(...)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str | int | float:
    """A value as the API would write it: dates in its format, nothing as empty, and text
    that a spreadsheet would take for a formula quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def fetched(values: QuerySet) -> Iterator:
    """The rows of ``values`` as the database sends them, ``FETCH_ROWS`` at a time, inside a
    transaction held while they stream. Outside one, Django declares PostgreSQL's
    server-side cursor ``WITH HOLD``, which PostgreSQL fills whole at the commit right after
    the declaration: the first row came after the last was read (54 s for a million)."""
    with transaction.atomic(using=values.db):
        yield from values.iterator(chunk_size=FETCH_ROWS)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The header line, then the rows' lines joined in pieces of about ``CHUNK_BYTES``."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    piece, size = [], 0
    for row in rows:
        line = writer.writerow([csv_cell(value) for value in row])
        piece.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield "".join(piece)
            piece, size = [], 0
    if piece:
        yield "".join(piece)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """Stream ``rows`` (an iterator: pass ``queryset.iterator(chunk_size=...)``-built rows,
    which PostgreSQL reads through a server-side cursor) as a UTF-8 CSV download."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Export:
    """What an app's queue download holds: ``name`` starts the file's name; ``header`` is
    the first line; ``rows(queryset, now)`` gives the cells of each line of the ordered
    ``queryset`` (the queue's rows), read at ``now``, lazily and in a constant number of
    queries."""

    name: str
    header: tuple[str, ...]
    rows: Callable[..., Iterable[Sequence]]


class QueueExportMixin:
    """Put before an app's queue page view (a crm.staff_views.KeysetQueueView): GET answers
    with the rows the page lists, as a CSV download. Subclasses set ``export``."""

    export: Export

    def get(self, request, *args, slug: str | None = None, **kwargs):
        queue = self.queues.get(slug or self.default_queue)
        if queue is None:
            raise Http404("No such queue")
        query = request.GET
        placed = self.place(queue, query)
        if placed.moved_to is not None:
            # The page would move to the All queue with these filters: list what it lists.
            query = queue_filters.carried(query, queue)
            queue, self.fixed = placed.moved_to, placed.moved_to.filters(request.user)
        sort, descending = self.sort_of(queue, query)
        # The rows stream after this returns, outside any block: pinned to the replica (if
        # configured, crm.routers) here, and fetched() opens its transaction on the same alias.
        rows = ordered(self.rows(queue, query), sort, ascending=not descending).using(read_alias())
        now = timezone.now()
        filename = f"{self.export.name}-{queue.slug}-{timezone.localtime(now):%Y%m%d-%H%M}.csv"
        return csv_response(filename, self.export.header, self.export.rows(rows, now))

    def note(self, text: str) -> None:
        """A download has no page to say what was ignored on: the page says it."""
