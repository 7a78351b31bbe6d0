"""The CSV download of the queues and saved views (contract section 9): the page's link with
its filters, the header, rows equal to the page's in its order, what a user may see and no
more, dates in the Web API's format, the ``sla`` object's status and remaining seconds,
jobs, a constant number of queries, and a streamed response."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.api.formats import format_datetime
from customers.models import Contact
from servicerequests import models as sm
from sla.api import reading as sla_reading
from tests.conftest import clear_cache
from tests.savedviews.conftest import save
from tests.servicerequests.helpers import S, make_job, make_sr, show
from tests.servicerequests.page_helpers import clone, rows_of

pytestmark = pytest.mark.django_db

SR_HEADER = [
    "number",
    "life_cycle_state",
    "status",
    "type",
    "category",
    "priority",
    "urgency_level",
    "impact_level",
    "account",
    "caller",
    "assigned_to",
    "owned_by_group",
    "start_date",
    "expected_completion_date",
    "completed_date",
    "sla_status",
    "remaining_seconds",
    "description",
]
LINK = re.compile(r'id="export-csv" href="([^"]+)"')


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, url: str) -> list[dict]:
    """The file's lines as dicts by the header's names (the header checked separately)."""
    response = client.get(url)
    assert response.status_code == 200, response
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def link_of(page: str) -> str:
    return html.unescape(LINK.search(page).group(1))


def pages_of(client: Client, path: str, query: str) -> list[str]:
    """The numbers the queue page at ``path`` lists for ``query``, following its "Next"
    links to the end."""
    numbers, url = [], f"{path}?{query}"
    while url:
        page = client.get(url).content.decode()
        numbers += rows_of(page)
        following = re.search(r'href="([^"]+)" rel="next"', page)
        url = path + html.unescape(following.group(1)) if following else None
    return numbers


# -- the link and the file --------------------------------------------------------------------


def test_every_queue_page_links_its_download_with_its_query_but_not_its_cursor(demo):
    client = signed_in(demo["admin"])
    page = client.get("/requests/queue/pending/?priority=P3&sort=-number&after=abc").content
    assert link_of(page.decode()) == "/requests/queue/pending/export.csv?priority=P3&sort=-number"
    page = client.get("/requests/").content.decode()  # the default queue, My queue
    assert link_of(page) == "/requests/queue/mine/export.csv?"
    page = client.get("/jobs/queue/all/?q=JOB").content.decode()
    assert link_of(page) == "/jobs/queue/all/export.csv?q=JOB"


def test_the_download_streams_utf8_csv_with_the_header_of_section_9(demo):
    make_sr(description="Näher, bitte")
    response = signed_in(demo["admin"]).get("/requests/queue/all/export.csv")
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="service-requests-all-\d{8}-\d{4}\.csv"',
        response["Content-Disposition"],
    )
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert lines[0] == SR_HEADER
    assert lines[1][-1] == "Näher, bitte"


def test_a_line_holds_the_requests_values_with_dates_in_the_api_format(demo):
    company = Contact.objects.create(type=Contact.Type.COMPANY, company_name="Acme, Ltd")
    due = timezone.now() + timedelta(days=2)
    sr = make_sr(
        S.COMPLETED,
        caller=company,
        assigned_to_user=demo["agent"],
        owned_by_group=demo["group"],
        priority="P2",
        expected_completion_date=due,
        sla_stopped_at=due - timedelta(hours=1),
        description='Line one\nsaid "two"',
    )
    (line,) = download(signed_in(demo["admin"]), f"/requests/queue/all/export.csv?q={sr.number}")
    assert line == {
        "number": sr.number,
        "life_cycle_state": "COMPLETED",
        "status": "Completed",
        "type": "Technical Support",
        "category": sr.category.name,
        "priority": "P2",
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
        "account": "ACR001143",
        "caller": "Acme, Ltd",
        "assigned_to": "agent",
        "owned_by_group": "Main Group",
        "start_date": format_datetime(sr.start_date),
        "expected_completion_date": format_datetime(due),
        "completed_date": format_datetime(sr.completed_date),
        "sla_status": "MET",
        "remaining_seconds": "3600",
        "description": 'Line one\nsaid "two"',
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line["start_date"])


def test_text_a_spreadsheet_would_run_as_a_formula_stays_text(demo):
    make_sr(number="SR00000101", description='=HYPERLINK("http://x.example","open")')
    make_sr(number="SR00000102", description="-1 day, +2 hours")
    rows = download(signed_in(demo["admin"]), reverse("sr-queue-export", args=["all"]))
    described = {row["number"]: row["description"] for row in rows}
    assert described["SR00000101"] == '\'=HYPERLINK("http://x.example","open")'
    assert described["SR00000102"] == "'-1 day, +2 hours"


def test_empty_values_are_empty_cells(demo):
    sr = make_sr(S.CANCELLED, priority=None, description=None)
    (line,) = download(signed_in(demo["admin"]), f"/requests/queue/all/export.csv?q={sr.number}")
    assert [line[k] for k in ("priority", "assigned_to", "owned_by_group", "completed_date")] == [
        "",
        "",
        "",
        "",
    ]
    assert (line["sla_status"], line["remaining_seconds"], line["description"]) == ("", "", "")


def clocks(demo) -> list[sm.ServiceRequest]:
    """Requests whose clocks read differently: on track (around the clock and on office
    hours), at risk, breached, paused, met, missed."""
    now = timezone.now()
    office = sm.ServiceRequestType.objects.get(name="On-site Repair")
    on_hold = sm.ServiceRequestStatus.objects.get(name="On Hold")
    return [
        make_sr(expected_completion_date=now + timedelta(days=3)),
        make_sr(type=office, expected_completion_date=now + timedelta(days=9)),
        make_sr(expected_completion_date=now + timedelta(hours=2)),
        make_sr(type=office, expected_completion_date=now - timedelta(days=4)),
        make_sr(
            status=on_hold,
            expected_completion_date=now + timedelta(days=1),
            sla_paused_since=now - timedelta(hours=5),
            sla_paused_seconds=600,
        ),
        make_sr(
            S.COMPLETED,
            expected_completion_date=now - timedelta(days=1),
            sla_stopped_at=now - timedelta(hours=30),
        ),
        make_sr(
            S.COMPLETED,
            type=office,
            expected_completion_date=now - timedelta(days=2),
            sla_stopped_at=now - timedelta(hours=1),
        ),
    ]


def test_the_service_level_cells_agree_with_the_sla_object_of_the_api(demo, api):
    rows = clocks(demo)
    moment = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        lines = download(signed_in(demo["admin"]), "/requests/queue/all/export.csv?sort=number")
    exported = {line["number"]: line for line in lines}
    statuses = []
    for sr in rows:
        # What the API's ``sla`` object says at the moment of the download (sla.api.render
        # reads it through sla.api.reading): a running clock changes every second.
        row = sm.ServiceRequest.objects.select_related("status", "type__calendar").get(pk=sr.pk)
        reading = sla_reading(row, moment)
        expected = (reading.status or "", str(reading.remaining_seconds))
        assert (exported[sr.number]["sla_status"], exported[sr.number]["remaining_seconds"]) == (
            expected
        )
        assert show(api, sr.number, "number,sla").data["sla"]["status"] == reading.status
        statuses.append(reading.status)
    assert statuses == ["ON_TRACK", "ON_TRACK", "AT_RISK", "BREACHED", "ON_TRACK", "MET", "MISSED"]


# -- the same rows as the page ----------------------------------------------------------------


@pytest.fixture
def mixed(demo) -> list[sm.ServiceRequest]:
    """60 requests over the priorities and states, some due, some not."""
    now = timezone.now()
    first = make_sr(priority="P3", expected_completion_date=now + timedelta(days=1))
    rows = [first, *clone(first, 29)]
    rows += clone(make_sr(priority="P1"), 15)
    rows += clone(make_sr(S.COMPLETED, priority=None), 14)
    for i, row in enumerate(rows[::4]):  # ties and nulls in the sort column
        row.expected_completion_date = None if i % 2 else now + timedelta(hours=i)
        row.save(update_fields=["expected_completion_date"])
    return rows


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("all", ""),
        ("all", "sort=priority"),
        ("all", "sort=-expected&state=PENDING"),
        ("pending", "priority=P3&sort=number"),
        ("pending", "sort=-priority"),
        ("unassigned", ""),
    ],
)
def test_the_rows_are_the_pages_rows_in_the_pages_order(demo, mixed, slug, query):
    client = signed_in(demo["admin"])
    listed = pages_of(client, f"/requests/queue/{slug}/", query)
    assert len(listed) > 25  # more than one page
    exported = download(client, f"/requests/queue/{slug}/export.csv?{query}")
    assert [line["number"] for line in exported] == listed


def test_a_filter_the_queue_cannot_hold_lists_what_the_page_moves_to(demo, mixed):
    client = signed_in(demo["admin"])
    cancelled = make_sr(S.CANCELLED)
    response = client.get("/requests/queue/pending/?state=CANCELLED")
    assert response.status_code == 302  # to All requests, with the filter
    exported = download(client, "/requests/queue/pending/export.csv?state=CANCELLED")
    assert [line["number"] for line in exported] == [cancelled.number]


def test_a_user_never_gets_rows_they_cannot_see(demo, mixed):
    restricted = make_sr(privacy_level=demo["restricted"], description="Secret")
    others = make_sr(owned_by_group=demo["group"], description="Group only")
    numbers = {
        who: [
            line["number"]
            for line in download(signed_in(demo[who]), "/requests/queue/all/export.csv")
        ]
        for who in ("admin", "agent")
    }
    assert restricted.number in numbers["admin"]
    assert restricted.number not in numbers["agent"]
    agent_sees = pages_of(signed_in(demo["agent"]), "/requests/queue/all/", "")
    assert numbers["agent"] == agent_sees
    assert (others.number in numbers["agent"]) == demo["agent"].crm_groups.filter(
        pk=demo["group"].pk
    ).exists()


def test_without_the_permission_or_a_session_there_is_no_file(demo):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    assert signed_in(nobody).get("/requests/queue/all/export.csv").status_code == 403
    response = Client().get("/requests/queue/all/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert signed_in(demo["admin"]).get("/requests/queue/nope/export.csv").status_code == 404


# -- saved views and jobs -----------------------------------------------------------------------


def test_a_saved_views_page_downloads_the_views_rows(demo, mixed):
    view = save(demo["admin"], "Urgent", queue="all", query="priority=P1&sort=-number")
    client = signed_in(demo["admin"])
    page = client.get(reverse("savedview-open", args=[view.pk]), follow=True).content.decode()
    url = link_of(page)
    assert url.startswith("/requests/queue/all/export.csv?priority=P1&sort=-number")
    exported = [line["number"] for line in download(client, url)]
    p1 = sm.ServiceRequest.objects.filter(priority="P1").order_by("-number")
    assert exported == list(p1.values_list("number", flat=True))
    assert len(exported) == 16


def test_the_job_download(demo):
    job = make_job()
    job.owned_by_group = demo["group"]
    job.description = "Collect the decoder"
    job.save()
    client = signed_in(demo["admin"])
    response = client.get("/jobs/queue/all/export.csv?sort=number")
    assert response.streaming is True
    text = b"".join(response.streaming_content).decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == [
        "number",
        "life_cycle_state",
        "status",
        "type",
        "category",
        "account",
        "subscription",
        "assigned_to",
        "owned_by_group",
        "start_date",
        "expected_completion_date",
        "scheduled_date",
        "completed_date",
        "cancelled_date",
        "description",
    ]
    by_number = {line[0]: line for line in lines[1:]}
    assert by_number[job.number] == [
        job.number,
        "DRAFT",
        "Draft",
        "Deactivate Subscription",
        "",
        "ACR001143",
        job.subscription.number,
        "",
        "Main Group",
        format_datetime(job.start_date),
        "",
        "",
        "",
        "",
        "Collect the decoder",
    ]
    assert [line[0] for line in lines[1:]] == sorted(by_number)
    drafts = download(client, "/jobs/queue/draft/export.csv")
    assert [line["number"] for line in drafts] == [job.number]


def test_a_job_the_user_may_not_see_is_not_in_their_file(demo):
    job = make_job()
    job.privacy_level = demo["restricted"]
    job.save()
    agent = [
        line["number"] for line in download(signed_in(demo["agent"]), "/jobs/queue/all/export.csv")
    ]
    admin = [
        line["number"] for line in download(signed_in(demo["admin"]), "/jobs/queue/all/export.csv")
    ]
    assert job.number in admin
    assert job.number not in agent


# -- cost ---------------------------------------------------------------------------------------


def queries_of(client: Client, url: str) -> tuple[int, int, list[str]]:
    """Queries of one download, its lines read to the end (the rows are read as they go)."""
    clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        lines = b"".join(response.streaming_content).decode().count("\n")
    return len(captured), lines, [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("who", ["admin", "agent"])
@pytest.mark.parametrize(
    "url",
    [
        "/requests/queue/all/export.csv?sort=priority",
        "/requests/queue/my-groups/export.csv",
        "/jobs/queue/all/export.csv",
    ],
)
def test_a_download_costs_the_same_queries_for_5_and_300_rows(demo, who, url):
    client = signed_in(demo[who])
    now = timezone.now()
    values = {"owned_by_group": demo["group"], "expected_completion_date": now + timedelta(days=1)}
    first, job = make_sr(**values), make_job()
    clone(first, 4)
    job.owned_by_group = demo["group"]
    job.save()
    queries_of(client, url)  # the business calendars' arithmetic is cached from now on
    few, few_lines, _ = queries_of(client, url)
    clone(first, 295, start=4)
    job_values = {f.attname: getattr(job, f.attname) for f in type(job)._meta.concrete_fields}
    type(job).objects.bulk_create(
        type(job)(**{**job_values, "id": f"J{i:031d}", "number": f"JX{i:04d}"}) for i in range(300)
    )
    many, many_lines, sqls = queries_of(client, url)
    assert many_lines > few_lines + 290
    assert few == many, "\n".join(sqls)
