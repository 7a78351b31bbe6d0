"""Each dashboard chart's numbers as CSV (contract section 9): streamed, a header row, the
numbers the page shows, the same visibility and group filter."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports import dashboard
from tests.reports.helpers import dataset
from tests.servicerequests.helpers import S, make_sr

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(demo) -> Client:
    client = Client()
    client.force_login(demo["agent"])
    return client


@pytest.fixture
def requests_(demo):
    return [*dataset(demo), make_sr(S.FINAL_RESOLVED, final="RPC")]


def download(client, slug: str, query: str = "") -> list[list[str]]:
    response = client.get(reverse("report-csv", args=[slug]) + query)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{slug}')
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_open_by_priority(agent_client, requests_):
    # Visible to the agent and open: P1, P2, P2, a paused one and two without priority.
    assert download(agent_client, "priority") == [
        ["priority", "open"],
        ["P1", "1"],
        ["P2", "2"],
        ["", "3"],
    ]


def test_created_and_completed_per_day(agent_client, requests_):
    rows = download(agent_client, "trend")
    assert rows[0] == ["day", "created", "completed"]
    assert len(rows) == 1 + dashboard.TREND_DAYS
    today = timezone.localdate()
    first = today - timedelta(days=dashboard.TREND_DAYS - 1)
    assert rows[1][0] == first.isoformat()
    # All created today (the factory's created_date); the completed one on its day.
    assert rows[-1] == [today.isoformat(), "8", "0"]
    completed_day = (timezone.localtime() - timedelta(days=2)).date().isoformat()
    assert {row[0]: row[2] for row in rows[1:]}[completed_day] == "1"


def test_age_of_open_requests(agent_client, requests_):
    assert download(agent_client, "aging") == [
        ["age", "open"],
        ["0-1d", "3"],
        ["1-3d", "2"],
        ["3-7d", "1"],
        ["7-30d", "0"],
        ["30d+", "0"],
    ]


def test_service_level_compliance_per_week(agent_client, requests_):
    rows = download(agent_client, "sla-compliance")
    assert rows[0] == ["week_starting", "met", "missed", "compliance_percentage"]
    assert len(rows) == 1 + dashboard.SLA_WEEKS
    stopped = (timezone.localtime() - timedelta(days=2)).date()
    week = (stopped - timedelta(days=stopped.weekday())).isoformat()
    by_week = {row[0]: row[1:] for row in rows[1:]}
    assert by_week[week] == ["1", "1", "50.0"]
    assert sum(int(row[1]) + int(row[2]) for row in rows[1:]) == 2
    assert by_week[rows[1][0]] == ["0", "0", ""]  # no resolution: no percentage


def test_work_per_agent(agent_client, demo, requests_):
    assert download(agent_client, "workload") == [
        ["agent", "open", "at_risk"],
        # The busiest first, ties by user name; the Back Office request of the agent's is
        # hidden from the agent.
        ["MPAdministrator", "1", "1"],
        ["agent", "1", "0"],
    ]


def test_the_group_filter_applies(demo, requests_):
    client = Client()
    client.force_login(demo["admin"])
    everything = download(client, "priority")
    main = download(client, "priority", f"?group={demo['group'].pk}")
    assert everything[1:] != main[1:]
    assert main == [["priority", "open"], ["P1", "1"]]


def test_an_unknown_chart_is_not_found(agent_client):
    assert agent_client.get(reverse("report-csv", args=["nothing"])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("report-csv", args=["trend"]))
    assert response.status_code == 302
