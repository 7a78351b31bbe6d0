"""``reports/service_requests/trend`` (contract section 9): one row per period, none
skipped (days; weeks from Monday across a month's end; months across a year's end),
created / completed / cancelled in each and open at its end; at most 366 periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from reports import queries
from tests.factories import make_service_request
from tests.reports.helpers import listed, status

pytestmark = pytest.mark.django_db

METHOD = "reports/service_requests/trend"


def at(text: str) -> datetime:
    """A moment in the organisation's time zone."""
    return timezone.make_aware(datetime.fromisoformat(text))


def history() -> None:
    """Created 2026-11-28 (Sat) and completed 12-02; created 11-30 (Mon) and cancelled
    the same day; created 12-01 and open; created 12-07 and open; created in 2025 and
    completed 2026-01-02."""
    completed, cancelled = status("Completed"), status("Cancel")
    make_service_request(
        created_date=at("2026-11-28T10:00"), status=completed, completed_date=at("2026-12-02T09:00")
    )
    make_service_request(
        created_date=at("2026-11-30T08:00"), status=cancelled, cancelled_date=at("2026-11-30T17:00")
    )
    make_service_request(created_date=at("2026-12-01T00:00"))
    make_service_request(created_date=at("2026-12-07T23:59"))
    make_service_request(
        created_date=at("2025-12-31T23:00"), status=completed, completed_date=at("2026-01-02T12:00")
    )


def row(start, created=0, completed=0, cancelled=0, open_at_end=0) -> dict:
    return {
        "period_start": start,
        "created": created,
        "completed": completed,
        "cancelled": cancelled,
        "open_at_end": open_at_end,
    }


def test_days_none_skipped(api, demo):
    history()
    data = api.get(METHOD, {"period": "day", "date_from": "2026-11-29", "date_to": "2026-12-03"})
    assert data.code == "OK"
    assert data.data == [
        row("2026-11-29T00:00:00", open_at_end=1),
        row("2026-11-30T00:00:00", created=1, cancelled=1, open_at_end=1),
        row("2026-12-01T00:00:00", created=1, open_at_end=2),
        row("2026-12-02T00:00:00", completed=1, open_at_end=1),
        row("2026-12-03T00:00:00", open_at_end=1),
    ]


def test_weeks_start_on_monday_across_a_month_end(demo):
    history()
    rows = queries.trend(
        user=demo["admin"],
        period="WEEK",
        date_from=date(2026, 11, 25),
        date_to=date(2026, 12, 14),
        filters={},
    )
    assert rows == [
        row(date(2026, 11, 23), created=1, open_at_end=1),
        row(date(2026, 11, 30), created=2, completed=1, cancelled=1, open_at_end=1),
        row(date(2026, 12, 7), created=1, open_at_end=2),
        row(date(2026, 12, 14), open_at_end=2),
    ]


def test_months_across_a_year_end(api, demo):
    history()
    params = {"period": "MONTH", "date_from": "2025-11-15", "date_to": "2026-02-01"}
    assert api.get(METHOD, params).data == [
        row("2025-11-01T00:00:00"),
        row("2025-12-01T00:00:00", created=1, open_at_end=1),
        row("2026-01-01T00:00:00", completed=1),
        row("2026-02-01T00:00:00"),
    ]


def test_open_at_end_equals_the_open_list_today(demo):
    # Dated from the real clock: fixed dates would lie in the future on some days, and a
    # request completed later today is open in the list now but not at the day's end.
    now = timezone.now()
    make_service_request(
        created_date=now - timedelta(days=3),
        status=status("Completed"),
        completed_date=now - timedelta(days=1),
    )
    make_service_request(created_date=now - timedelta(days=2))
    make_service_request(created_date=now - timedelta(minutes=1))
    today = timezone.localdate()
    rows = queries.trend(
        user=demo["admin"], period="DAY", date_from=today, date_to=today, filters={}
    )
    assert rows[-1]["open_at_end"] == listed(demo["admin"], {"open": True}) == 2


def test_filters_narrow_the_trend(api, demo):
    history()
    params = {"period": "DAY", "date_from": "2026-12-01", "date_to": "2026-12-01"}
    only_cancelled = {**params, "life_cycle_state": "CANCELLED"}
    assert api.get(METHOD, only_cancelled).data == [row("2026-12-01T00:00:00")]
    assert api.get(METHOD, {**params, "open_only": "true"}).data == [
        row("2026-12-01T00:00:00", created=1, open_at_end=1)
    ]


@pytest.mark.parametrize(
    ("period", "date_from", "date_to", "count"),
    [
        ("DAY", "2025-01-01", "2026-01-01", 366),
        ("WEEK", "2020-01-08", "2027-01-10", 366),
        ("MONTH", "1990-01-01", "2020-06-30", 366),
    ],
)
def test_at_most_366_periods(api, demo, period, date_from, date_to, count):
    params = {"period": period, "date_from": date_from, "date_to": date_to}
    assert len(api.get(METHOD, params).data) == count
    # Each date_to is its period's last day: the day after starts a 367th.
    one_more = date.fromisoformat(date_to) + timedelta(days=1)
    refused = api.get(METHOD, {**params, "date_to": one_more.isoformat()})
    assert refused.status_code == 400
    assert refused.body["status"]["code"] == "INVALID_PARAMETER"
    assert refused.description.startswith("date_to: at most 366 periods")
