"""``reports/service_requests/summary`` (contract section 9): counts per key equal the
matching list's length, for every group_by, with and without filters; keys render as
objects, users or values; largest count first, ties by key; the dashboard's key filters
list exactly the requests counted under each key."""

from __future__ import annotations

import pytest

from reports import queries
from reports.groupings import GROUP_BY
from servicerequests.models import OPEN_STATES
from tests.reports.helpers import dataset, listed

pytestmark = pytest.mark.django_db

METHOD = "reports/service_requests/summary"
# Keys no queue filter can list on its own (reports.groupings.key_filters returns None).
UNLINKED = {"owned_by_group", "priority", "sla_status"}


@pytest.mark.parametrize("group_by", GROUP_BY)
@pytest.mark.parametrize("filters", [{}, {"open": True}, {"state": ["PENDING", "COMPLETED"]}])
def test_each_key_counts_what_its_queue_lists(demo, group_by, filters):
    dataset(demo)
    rows = queries.summary(user=demo["admin"], group_by=group_by, filters=filters)
    assert sum(row["count"] for row in rows) == listed(demo["admin"], filters)
    for row in rows:
        narrowed = queries.key_filters(group_by, row["key"])
        if narrowed is None:
            assert row["key"] is None
            assert group_by in UNLINKED
            continue
        assert listed(demo["admin"], {**filters, **narrowed}) == row["count"], row


def test_sla_status_groups_as_the_filter_lists(demo):
    dataset(demo)
    rows = queries.summary(user=demo["admin"], group_by="sla_status", filters={})
    # Two on track (one paused), one at risk, two breached (one paused at its breach),
    # one met, one missed; cancelled and without a target: null.
    assert rows == [
        {"key": "BREACHED", "count": 2},
        {"key": "ON_TRACK", "count": 2},
        {"key": None, "count": 2},
        {"key": "AT_RISK", "count": 1},
        {"key": "MET", "count": 1},
        {"key": "MISSED", "count": 1},
    ]
    for value in ("ON_TRACK", "AT_RISK", "BREACHED", "MET", "MISSED"):
        assert listed(demo["admin"], {"sla_status": [value]}) == {
            row["key"]: row["count"] for row in rows
        }.get(value, 0)


def test_the_api_renders_objects_users_and_values(api, demo):
    rows = dataset(demo)
    agent, admin = demo["agent"], demo["admin"]
    response = api.get(METHOD, {"group_by": "assigned_to"})
    assert response.status_code == 200
    assert response.code == "OK"
    assert response.data == [
        {"key": None, "count": 6},
        {"key": {"id": agent.pk, "username": "agent", "person_name": agent.person_name},
         "count": 2},
        {"key": {"id": admin.pk, "username": "MPAdministrator",
                 "person_name": admin.person_name}, "count": 1},
    ]  # fmt: skip
    pending = rows[0].status
    by_status = api.get(METHOD, {"group_by": "status", "life_cycle_state": "PENDING"}).data
    on_hold = rows[3].status
    # Equal counts: by name ("On Hold" before "Pending").
    assert by_status == [
        {"key": {"id": on_hold.pk, "name": "On Hold"}, "count": 2},
        {"key": {"id": pending.pk, "name": "Pending"}, "count": 2},
    ]
    states = api.get(METHOD, {"group_by": "life_cycle_state", "open_only": "true"}).data
    assert states == [
        {"key": "PENDING", "count": 4},
        {"key": "FINAL_RESOLVED", "count": 1},
        {"key": "RESPONDED", "count": 1},
        {"key": "TEMPORARY_RESOLVED", "count": 1},
    ]
    assert {row["key"] for row in states} <= set(OPEN_STATES)


def test_api_filters_narrow_as_the_list_does(api, demo):
    dataset(demo)
    admin = demo["admin"]
    params = {
        "group_by": "type",
        "type_identifier": "name=Technical Support",
        "owned_by_group_identifier": "name=Main Group",
        "life_cycle_state": "pending,RESPONDED",
        "created_date_from": "2000-01-01T00:00:00",
        "created_date_to": "2999-01-01T00:00:00",
        "open_only": "true",
    }
    data = api.get(METHOD, params).data
    assert [row["key"]["name"] for row in data] == ["Technical Support"]
    group = demo["group"]
    assert data[0]["count"] == listed(
        admin, {"type": data[0]["key"]["id"], "group": group.pk, "state": ["PENDING"]}
    )
    assert data[0]["count"] == 1
    # A creation range that holds nothing: no rows at all.
    empty = api.get(METHOD, {"group_by": "type", "created_date_to": "2000-01-01T00:00:00"})
    assert empty.data == []


def test_counts_equal_the_api_list(api, demo):
    dataset(demo)
    account = "number=ACR001143"
    listed_rows = api.get(
        "service_requests/list",
        {"accounts_receivable_identifier": account, "sla_status": "BREACHED,MET",
         "number_of_results": 500},
    ).data  # fmt: skip
    rows = api.get(METHOD, {"group_by": "sla_status"}).data
    counted = {row["key"]: row["count"] for row in rows}
    assert len(listed_rows) == counted["BREACHED"] + counted["MET"] == 3
