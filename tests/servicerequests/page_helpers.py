"""Helpers shared by the staff page tests of service requests (test_pages_*.py): the rows a
queue page lists, bulk copies of a request, the error shown next to a field and a snapshot of a
request with its events."""

from __future__ import annotations

import html
import re

from servicerequests import models as sm

ROW = re.compile(r'name="selected" value="([^"]+)"')


def clone(first: sm.ServiceRequest, count: int, start: int = 0) -> list[sm.ServiceRequest]:
    """``count`` copies of ``first`` in bulk, numbered after it."""
    values = {
        f.attname: getattr(first, f.attname)
        for f in sm.ServiceRequest._meta.concrete_fields
        if f.name not in ("id", "number")
    }
    rows = [
        sm.ServiceRequest(**values, number=f"{first.number}-{start + i:03d}") for i in range(count)
    ]
    return sm.ServiceRequest.objects.bulk_create(rows)


def rows_of(page: str) -> list[str]:
    return ROW.findall(page)


def error_next_to(page: str, field_id: str) -> str:
    """The text of the error paragraph of the field ``field_id``."""
    match = re.search(rf'<p class="error" id="{field_id}_error" role="alert">([^<]*)</p>', page)
    assert match, f"no error next to {field_id}"
    return html.unescape(match.group(1))


def snapshot(sr: sm.ServiceRequest) -> dict:
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    return {
        "row": {f.attname: getattr(row, f.attname) for f in sm.ServiceRequest._meta.fields},
        "events": list(row.events.values()),
    }
