"""The customer history pages cost the same number of queries with a few rows or many, and
their count queries stay within the customer's rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.models import JobLifeCycleState as J
from servicerequests.models import LifeCycleState as S
from tests.conftest import clear_cache
from tests.customers.helpers import counts, customer, job_of, numbers, request_of, sections

pytestmark = pytest.mark.django_db

REQUEST_STATES = (S.PENDING, S.RESPONDED, S.COMPLETED, S.CANCELLED)
JOB_STATES = (J.DRAFT, J.PENDING, J.CANCELLED)


def add_rows(c: dict, count: int, start: int = 0) -> None:
    """``count`` requests and ``count`` jobs of the customer's account, in turn in several
    states (from the ``start``-th), each called in by (or naming) the owner."""
    for i in range(start, start + count):
        request_of(c["account"], REQUEST_STATES[i % len(REQUEST_STATES)])
        job_of(c["account"], JOB_STATES[i % len(JOB_STATES)], contact_phone="555-0100")


def measure(client: Client, url: str) -> tuple[int, str, list[str]]:
    """Queries of one page view, the navigation's counts included (their cache emptied)."""
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    sqls = [q["sql"] for q in queries.captured_queries]
    return len(sqls), response.content.decode(), sqls


# Session and user (2; the agent's permissions: +2), the customer with its people (account:
# 2) or its accounts (contact: 3), the viewer's clearance and groups (admin 2, agent 3), each
# list's counts by state and its page of rows (4), and what every staff page shows: the
# navigation's counts and lookups, unread notifications and saved views (22). Rows add none.
PAGES = {
    ("account", "admin"): 32,
    ("account", "agent"): 35,
    ("contact", "admin"): 33,
    ("contact", "agent"): 36,
}


def url_of(page: str, c: dict) -> str:
    if page == "account":
        return reverse("customer-account", args=[c["account"].number])
    return reverse("customer-contact", args=[c["owner"].pk])


@pytest.mark.parametrize(("page", "who"), list(PAGES))
def test_the_query_count_is_the_same_for_5_and_60_rows(demo, page, who):
    c = customer()
    client = Client()
    client.force_login(demo[who])
    url = url_of(page, c) + "?sr_state=PENDING"

    add_rows(c, 5)
    few, html, _ = measure(client, url)
    lists = sections(html)
    assert counts(lists["sr"])[""] == 5
    assert len(numbers(lists["job"])) == 5

    add_rows(c, 55, start=5)
    many, html, sqls = measure(client, url)
    lists = sections(html)
    assert counts(lists["sr"])[""] == 60
    assert counts(lists["sr"])[S.PENDING] == 15
    assert len(numbers(lists["sr"])) == 15
    assert len(numbers(lists["job"])) == 25
    assert few == many == PAGES[(page, who)], "\n".join(sqls)


def test_the_counts_read_only_the_customers_rows(demo):
    """One grouped query per list, narrowed to the customer: never a count of the table."""
    c = customer()
    add_rows(c, 3)
    client = Client()
    client.force_login(demo["admin"])
    for page in ("account", "contact"):
        _, _, sqls = measure(client, url_of(page, c))
        grouped = [sql for sql in sqls if "GROUP BY" in sql and "life_cycle_state" in sql]
        assert len(grouped) == 2
        for sql in grouped:
            assert "accounts_receivable_id" in sql or "caller_id" in sql
