"""The header search (contract section 13): the box on every staff page, and the results page
it opens, which lists what the Web API's searches give, in their order, with the same
visibility; too short a query gets a message, not an error page; a constant number of
queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.search_views import PAGE_SIZE
from tests.servicerequests.helpers import make_job
from tests.servicerequests.page_helpers import clone
from tests.servicerequests.search_rows import EXPECTED, search_rows

pytestmark = pytest.mark.django_db

SEARCH_BOX = re.compile(
    r'<form class="topbar__search" role="search" method="get" action="/search/">\s*'
    r'<label for="header-search" class="visually-hidden">Search requests and jobs</label>\s*'
    r'<input type="search" id="header-search" name="q"'
)
REQUEST_LINK = re.compile(r'<a href="/requests/([^/"]+)/">')
JOB_LINK = re.compile(r'<a href="/jobs/([^/"]+)/">')


@pytest.fixture
def rows(demo):
    return search_rows(demo)


@pytest.fixture
def agent_client(demo) -> Client:
    client = Client()
    client.force_login(demo["agent"])
    return client


def results(client, query: str, **params) -> tuple[list[str], list[str], str]:
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    page = response.content.decode()
    return REQUEST_LINK.findall(page), JOB_LINK.findall(page), page


@pytest.mark.parametrize(
    "path", ["/requests/", "/requests/queue/pending/", "/jobs/", "/notifications/", "/search/"]
)
def test_every_staff_page_has_the_search_box(admin_client, rows, path):
    page = admin_client.get(path).content.decode()
    assert len(SEARCH_BOX.findall(page)) == 1, path


def test_a_detail_page_has_it_too(admin_client, rows):
    for path in [f"/requests/{rows['r2'].number}/", "/jobs/JOB000814/"]:
        assert len(SEARCH_BOX.findall(admin_client.get(path).content.decode())) == 1, path


def test_signed_out_pages_have_no_search_box(client, demo):
    assert not SEARCH_BOX.search(client.get("/accounts/login/").content.decode())
    response = client.get("/search/", {"q": "router"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/search/")


@pytest.mark.parametrize("template", list(EXPECTED))
def test_results_are_the_apis_in_the_same_order(admin_client, api, rows, template):
    query = template.format(**{name: sr.number for name, sr in rows.items()})
    requests, _jobs, _page = results(admin_client, query)
    api_numbers = [
        row["number"]
        for row in api.get(
            "service_requests/search", {"query": query, "number_of_results": PAGE_SIZE}
        ).data
    ]
    assert requests == api_numbers == [rows[name].number for name in EXPECTED[template]]


@pytest.mark.parametrize("query", ["router", "ACR001143", "{r4}"])
def test_the_agent_sees_what_the_api_shows_the_agent(agent_client, agent_api, rows, query):
    query = query.format(r4=rows["r4"].number)
    requests, _jobs, page = results(agent_client, query)
    api_numbers = [
        row["number"] for row in agent_api.get("service_requests/search", {"query": query}).data
    ]
    assert requests == api_numbers
    assert rows["r4"].number not in requests
    assert f'href="/requests/{rows["r4"].number}/"' not in page
    assert "Router replaced" not in page  # not a hint of the restricted request


def test_jobs_are_listed_as_jobs_search_gives_them(admin_client, api, rows):
    _requests, jobs, _page = results(admin_client, "99626262")
    api_jobs = [row["number"] for row in api.get("jobs/search", {"query": "99626262"}).data]
    assert jobs == api_jobs == ["JOB000814"]


def test_each_row_shows_number_subject_status_state_assignee_due(admin_client, rows, demo):
    sm_row = rows["r1"]
    sm_row.assigned_to_user = demo["admin"]
    sm_row.save(update_fields=["assigned_to_user"])
    _requests, _jobs, page = results(admin_client, "decoder")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    text = [re.sub(r"<[^>]+>", " ", cell).split() for cell in cells[:6]]
    assert text[0] == [sm_row.number]
    assert text[1] == ["Decoder", "shows", "no", "signal"]  # the description's first line
    assert text[2] == ["Completed"]
    assert text[3] == ["Completed"]
    assert text[4] == ["Marios", "Lannister"]
    assert text[5][0] == timezone.localtime(sm_row.expected_completion_date).strftime("%Y-%m-%d")


def test_a_cancelled_request_and_one_completed_long_ago_are_found(admin_client, rows):
    old = rows["r1"]
    old.completed_date = timezone.now() - timedelta(days=400)
    old.save(update_fields=["completed_date"])
    requests, _jobs, page = results(admin_client, "Anton")
    assert requests == [rows[name].number for name in ("r5", "r4", "r3", "r2", "r1")]
    assert page.count("<td>Cancelled</td>") == 1
    assert page.count("<td>Completed</td>") == 2  # r1's status and state


@pytest.mark.parametrize("query", ["a", " x ", "é"])
def test_one_character_gets_a_clear_message(admin_client, rows, query):
    requests, jobs, page = results(admin_client, query)
    assert requests == jobs == []
    assert '<p class="message message--error search-error" role="alert">' in page
    assert "Type at least 2 characters to search." in page


def test_no_results_says_so(admin_client, rows):
    requests, jobs, page = results(admin_client, "zzzz")
    assert requests == jobs == []
    assert "No service requests match “zzzz”." in page
    assert "No jobs match “zzzz”." in page


def test_an_empty_search_explains_what_it_finds(admin_client, rows):
    requests, jobs, page = results(admin_client, "")
    assert requests == jobs == []
    assert "Type a request or job number" in page


def test_pages_of_results_follow_the_apis_pages(admin_client, api, rows):
    clone(rows["r3"], PAGE_SIZE + 5)
    first, _jobs, page = results(admin_client, "router")
    assert len(first) == PAGE_SIZE
    assert 'href="?q=router&amp;sr_page=2" rel="next"' in page
    second, _jobs, page = results(admin_client, "router", sr_page="2")
    api_numbers = [
        row["number"] for row in api.get("service_requests/search", {"query": "router"}).data
    ]
    assert first + second == api_numbers[: len(first) + len(second)]
    assert len(second) == 7  # r4, r3 and the 30 copies: 32 in all
    assert 'rel="prev"' in page
    assert 'rel="next"' not in page


@pytest.mark.parametrize("bad", ["0", "-1", "x", "999999"])
def test_a_bad_page_number_is_the_first_page(admin_client, rows, bad):
    requests, _jobs, _page = results(admin_client, "router", sr_page=bad)
    assert requests == [rows["r4"].number, rows["r3"].number]


def count_queries(client, query: str) -> int:
    client.get("/requests/")  # the navigation's counts, cached for a few seconds
    with CaptureQueriesContext(connection) as queries:
        results(client, query)
    return len(queries.captured_queries)


def test_query_count_is_the_same_for_few_and_many_rows(admin_client, agent_client, rows):
    few, agent_few = count_queries(admin_client, "Anton"), count_queries(agent_client, "Anton")
    clone(rows["r3"], 200)
    for _ in range(30):
        make_job("ACR001179")  # "Antoniadou Household": the account's name matches
    assert count_queries(admin_client, "Anton") == few
    assert count_queries(agent_client, "Anton") == agent_few
