"""The staff pages for service requests through the Django test client: a constant number of
queries on every queue, on the htmx refresh of a queue's table and on the detail page (5 rows or
200), and a detail query that PostgreSQL plans quickly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs import models as jm
from products.models import Product, ProductType
from servicerequests import models as sm
from servicerequests.queues import QUEUES
from servicerequests.selectors import service_request_detail
from servicerequests.views import PAGE_SIZE
from tests.conftest import clear_cache, is_postgresql
from tests.servicerequests.helpers import S, make_sr
from tests.servicerequests.page_helpers import clone, rows_of
from tests.servicerequests.test_query_counts import add_sets

pytestmark = pytest.mark.django_db


# -- helpers ------------------------------------------------------------------------------------


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


# -- query counts -------------------------------------------------------------------------------

# Admin: session, user, the user's clearance and the levels it sees (4), the page of rows and
# its capped total (2), the navigation (11 + 5 capped counts, All requests and All jobs
# among them, the user's groups for My groups, the user behind My queue's assignee filter,
# the paused requests At risk and Breached look up first: 18), unread notifications (1), the
# sidebar's saved views (2), the filter form's five
# choice lists (statuses, types, categories, users, groups) and the bulk form's users and
# groups (7). The agent adds its permissions and groups (3).
QUEUE_QUERIES = {"admin": 36, "agent": 39}
# The page's own filters look up the user (My queue) or the user's groups (My groups) again,
# or the paused requests (At risk, Breached: sla.clock.status_filter).
OWN_LOOKUP = {"mine": 1, "my-groups": 1, "at-risk": 1, "breached": 1}
# The table alone, as the 30-second refresh asks for it: no filter form, and no bulk form
# (its users and groups), which stays on the page outside the refreshed table.
HTMX_QUERIES = {"admin": 27, "agent": 30}


@pytest.mark.parametrize("who", ["admin", "agent"])
@pytest.mark.parametrize("slug", list(QUEUES))
def test_queue_query_count_is_the_same_for_5_and_200_rows(demo, slug, who):
    client = Client()
    client.force_login(demo[who])
    url = reverse("sr-queue", args=[slug])
    first = populate(slug, 5, demo[who], demo)

    few, page, _ = measure(client, url)
    # All requests lists the cancelled request each populate() relates its rows to, too.
    assert len(rows_of(page)) == 5 + (slug == "all")
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
# contacts, reasons: depends on the state), navigation (20: 16 capped counts, All requests
# and All jobs among them), the sidebar's saved views (1) and unread notifications (1),
# after opening the request marked the viewer's notifications about it read (1). A state
# that offers a step to another state adds the type's states with a status (1), so that a
# step which could never succeed is not offered. An open request asks whether its state
# has another status (1), and if so lists them for "Change status" (1).
DETAIL_QUERIES = {
    ("PENDING", "admin"): 48,
    ("RESPONDED", "admin"): 41,
    ("FINAL_RESOLVED", "admin"): 40,
    ("COMPLETED", "admin"): 33,
    ("PENDING", "agent"): 51,
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
