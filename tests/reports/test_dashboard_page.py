"""The staff dashboard (contract section 9): tiles and charts of what the user may see, for a
group the user may see, each number a link to the queue listing exactly those requests, in a
constant number of queries, cached for a stated minute."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Group
from reports import dashboard
from servicerequests.models import ServiceRequest
from tests.conftest import clear_cache
from tests.reports.helpers import dataset
from tests.servicerequests.helpers import S, make_sr
from tests.servicerequests.page_helpers import clone

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
TILE = re.compile(r'<a href="([^"]+)" id="tile-([\w-]+)">\s*<span class="tile__value">(\d+)</span>')
# A linked number of a chart's table: <td class="num"><a href="...">3</a></td>
CELL = re.compile(r'<td class="num"><a href="([^"]+)">([\d.]+)</a></td>')
BAR = re.compile(r'<a href="([^"]+)" aria-label="([^"]+)"><rect class="bar')
TOTAL = re.compile(r'<p class="queue-total" id="queue-total">([^<]*)</p>')
OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


@pytest.fixture
def agent_client(demo) -> Client:
    client = Client()
    client.force_login(demo["agent"])
    return client


@pytest.fixture
def admin_client(demo) -> Client:
    client = Client()
    client.force_login(demo["admin"])
    return client


@pytest.fixture
def requests_(demo) -> list[ServiceRequest]:
    """The report tests' requests, and one awaiting the customer's acceptance."""
    return [*dataset(demo), make_sr(S.FINAL_RESOLVED, final="RPC")]


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def tiles(page: str) -> dict[str, int]:
    return {slug: int(value) for _href, slug, value in TILE.findall(page)}


def tile_links(page: str) -> dict[str, str]:
    return {slug: html.unescape(href) for href, slug, _value in TILE.findall(page)}


def queue_total(client, url: str) -> int:
    """The total a queue page shows ("3 requests"), after any move to All requests."""
    page = get_following(client, url)
    return int(TOTAL.search(page).group(1).split()[0].replace(",", ""))


def get_following(client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def group_options(page: str) -> list[str]:
    select = re.search(r'<select name="group".*?</select>', page, re.S).group(0)
    return [name for _value, name in OPTION.findall(select)]


# -- the page -----------------------------------------------------------------------------


def test_a_staff_user_who_is_no_superuser_sees_the_numbers_of_what_they_may_see(
    agent_client, demo, requests_
):
    assert not demo["agent"].is_superuser
    page = get(agent_client, DASHBOARD)
    # Hidden from the agent: the Restricted request and the Back Office one.
    assert tiles(page) == {
        "open": 6,
        "at-risk": 1,
        "breached": 2,
        "awaiting-acceptance": 1,
        "unassigned": 4,
    }
    titles = re.findall(r'<h2 id="chart-[\w-]+-title">([^<]+)</h2>', page)
    assert titles == [
        "Created and completed per day, last 30 days",
        "Open requests by priority",
        "Age of open requests",
        "Service level compliance per week, last 12 weeks",
        "Open and at-risk work per agent",
    ]
    assert page.count("<svg ") == 5
    assert page.count('<table class="queue chart-table">') == 5
    assert "refreshed every 60 s" in page


def test_the_superuser_sees_every_request(admin_client, requests_):
    page = get(admin_client, DASHBOARD)
    assert tiles(page) == {
        "open": 8,
        "at-risk": 1,
        "breached": 2,
        "awaiting-acceptance": 1,
        "unassigned": 5,
    }


@pytest.mark.parametrize("who", ["agent", "admin"])
def test_each_tile_opens_the_queue_that_shows_the_same_count(who, demo, requests_):
    client = Client()
    client.force_login(demo[who])
    page = get(client, DASHBOARD)
    links = tile_links(page)
    for slug, value in tiles(page).items():
        assert queue_total(client, links[slug]) == value, slug


def test_every_number_of_the_charts_opens_the_queue_of_exactly_those_requests(
    agent_client, requests_
):
    page = get(agent_client, DASHBOARD)
    cells = [(html.unescape(href), int(float(value))) for href, value in CELL.findall(page)]
    # Today's created, the open ones by priority and per agent, at risk per agent, and
    # the weeks' met and missed service levels.
    assert len(cells) >= 8
    assert any("sla_decided_from" in href for href, value in cells if value)
    for href, value in cells:
        assert queue_total(agent_client, href) == value, href


def test_every_bar_links_where_its_table_cell_does(agent_client, requests_):
    page = get(agent_client, DASHBOARD)
    bars = {html.unescape(href) for href, _label in BAR.findall(page)}
    # A count of nothing has no bar (and no invisible link to tab through).
    counted = {html.unescape(href) for href, value in CELL.findall(page) if value != "0"}
    assert bars == counted
    assert len(bars) >= 7


def test_the_group_filter_applies_to_every_number(admin_client, demo, requests_):
    main = demo["group"]
    page = get(admin_client, f"{DASHBOARD}?group={main.pk}")
    assert tiles(page) == {
        "open": 1,
        "at-risk": 0,
        "breached": 0,
        "awaiting-acceptance": 0,
        "unassigned": 0,
    }
    assert f"group={main.pk}" in tile_links(page)["open"]
    for href, value in CELL.findall(page):
        assert f"group={main.pk}" in html.unescape(href)
        assert queue_total(admin_client, html.unescape(href)) == int(value)
    back_office = Group.objects.get(name="Back Office")
    assert tiles(get(admin_client, f"{DASHBOARD}?group={back_office.pk}"))["open"] == 1


def test_a_group_the_user_may_not_see_is_neither_offered_nor_counted(agent_client, demo, requests_):
    page = get(agent_client, DASHBOARD)
    options = group_options(page)
    assert "Back Office" not in options
    assert options == ["All my groups", *sorted(g.name for g in demo["agent"].crm_groups.all())]
    hidden = Group.objects.get(name="Back Office")
    page = get(agent_client, f"{DASHBOARD}?group={hidden.pk}")
    # Refused as a group that does not exist would be; the agent's own numbers stay.
    assert "Select a valid choice" in page
    assert "Back Office" not in page
    assert tiles(page)["open"] == 6
    csv_url = reverse("report-csv", args=["priority"])
    assert agent_client.get(f"{csv_url}?group={hidden.pk}").status_code == 404
    assert agent_client.get(f"{csv_url}?group=NOSUCHGROUP").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- cost ----------------------------------------------------------------------------------


def queries_of(client, url: str) -> int:
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_requests(admin_client, demo, requests_):
    main = f"{DASHBOARD}?group={demo['group'].pk}"
    few, few_in_group = queries_of(admin_client, DASHBOARD), queries_of(admin_client, main)
    clone(requests_[0], 30)
    clone(requests_[2], 30, start=100)
    assert ServiceRequest.objects.count() >= 70
    assert queries_of(admin_client, DASHBOARD) == few
    assert queries_of(admin_client, main) == few_in_group


def test_the_numbers_are_cached_for_a_minute_and_a_refresh_counts_again(admin_client, requests_):
    clear_cache()
    with CaptureQueriesContext(connection) as counted:
        first = get(admin_client, DASHBOARD)
    with CaptureQueriesContext(connection) as cached:
        again = get(admin_client, DASHBOARD + "?group=")  # "All my groups": the same numbers
    assert tiles(again) == tiles(first)
    # The tiles' five counts and the charts' queries are not made again.
    assert len(cached) <= len(counted) - 10
    make_sr(S.PENDING)
    assert tiles(get(admin_client, DASHBOARD))["open"] == 8  # as of a moment ago
    response = admin_client.get(DASHBOARD + "?refresh=1")
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert tiles(get(admin_client, DASHBOARD))["open"] == 9


def test_numbers_older_than_a_minute_are_counted_again_by_one_page_at_a_time(demo, requests_):
    admin = demo["admin"]
    first = dashboard.numbers(admin, None)
    key = dashboard.cache_key(admin, None)
    # A minute later, and one request more.
    first.as_of -= timedelta(seconds=dashboard.CACHE_SECONDS + 1)
    cache.set(key, first, dashboard.KEEP_SECONDS)
    make_sr(S.PENDING)
    # Another page is counting them already: this one shows the older numbers.
    cache.add(f"{key}:counting", 1, dashboard.LOCK_SECONDS)
    assert dashboard.numbers(admin, None).tiles[0][1].value == 8
    cache.delete(f"{key}:counting")
    again = dashboard.numbers(admin, None)
    assert again.tiles[0][1].value == 9
    assert again.as_of > first.as_of
    assert cache.get(f"{key}:counting") is None


def test_a_refresh_while_another_page_counts_shows_the_numbers_it_has(demo, requests_):
    admin = demo["admin"]
    key = dashboard.cache_key(admin, None)
    first = dashboard.numbers(admin, None)
    make_sr(S.PENDING)
    cache.add(f"{key}:counting", 1, dashboard.LOCK_SECONDS)
    assert dashboard.numbers(admin, None, refresh=True).tiles[0][1].value == 8
    cache.delete(f"{key}:counting")
    assert dashboard.numbers(admin, None, refresh=True).tiles[0][1].value == 9
    assert first.tiles[0][1].value == 8


def test_the_cache_is_shared_only_by_the_same_visibility(demo):
    admin, agent = demo["admin"], demo["agent"]
    assert dashboard.cache_key(admin, None) != dashboard.cache_key(agent, None)
    assert dashboard.cache_key(agent, None) != dashboard.cache_key(agent, demo["group"].pk)
    assert dashboard.cache_key(agent, None) == dashboard.cache_key(agent, None)
