"""``reports/service_requests/sla_compliance`` (contract section 9): per period, the
requests whose sla.status became MET or MISSED in it (when the clock stopped), the share
met to one decimal (null when none); grouped, every period of every key."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from reports import queries
from reports.groupings import GROUP_BY
from tests.factories import make_service_request
from tests.reports.helpers import dataset, listed, status

pytestmark = pytest.mark.django_db

METHOD = "reports/service_requests/sla_compliance"


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def resolved(stopped: str, due: str, state: str = "Completed", **more):
    """A request whose clock stopped at ``stopped`` against the target ``due``."""
    return make_service_request(
        status=status(state),
        start_date=at("2026-11-01T00:00"),
        expected_completion_date=at(due),
        sla_stopped_at=at(stopped),
        **more,
    )


def history(demo) -> None:
    """Week of 11-30: met on the target's very moment, met, missed; week of 12-14: missed
    (final-resolved); a cancelled one never counts."""
    resolved("2026-11-30T10:00", "2026-11-30T10:00", assigned_to_user=demo["agent"])
    resolved("2026-12-06T23:59", "2026-12-10T00:00")
    resolved("2026-12-02T10:00", "2026-12-01T10:00", assigned_to_user=demo["agent"])
    resolved("2026-12-15T10:00", "2026-12-14T10:00", state="Final Resolved")
    resolved("2026-12-01T10:00", "2026-12-09T10:00", state="Cancel")


def period(start: str, met: int, missed: int, percentage) -> dict:
    return {
        "period_start": start,
        "resolved": met + missed,
        "met": met,
        "missed": missed,
        "compliance_percentage": percentage,
    }


def test_weeks_ungrouped(api, demo):
    history(demo)
    params = {"period": "WEEK", "date_from": "2026-11-30", "date_to": "2026-12-20"}
    response = api.get(METHOD, params)
    assert response.code == "OK"
    assert response.data == [
        period("2026-11-30T00:00:00", 2, 1, 66.7),
        period("2026-12-07T00:00:00", 0, 0, None),
        period("2026-12-14T00:00:00", 0, 1, 0.0),
    ]


def test_grouped_every_period_of_every_key(api, demo):
    history(demo)
    agent = demo["agent"]
    params = {
        "period": "WEEK",
        "date_from": "2026-11-30",
        "date_to": "2026-12-13",
        "group_by": "assigned_to",
    }
    user = {"id": agent.pk, "username": "agent", "person_name": agent.person_name}
    # Two resolved each: by key then (the null key last).
    assert api.get(METHOD, params).data == [
        {"key": user, **period("2026-11-30T00:00:00", 1, 1, 50.0)},
        {"key": user, **period("2026-12-07T00:00:00", 0, 0, None)},
        {"key": None, **period("2026-11-30T00:00:00", 1, 0, 100.0)},
        {"key": None, **period("2026-12-07T00:00:00", 0, 0, None)},
    ]


@pytest.mark.parametrize("group_by", [None, *GROUP_BY])
def test_totals_equal_the_met_and_missed_lists(demo, group_by):
    dataset(demo)
    today = timezone.localdate()
    rows = queries.sla_compliance(
        user=demo["admin"],
        period="MONTH",
        date_from=today - timedelta(days=40),
        date_to=today,
        group_by=group_by,
        filters={},
    )
    assert sum(row["met"] for row in rows) == listed(demo["admin"], {"sla_status": ["MET"]})
    assert sum(row["missed"] for row in rows) == listed(demo["admin"], {"sla_status": ["MISSED"]})
    assert all(("key" in row) == (group_by is not None) for row in rows)


def test_months_across_a_year_none_skipped(demo):
    resolved("2026-01-15T10:00", "2026-01-20T10:00")
    rows = queries.sla_compliance(
        user=demo["admin"],
        period="MONTH",
        date_from=date(2025, 11, 30),
        date_to=date(2026, 1, 1),
        group_by=None,
        filters={},
    )
    assert [(row["period_start"], row["met"]) for row in rows] == [
        (date(2025, 11, 1), 0),
        (date(2025, 12, 1), 0),
        (date(2026, 1, 1), 1),
    ]
