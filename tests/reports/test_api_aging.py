"""``reports/service_requests/aging`` (contract section 9): open requests by wall-clock age
since their start (a future start is 0-1d), per key, totals equal to the open list's
length; one row with key null when ungrouped, even with nothing open."""

from __future__ import annotations

import pytest

from reports import queries
from reports.groupings import GROUP_BY
from tests.reports.helpers import dataset, listed

pytestmark = pytest.mark.django_db

METHOD = "reports/service_requests/aging"
ZERO = {"0-1d": 0, "1-3d": 0, "3-7d": 0, "7-30d": 0, "30d+": 0}


def test_ungrouped_buckets(api, demo):
    response = api.get(METHOD)
    assert response.code == "OK"
    assert response.data == [{"key": None, "buckets": ZERO, "total": 0}]
    dataset(demo)
    # Open: 0-1d the new one and the one starting tomorrow; 1-3d two; 3-7d one; 7-30d
    # one; 30d+ one. Completed and cancelled ones are not aged.
    buckets = {"0-1d": 2, "1-3d": 2, "3-7d": 1, "7-30d": 1, "30d+": 1}
    assert api.get(METHOD).data == [{"key": None, "buckets": buckets, "total": 7}]
    assert listed(demo["admin"], {"open": True}) == 7


@pytest.mark.parametrize("group_by", GROUP_BY)
def test_grouped_totals_equal_the_open_lists(demo, group_by):
    dataset(demo)
    rows = queries.aging(user=demo["admin"], group_by=group_by, filters={})
    assert sum(row["total"] for row in rows) == listed(demo["admin"], {"open": True})
    totals = [row["total"] for row in rows]
    assert totals == sorted(totals, reverse=True)
    for row in rows:
        assert row["total"] == sum(row["buckets"].values())
        narrowed = queries.key_filters(group_by, row["key"])
        if narrowed is not None:
            assert listed(demo["admin"], {"open": True, **narrowed}) == row["total"]


def test_grouped_by_priority_through_the_api(api, demo):
    dataset(demo)
    data = api.get(METHOD, {"group_by": "priority"}).data
    assert data == [
        {"key": None, "buckets": {**ZERO, "0-1d": 1, "1-3d": 1, "7-30d": 1, "30d+": 1},
         "total": 4},
        {"key": "P2", "buckets": {**ZERO, "1-3d": 1, "3-7d": 1}, "total": 2},
        {"key": "P1", "buckets": {**ZERO, "0-1d": 1}, "total": 1},
    ]  # fmt: skip


def test_filters_apply_before_ageing(api, demo):
    dataset(demo)
    data = api.get(METHOD, {"life_cycle_state": "RESPONDED,COMPLETED"}).data
    # The completed one matches the state filter but is not open.
    assert data == [{"key": None, "buckets": {**ZERO, "3-7d": 1}, "total": 1}]
