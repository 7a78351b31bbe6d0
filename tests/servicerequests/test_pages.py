"""The staff pages for service requests through the Django test client: a constant number of
queries on every queue and on the detail page (5 rows or 200), sign-in and visibility, keyset
pages, sorting, refused actions and bulk actions."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Notification
from jobs import models as jm
from products.models import Product, ProductType
from servicerequests import models as sm
from servicerequests.queues import QUEUES
from servicerequests.selectors import service_request_detail
from servicerequests.views import PAGE_SIZE
from tests.conftest import clear_cache, is_postgresql
from tests.servicerequests.test_api_read import S, make_sr
from tests.servicerequests.test_query_counts import add_sets

pytestmark = pytest.mark.django_db

ROW = re.compile(r'name="selected" value="([^"]+)"')
NEXT = re.compile(r'href="([^"]*)" rel="next"')


# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, demo) -> Client:
    client.force_login(demo["admin"])
    return client


@pytest.fixture
def agent_client(demo) -> Client:
    client = Client()
    client.force_login(demo["agent"])
    return client


def in_queue(slug: str, user, demo) -> dict:
    """make_sr() arguments for a request that the queue ``slug`` lists for ``user``."""
    now = timezone.now()
    values = {
        "state": S.PENDING,
        "assigned_to_user": user,
        "assigned_to_unit": demo["unit"],
        "owned_by_group": demo["group"],
        "privacy_level": demo["public"],
        "priority": "P3",
        "expected_completion_date": now + timedelta(days=2),
        "description": "Row",
    }
    if slug == "unassigned":
        values.update(assigned_to_user=None, assigned_to_unit=None)
    elif slug == "awaiting-acceptance":
        values.update(state=S.RESPONDED, response="CONF")
    elif slug == "close-to-completion":
        values["approaching_completion"] = now - timedelta(hours=1)
    elif slug == "overdue":
        values["expected_completion_date"] = now - timedelta(days=1)
    elif slug == "recently-completed":
        values.update(state=S.COMPLETED, completed_date=now - timedelta(days=1))
    elif slug == "at-risk":
        values["sla_at_risk_date"] = now - timedelta(hours=1)
    elif slug == "breached":
        values["expected_completion_date"] = now - timedelta(hours=1)
    return values


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


def add_events(rows, user, count: int = 1) -> None:
    now = timezone.now()
    sm.ServiceRequestEvent.objects.bulk_create(
        sm.ServiceRequestEvent(
            service_request=row,
            action="create" if i == 0 else "update",
            from_state=None if i == 0 else row.life_cycle_state,
            from_status=None if i == 0 else row.status,
            to_state=row.life_cycle_state,
            to_status=row.status,
            user=user,
            created_at=now + timedelta(seconds=i),
            note=f"Note {i}",
        )
        for row in rows
        for i in range(count)
    )


def populate(slug: str, count: int, user, demo, first=None) -> sm.ServiceRequest:
    """``count`` requests that queue ``slug`` lists, each with a service, two goods, a
    relation and an event."""
    new = []
    if first is None:
        values = in_queue(slug, user, demo)
        first = make_sr(values.pop("state"), **values)
        new, count = [first], count - 1
    start = sm.ServiceRequest.objects.filter(number__startswith=f"{first.number}-").count()
    rows = [*new, *clone(first, count, start)]
    other = make_sr(S.CANCELLED)
    add_sets(rows, related_to=other)
    add_events(rows, user)
    return first


def measure(client: Client, url: str, **headers) -> tuple[int, str, list[str]]:
    """Queries of one page view, navigation counts included (their cache emptied first)."""
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    sqls = [q["sql"] for q in queries.captured_queries]
    return len(sqls), response.content.decode(), sqls


def rows_of(page: str) -> list[str]:
    return ROW.findall(page)


def error_next_to(page: str, field_id: str) -> str:
    """The text of the error paragraph of the field ``field_id``."""
    match = re.search(rf'<p class="error" id="{field_id}_error" role="alert">([^<]*)</p>', page)
    assert match, f"no error next to {field_id}"
    return html.unescape(match.group(1))


# -- query counts -------------------------------------------------------------------------------

# Admin: session, user, the user's clearance and the levels it sees (4), the page of rows (1),
# the navigation (10 + 4 capped counts, the user's groups for My groups, the user behind My
# queue's assignee filter, the paused requests At risk and Breached look up first: 16),
# unread notifications (1), the filter form's four choice lists and the bulk form's users
# and groups (6). The agent adds its permissions and groups (3).
QUEUE_QUERIES = {"admin": 30, "agent": 33}
# The page's own filters look up the user (My queue) or the user's groups (My groups) again,
# or the paused requests (At risk, Breached: sla.clock.status_filter).
OWN_LOOKUP = {"mine": 1, "my-groups": 1, "at-risk": 1, "breached": 1}
# The table alone, as the 30-second refresh asks for it: no filter form, and no bulk form
# (its users and groups), which stays on the page outside the refreshed table.
HTMX_QUERIES = {"admin": 24, "agent": 27}


@pytest.mark.parametrize("who", ["admin", "agent"])
@pytest.mark.parametrize("slug", list(QUEUES))
def test_queue_query_count_is_the_same_for_5_and_200_rows(demo, slug, who):
    client = Client()
    client.force_login(demo[who])
    url = reverse("sr-queue", args=[slug])
    first = populate(slug, 5, demo[who], demo)

    few, page, _ = measure(client, url)
    assert len(rows_of(page)) == 5
    assert first.number in rows_of(page)

    populate(slug, 195, demo[who], demo, first=first)
    many, page, sqls = measure(client, url)
    assert len(rows_of(page)) == PAGE_SIZE
    assert 'rel="next"' in page
    assert few == many == QUEUE_QUERIES[who] + OWN_LOOKUP.get(slug, 0), "\n".join(sqls)


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_htmx_refresh_query_count_is_the_same_for_5_and_200_rows(demo, who):
    client = Client()
    client.force_login(demo[who])
    url = reverse("sr-queue", args=["pending"]) + "?priority=P3&sort=number"
    first = populate("pending", 5, demo[who], demo)
    few, page, _ = measure(client, url, HTTP_HX_REQUEST="true")
    assert page.lstrip().startswith('<div id="queue"')
    assert len(rows_of(page)) == 5
    populate("pending", 195, demo[who], demo, first=first)
    many, page, sqls = measure(client, url, HTTP_HX_REQUEST="true")
    assert len(rows_of(page)) == PAGE_SIZE
    assert few == many == HTMX_QUERIES[who], "\n".join(sqls)


def detail_with(count: int, state: str, demo, **step) -> sm.ServiceRequest:
    """A request with ``count`` of each: events, services, goods, related requests, jobs."""
    admin = demo["admin"]
    sr = make_sr(
        state,
        assigned_to_user=admin,
        assigned_to_unit=demo["unit"],
        owned_by_group=demo["group"],
        privacy_level=demo["public"],
        referring_to_subscription_id="1C921100E32646208E95B3B1263BC5F9",  # S60993
        description="Detail",
        **step,
    )
    add_events([sr], admin, count)
    kind = ProductType.objects.get(name="One Time Services - Flat")
    products = Product.objects.bulk_create(
        Product(code=f"{sr.number} service {i}", product_type=kind) for i in range(count)
    )
    sm.ServiceRequestService.objects.bulk_create(
        sm.ServiceRequestService(service_request=sr, product=p) for p in products
    )
    good = Product.objects.get(code="Decoders 1")
    sm.ServiceRequestPhysicalGood.objects.bulk_create(
        sm.ServiceRequestPhysicalGood(service_request=sr, product=good, serial_number=f"D{i}")
        for i in range(count)
    )
    others = clone(make_sr(S.CANCELLED), count)
    sm.ServiceRequestRelation.objects.bulk_create(
        sm.ServiceRequestRelation(service_request=sr, related=o) for o in others
    )
    demo_job = jm.Job.objects.get(number="JOB000814")
    values = {
        f.attname: getattr(demo_job, f.attname)
        for f in jm.Job._meta.concrete_fields
        if f.name not in ("id", "number", "service_request")
    }
    jm.Job.objects.bulk_create(
        jm.Job(**values, number=f"J{sr.number[2:]}-{i:03d}", service_request=sr)
        for i in range(count)
    )
    return sr


# Session, user, clearance (4), the request with its five prefetches (events, services,
# goods, relations, jobs: 6), what the offered forms list (statuses, categories, users,
# contacts, reasons: depends on the state), navigation (18) and unread notifications (1).
# A state that offers a step to another state adds the type's states with a status (1), so
# that a step which could never succeed is not offered. An open request asks whether its
# state has another status (1), and if so lists them for "Change status" (1).
DETAIL_QUERIES = {
    ("PENDING", "admin"): 44,
    ("RESPONDED", "admin"): 37,
    ("FINAL_RESOLVED", "admin"): 36,
    ("COMPLETED", "admin"): 29,
    ("PENDING", "agent"): 47,
}
DETAIL_STEPS = {
    "PENDING": {},
    "RESPONDED": {"response": "CONF"},
    "FINAL_RESOLVED": {"final": "RPC"},
    "COMPLETED": {"accepted": ("response", "final_resolution")},
}


@pytest.mark.parametrize(("state", "who"), list(DETAIL_QUERIES))
def test_detail_query_count_is_the_same_for_5_and_200_rows(demo, state, who):
    client = Client()
    client.force_login(demo[who])
    few_sr = detail_with(5, state, demo, **DETAIL_STEPS[state])
    many_sr = detail_with(200, state, demo, **DETAIL_STEPS[state])

    few, page, _ = measure(client, reverse("sr-detail", args=[few_sr.number]))
    assert page.count('class="timeline__item"') == 5
    many, page, sqls = measure(client, reverse("sr-detail", args=[many_sr.number]))
    assert page.count('class="timeline__item"') == 200
    assert page.count(f">J{many_sr.number[2:]}-") == 200  # each a link to the job
    assert few == many == DETAIL_QUERIES[(state, who)], "\n".join(sqls)


def test_the_detail_query_plans_quickly_on_postgresql(demo):
    if not is_postgresql():
        pytest.skip("PostgreSQL's planner: SQLite plans the same joins at once")
    sr = make_sr()
    with CaptureQueriesContext(connection) as queries:
        assert service_request_detail(user=demo["admin"], number=sr.number) == sr
    sql = max((q["sql"] for q in queries.captured_queries), key=lambda s: s.count(" JOIN "))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (SUMMARY, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert plan[0]["Planning Time"] < 200  # milliseconds


# -- sign-in and visibility ---------------------------------------------------------------------


def staff_urls(number: str) -> list[str]:
    return [
        reverse("sr-queue-default"),
        *[reverse("sr-queue", args=[slug]) for slug in QUEUES],
        reverse("sr-detail", args=[number]),
        reverse("sr-create"),
        reverse("notifications"),
    ]


def test_every_page_requires_sign_in(client, demo):
    sr = make_sr()
    for url in staff_urls(sr.number):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}", url
    for url in (
        reverse("sr-action", args=[sr.number, "cancel"]),
        reverse("sr-take", args=[sr.number]),
        reverse("sr-bulk"),
    ):
        response = client.post(url, {"selected": [sr.number], "operation": "cancel"})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert sm.ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == S.PENDING


def test_sign_in_lands_on_my_queue_and_sign_out_ends_it(client, demo):
    response = client.post("/accounts/login/", {"username": "agent", "password": "demo"})
    assert response["Location"] == "/requests/"
    page = client.get("/requests/", follow=True).content.decode()
    assert "<h1>My queue</h1>" in page
    client.post(reverse("logout"))
    assert client.get("/requests/")["Location"] == "/accounts/login/?next=/requests/"


def test_the_agent_does_not_see_a_restricted_request(admin_client, agent_client, demo):
    public = make_sr(privacy_level=demo["public"], assigned_to_user=demo["agent"])
    restricted = make_sr(privacy_level=demo["restricted"], assigned_to_user=demo["agent"])
    for slug in ("pending", "mine"):
        url = reverse("sr-queue", args=[slug])
        assert rows_of(agent_client.get(url).content.decode()) == [public.number]
    url = reverse("sr-queue", args=["pending"]) + "?sort=number"
    assert rows_of(admin_client.get(url).content.decode()) == [public.number, restricted.number]
    search = reverse("sr-queue", args=["pending"]) + f"?q={restricted.number}"
    assert rows_of(agent_client.get(search).content.decode()) == []
    assert agent_client.get(reverse("sr-detail", args=[restricted.number])).status_code == 404
    assert admin_client.get(reverse("sr-detail", args=[restricted.number])).status_code == 200
    response = agent_client.post(
        reverse("sr-action", args=[restricted.number, "cancel"]),
        {"cancel-status": sm.ServiceRequestStatus.objects.get(name="Cancel").pk},
    )
    assert response.status_code == 404
    # A bulk selection of it is ignored, not applied.
    agent_client.post(reverse("sr-bulk"), {"selected": [restricted.number], "operation": "cancel"})
    assert sm.ServiceRequest.objects.get(pk=restricted.pk).life_cycle_state == S.PENDING


# -- paging and sorting -------------------------------------------------------------------------


def test_keyset_pages_follow_the_next_link_without_counting(admin_client, demo):
    first = make_sr(privacy_level=demo["public"])
    clone(first, 59)
    expected = sorted(
        sm.ServiceRequest.objects.filter(number__startswith=first.number).values_list(
            "number", flat=True
        )
    )
    assert len(expected) == 60
    url = reverse("sr-queue", args=["pending"]) + "?sort=number"
    seen, pages = [], 0
    while url:
        clear_cache()
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get(url).content.decode()
        pages += 1
        seen += rows_of(page)
        for query in queries.captured_queries:
            sql = query["sql"].upper()
            # Only the navigation counts count, and only up to their cap.
            assert "COUNT(" not in sql or "LIMIT 100" in sql, sql
        link = NEXT.search(page)
        url = (reverse("sr-queue", args=["pending"]) + html.unescape(link.group(1))) if link else ""
        if pages > 1:
            assert 'rel="prev"' in page
            assert ">First page</a>" in page
    assert pages == 3
    assert seen == expected  # in order, none twice, none missed


def test_previous_link_goes_back_to_the_same_rows(admin_client, demo):
    first = make_sr(privacy_level=demo["public"])
    clone(first, 30)
    base = reverse("sr-queue", args=["pending"])
    page1 = admin_client.get(base + "?sort=-number").content.decode()
    page2 = admin_client.get(base + html.unescape(NEXT.search(page1).group(1))).content.decode()
    assert len(rows_of(page2)) == 31 - PAGE_SIZE
    previous = re.search(r'href="([^"]*)" rel="prev"', page2).group(1)
    back = admin_client.get(base + html.unescape(previous)).content.decode()
    assert rows_of(back) == rows_of(page1)


def test_sorting_links_toggle_the_order(admin_client, demo):
    now = timezone.now()
    rows = [
        make_sr(expected_completion_date=now + timedelta(days=d), privacy_level=demo["public"])
        for d in (3, 1, 2)
    ]
    rows.append(make_sr(expected_completion_date=None))
    by_number = [r.number for r in rows]
    by_expected = [rows[1].number, rows[2].number, rows[0].number, rows[3].number]
    base = reverse("sr-queue", args=["pending"])

    page = admin_client.get(base).content.decode()  # the queue's own order: expected, nulls last
    assert rows_of(page) == by_expected
    assert re.search(r'aria-sort="ascending">\s*<a href="\?sort=-expected"', page)

    page = admin_client.get(base + "?sort=-expected").content.decode()
    assert rows_of(page) == [rows[0].number, rows[2].number, rows[1].number, rows[3].number]
    assert re.search(r'aria-sort="descending">\s*<a href="\?sort=expected"', page)

    page = admin_client.get(base + "?sort=number").content.decode()
    assert rows_of(page) == by_number
    assert re.search(r'aria-sort="ascending">\s*<a href="\?sort=-number"', page)
    assert rows_of(admin_client.get(base + "?sort=-number").content.decode()) == by_number[::-1]
    # The filters stay in the sorting links and in the 30-second refresh.
    page = admin_client.get(base + "?priority=P3&sort=number").content.decode()
    assert 'href="?priority=P3&amp;sort=-number"' in page
    assert 'hx-get="/requests/queue/pending/?priority=P3&amp;sort=number"' in page


def test_filters_and_search(admin_client, demo):
    complaint = make_sr(type=sm.ServiceRequestType.objects.get(name="Customer Complaint"))
    support = make_sr()
    base = reverse("sr-queue", args=["pending"])
    page = admin_client.get(base + f"?type={complaint.type_id}").content.decode()
    assert rows_of(page) == [complaint.number]
    assert rows_of(admin_client.get(base + f"?q={support.number}").content.decode()) == [
        support.number
    ]
    by_account = set(rows_of(admin_client.get(base + "?q=acr001143").content.decode()))
    assert by_account == {complaint.number, support.number}
    # A hand-edited filter value shows the queue unfiltered, and says so.
    page = admin_client.get(base + "?priority=P9", follow=True).content.decode()
    assert "Filter ignored: The filter priority is invalid." in html.unescape(page)
    assert set(rows_of(page)) == {complaint.number, support.number}


# -- actions ------------------------------------------------------------------------------------


def snapshot(sr: sm.ServiceRequest) -> dict:
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    return {
        "row": {f.attname: getattr(row, f.attname) for f in sm.ServiceRequest._meta.fields},
        "events": list(row.events.values()),
    }


def test_an_action_goes_through_the_service_and_back_to_the_page(admin_client, demo):
    sr = make_sr()
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    ack = sm.ResponseCategory.objects.get(code="ACK")
    responded = sm.ServiceRequestStatus.objects.get(name="Responded")
    # Prefilled: the type's default status, the signed-in user, now.
    assert f'<option value="{responded.pk}" selected>Responded</option>' in page
    assert f'<option value="{demo["admin"].pk}" selected>' in page
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "respond"]),
        {
            "respond-status": responded.pk,
            "respond-category": ack.pk,
            "respond-by": demo["admin"].pk,
            "respond-date": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "respond-notes": "Called back",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sr-detail", args=[sr.number])
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (row.life_cycle_state, row.status, row.response_category) == (
        S.RESPONDED,
        responded,
        ack,
    )
    page = admin_client.get(response["Location"]).content.decode()
    assert "Response recorded." in page
    assert "<strong>Respond</strong>" in page
    assert '<p class="note">Called back</p>' in page


def test_a_refused_action_shows_the_error_next_to_the_field(admin_client, demo):
    complaint = sm.ServiceRequestType.objects.get(name="Customer Complaint")
    assert complaint.email_customer_on_status_change
    sr = make_sr(type=complaint, caller_email="m_antoniadou@crm.com")
    before = snapshot(sr)
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "edit"]),
        {
            "edit-description": "Changed",
            "edit-category": sr.category_id,
            "edit-urgency_level": "URGENCY1",
            "edit-impact_level": "IMPACT1",
            "edit-caller_email": "",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert error_next_to(page, "id_edit-caller_email") == (
        "Customer Complaint emails the caller; caller_email is mandatory."
    )
    # The form keeps what was typed.
    assert ">\nChanged</textarea>" in page
    assert snapshot(sr) == before


def test_a_refused_step_shows_the_error_of_the_field(admin_client, demo):
    """A status of another state (a tampered form) is refused by the form, next to it."""
    sr = make_sr()
    before = snapshot(sr)
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "respond"]),
        {
            "respond-status": sm.ServiceRequestStatus.objects.get(name="Completed").pk,
            "respond-category": sm.ResponseCategory.objects.get(code="ACK").pk,
            "respond-by": demo["admin"].pk,
            "respond-date": "2030-01-01T10:00",
        },
    )
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), "id_respond-status") == (
        "Select a valid choice. That choice is not one of the available choices."
    )
    assert snapshot(sr) == before


def test_an_action_waiting_for_acceptance_is_shown_blocked(admin_client, demo):
    sr = make_sr(S.RESPONDED, response="CONF")
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    blocked = re.search(
        r'id="action-temporary_resolve">\s*<h2>[^<]*</h2>\s*(.*?)</section>', page, re.S
    )
    assert '<p class="muted">The customer must accept the response first.</p>' in blocked.group(1)
    assert "<form" not in blocked.group(1)
    assert f'action="/requests/{sr.number}/response_accept/"' in page
    assert "Awaiting the customer's acceptance" in page


def test_a_stale_page_refused_by_the_life_cycle_shows_why(admin_client, demo):
    sr = make_sr()
    form = {
        "respond-status": sm.ServiceRequestStatus.objects.get(name="Responded").pk,
        "respond-category": sm.ResponseCategory.objects.get(code="ACK").pk,
        "respond-by": demo["admin"].pk,
        "respond-date": "2030-01-01T10:00",
    }
    # Another tab cancels it first.
    admin_client.post(
        reverse("sr-action", args=[sr.number, "cancel"]),
        {"cancel-status": sm.ServiceRequestStatus.objects.get(name="Cancel").pk, "confirmed": "1"},
    )
    before = snapshot(sr)
    response = admin_client.post(reverse("sr-action", args=[sr.number, "respond"]), form)
    assert response.status_code == 422
    assert snapshot(sr) == before
    assert f"Respond is not allowed for {sr.number} in state CANCELLED." in html.unescape(
        response.content.decode()
    )


def test_unknown_action_is_404(admin_client, demo):
    sr = make_sr()
    assert admin_client.post(reverse("sr-action", args=[sr.number, "delete"])).status_code == 404
    assert admin_client.get(reverse("sr-action", args=[sr.number, "delete"])).status_code == 404


def test_take_assigns_to_me(agent_client, demo):
    sr = make_sr(privacy_level=demo["public"])
    response = agent_client.post(reverse("sr-take", args=[sr.number]), follow=True)
    assert f"{sr.number} is now assigned to you." in response.content.decode()
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (row.assigned_to_user, row.assigned_to_unit) == (demo["agent"], demo["unit"])


# -- bulk actions -------------------------------------------------------------------------------


def test_bulk_assign_to_a_user_and_to_a_group(admin_client, demo):
    rows = [make_sr(), make_sr(), make_sr()]
    response = admin_client.post(
        reverse("sr-bulk"),
        {
            "selected": [rows[0].number, rows[1].number],
            "operation": "assign_user",
            "user": demo["agent"].pk,
            "next": "/requests/queue/pending/?sort=number",
        },
    )
    assert response["Location"] == "/requests/queue/pending/?sort=number"
    assigned = dict(sm.ServiceRequest.objects.values_list("number", "assigned_to_user"))
    assert [assigned[r.number] for r in rows] == [demo["agent"].pk, demo["agent"].pk, None]
    page = admin_client.get(response["Location"]).content.decode()
    assert "2 requests updated." in page

    admin_client.post(
        reverse("sr-bulk"),
        {"selected": [rows[2].number], "operation": "assign_group", "group": demo["group"].pk},
    )
    assert sm.ServiceRequest.objects.get(pk=rows[2].pk).owned_by_group == demo["group"]


def test_bulk_cancel_cancels_the_pending_and_refuses_the_others(admin_client, demo):
    pending = [make_sr(), make_sr()]
    responded = make_sr(S.RESPONDED)
    before = snapshot(responded)
    response = admin_client.post(
        reverse("sr-bulk"),
        {
            "selected": [*(r.number for r in pending), responded.number],
            "operation": "cancel",
            "confirmed": "1",
        },
        follow=True,
    )
    page = html.unescape(response.content.decode())
    assert "2 requests updated." in page
    assert f"{responded.number}: Cancel is not allowed for {responded.number} in state " in page
    states = [sm.ServiceRequest.objects.get(pk=r.pk).life_cycle_state for r in pending]
    assert states == [S.CANCELLED, S.CANCELLED]
    assert sm.ServiceRequest.objects.get(pk=pending[0].pk).cancellation_reason.name == (
        "Cancellation Reason A"
    )
    assert snapshot(responded) == before


# -- create and notifications -------------------------------------------------------------------


def create_form(**values) -> dict:
    """What the browser sends: every field of the create form, as the page left it."""
    form = {
        "type": "",
        "account": "",
        "caller": "",
        "status": "",
        "category": "",
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
        "description": "",
        "caller_email": "",
        "assign_to_me": "on",
    }
    form.update(values)
    return form


def test_create_form_offers_the_types_choices(admin_client, demo):
    support = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = admin_client.get(reverse("sr-create")).content.decode()
    assert '<input type="checkbox" name="assign_to_me" id="id_assign_to_me" checked>' in page
    assert '<option value="URGENCY2" selected>' in page
    # Choosing the type asks for the form again (htmx), with what the form holds so far.
    page = admin_client.get(
        reverse("sr-create"), create_form(type=support.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    statuses = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    assert re.findall(r">([^<>]+)</option>", statuses) == [
        "---------",
        "On Hold (pauses the clock)",
        "Pending",
        "Waiting for Customer",
    ]
    service = Product.objects.get(code="Material Delivery")
    assert f'<option value="{service.pk}">Material Delivery</option>' in page
    assert 'class="error"' not in page
    assert '<input type="checkbox" name="assign_to_me" id="id_assign_to_me" checked>' in page

    response = admin_client.post(
        reverse("sr-create"),
        create_form(
            type=support.pk,
            account="acr001143",
            status=sm.ServiceRequestStatus.objects.get(name="Pending").pk,
            category=sm.ServiceRequestCategory.objects.get(code="TECH").pk,
            services=[service.pk],
        ),
    )
    assert response.status_code == 302
    sr = sm.ServiceRequest.objects.get(number=response["Location"].split("/")[2])
    assert (sr.assigned_to_user, sr.caller) == (demo["admin"], sr.accounts_receivable.owner)
    assert [s.product.code for s in sr.services.all()] == ["Material Delivery"]

    response = admin_client.post(reverse("sr-create"), create_form(type=support.pk, account="A0"))
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), "id_account") == "No account A0."


def test_choosing_a_type_preselects_its_default_status(admin_client, demo):
    support = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = admin_client.get(
        reverse("sr-create"), create_form(type=support.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    pending = sm.ServiceRequestStatus.objects.get(name="Pending")
    assert f'<option value="{pending.pk}" selected>Pending</option>' in page


def test_editing_the_description_keeps_the_expected_completion_and_the_flags(admin_client, demo):
    now = timezone.now()
    expected = (now - timedelta(hours=2)).replace(second=37, microsecond=120000)
    sr = make_sr(
        start_date=now - timedelta(days=1),
        expected_completion_date=expected,
        approaching_completion=now - timedelta(hours=5),
        overdue_flagged_at=now - timedelta(hours=1),
    )
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    shown = re.search(r'name="edit-expected_completion_date" value="([^"]*)"', page).group(1)
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "edit"]),
        {
            "edit-description": "Only this changes",
            "edit-category": sr.category_id,
            "edit-urgency_level": sr.urgency_level,
            "edit-impact_level": sr.impact_level,
            "edit-expected_completion_date": shown,
            "edit-caller_email": sr.caller_email or "",
        },
    )
    assert response.status_code == 302
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert row.description == "Only this changes"
    assert (row.expected_completion_date, row.approaching_completion, row.overdue_flagged_at) == (
        sr.expected_completion_date,
        sr.approaching_completion,
        sr.overdue_flagged_at,
    )


def test_notifications_show_the_unread_count(admin_client, demo):
    sr = make_sr()
    for n, read in enumerate((None, None, timezone.now())):
        Notification.objects.create(
            user=demo["admin"],
            kind=Notification.Kind.APPROACHING,
            service_request=sr,
            message=f"{sr.number} approaches its expected completion ({n})",
            key=f"test:{n}",
            created_at=timezone.now() - timedelta(minutes=n),
            read_at=read,
        )
    page = admin_client.get(reverse("notifications")).content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert '<span class="count count--alert">2</span>' in page
    assert page.count("notification--unread") == 2
    response = admin_client.post(reverse("notifications"), {"all": "1"}, follow=True)
    page = response.content.decode()
    assert "2 notification(s) marked as read." in page
    assert "count--alert" not in page
