"""The sidebar's saved views: each with its count, counted as the queues are (same lister,
same cap), equal to the rows the view lists when opened, for the opener's own visibility;
a constant number of queries whatever the rows; a stored filter that no longer parses."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.queuecounts import COUNT_CAP
from savedviews import services
from servicerequests import models as sm
from servicerequests.models import ServiceRequestType
from tests.conftest import clear_cache
from tests.factories import ServiceRequestTypeFactory, UserFactory, make_service_request
from tests.pages.pagetools import messages_of
from tests.savedviews.conftest import save, signed_in
from tests.savedviews.test_pages import heading as heading_of
from tests.servicerequests.page_helpers import clone, rows_of

pytestmark = pytest.mark.django_db


def sidebar_count(page: str, view) -> str:
    """The count the sidebar shows beside ``view``."""
    link = re.search(
        rf'<a href="/views/{view.pk}/"[^>]*>.*?<span class="count"[^>]*>([^<]*)</span>', page, re.S
    )
    assert link, f"{view.name} is not in the sidebar"
    return html.unescape(link.group(1))


def queue_count(page: str, slug: str) -> str:
    link = re.search(
        rf'<a href="/requests/queue/{slug}/"[^>]*>.*?<span class="count"[^>]*>([^<]*)</span>',
        page,
        re.S,
    )
    return link.group(1)


def sidebar_names(page: str) -> list[str]:
    block = page.split('id="saved-views-title"', 1)[1].split("</ul>", 1)[0]
    names = re.findall(
        r'<a href="/views/[^"]+/"[^>]*>\s*<span>(.*?)</span>\s*<span class="count"', block, re.S
    )
    return [re.sub(r"<[^>]+>", "", html.unescape(name)) for name in names]


@pytest.fixture
def assignee(demo):
    """A user whose requests the views filter on: nobody else's rows get in the way."""
    return UserFactory(username="assignee")


def requests_of(assignee, demo, *, public: int, restricted: int) -> list:
    common = {"assigned_to_user": assignee, "owned_by_group": demo["group"]}
    first = make_service_request(**common, privacy_level=demo["public"])
    rows = [first, *clone(first, public - 1)]
    if restricted:
        hidden = make_service_request(**common, privacy_level=demo["restricted"])
        rows += [hidden, *clone(hidden, restricted - 1)]
    return rows


def opened(client, view) -> str:
    response = client.get(reverse("savedview-open", args=[view.pk]))
    return client.get(response["Location"]).content.decode()


def test_the_count_equals_the_rows_and_follows_the_openers_visibility(demo, assignee):
    rows = requests_of(assignee, demo, public=3, restricted=2)
    view = save(
        demo["admin"],
        "Assignee's",
        query=f"assignee={assignee.pk}&sort=number",
        group=demo["group"],
    )
    public = sorted(sr.number for sr in rows if sr.privacy_level == demo["public"])
    expected = {"admin": sorted(sr.number for sr in rows), "agent": public}
    for name, numbers in expected.items():
        page = opened(signed_in(demo[name]), view)
        # What the agent may not see is neither listed nor counted.
        assert rows_of(page) == numbers
        assert sidebar_count(page, view) == str(len(numbers))


def test_the_sidebar_lists_mine_then_shared_ones_with_their_group(demo, outsider):
    save(demo["agent"], "Agent's pending")
    save(demo["admin"], "Team overdue", queue="overdue", group=demo["group"])
    save(demo["admin"], "Admin only")
    save(outsider, "Elsewhere", group=outsider.crm_groups.get())
    page = signed_in(demo["agent"]).get("/requests/").content.decode()
    assert sidebar_names(page) == ["Agent's pending", "Team overdue (Main Group)"]
    page = signed_in(demo["admin"]).get("/requests/").content.decode()
    assert sidebar_names(page) == ["Admin only", "Team overdue (shared with Main Group)"]


def test_counts_stop_at_the_queues_cap(demo, assignee):
    requests_of(assignee, demo, public=COUNT_CAP + 5, restricted=0)
    view = save(demo["admin"], "Many", query=f"assignee={assignee.pk}")
    page = signed_in(demo["admin"]).get("/requests/").content.decode()
    assert sidebar_count(page, view) == f"{COUNT_CAP - 1}+"


def measure(client, url: str) -> tuple[list[str], str]:
    clear_cache()  # counts are cached as the queue counts are: measure them every time
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return [query["sql"] for query in queries.captured_queries], page


def test_queries_do_not_grow_with_the_rows_nor_per_view_beyond_its_count(demo, assignee):
    client = signed_in(demo["admin"])
    one = save(demo["admin"], "One", queue="my-groups", query=f"assignee={assignee.pk}")
    first = requests_of(assignee, demo, public=2, restricted=0)
    few, page = measure(client, "/notifications/")
    assert sidebar_count(page, one) == "2"
    clone(first[0], 40, start=100)
    many, page = measure(client, "/notifications/")
    assert (len(many), sidebar_count(page, one)) == (len(few), "42")
    # Two more views of the same queue (its own filters are read once): two more counts,
    # each capped as the queue counts are, and nothing else.
    two = save(demo["admin"], "Two", queue="my-groups", query="priority=P1&sort=number")
    save(demo["admin"], "Three", queue="my-groups", query="priority=P1&columns=subject")
    more, page = measure(client, "/notifications/")
    capped = [sql for sql in more if "COUNT(" in sql.upper() and "LIMIT 100" in sql.upper()]
    before = [sql for sql in many if "COUNT(" in sql.upper() and "LIMIT 100" in sql.upper()]
    assert len(more) == len(many) + 2
    assert len(capped) == len(before) + 2
    assert (sidebar_count(page, one), sidebar_count(page, two)) == ("42", "0")


def test_a_filter_that_no_longer_parses_counts_the_queue_as_the_page_shows_it(demo):
    pending = [make_service_request(), make_service_request()]
    gone = ServiceRequestTypeFactory(name="Soon deleted")
    view = save(demo["admin"], "Of a deleted type", query=f"type={gone.pk}&sort=number")
    ServiceRequestType.objects.filter(pk=gone.pk).delete()
    client = signed_in(demo["admin"])
    page = opened(client, view)
    assert [text for level, text in messages_of(page) if level == "error"] == [
        "Filter ignored: Type: Select a valid choice. That choice is not one of the available"
        " choices."
    ]
    # The page lists the queue without the broken filter; the count says the same.
    assert sidebar_count(page, view) == queue_count(page, "pending")
    assert {sr.number for sr in pending} <= set(rows_of(page))
    assert sidebar_count(page, view) == str(len(rows_of(page)))


def test_a_filter_outside_its_queue_counts_what_the_page_moves_to(demo):
    """Pending with the state Cancelled: the page moves to All requests with the filter
    (crm.queue_filters), and the count is of those rows."""
    cancelled = sm.ServiceRequestStatus.objects.filter(life_cycle_state="CANCELLED").first()
    rows = [make_service_request(status=cancelled) for _ in range(2)]
    view = save(demo["admin"], "Cancelled", query="state=CANCELLED&sort=number")
    client = signed_in(demo["admin"])
    response = client.get(client.get(reverse("savedview-open", args=[view.pk]))["Location"])
    assert response["Location"].startswith("/requests/queue/all/?state=CANCELLED&sort=number")
    page = client.get(response["Location"]).content.decode()
    numbers = sorted(sr.number for sr in rows)
    assert [n for n in rows_of(page) if n in numbers] == numbers
    assert sidebar_count(page, view) == str(len(rows_of(page)))


def test_a_jobs_view_is_counted_through_the_jobs_lister(demo):
    view = services.saved_view_create(
        user=demo["admin"],
        name="Waiting",
        section="job-queue",
        queue="pending",
        query="sort=number",
    )
    client = signed_in(demo["admin"])
    page = client.get(client.get(reverse("savedview-open", args=[view.pk]))["Location"])
    page = page.content.decode()
    assert heading_of(page) == "Jobs: Waiting"
    listed = re.findall(r'href="/jobs/(JOB\d+)/"', page)
    assert len(listed) == 1  # the demo's one pending job
    assert sidebar_count(page, view) == "1"


def test_the_tables_htmx_refresh_reads_no_saved_views(demo):
    save(demo["admin"], "Some view", query="sort=number")
    client = signed_in(demo["admin"])
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/requests/queue/pending/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="saved-views-title"' not in response.content.decode()
    assert [q["sql"] for q in queries.captured_queries if "savedviews_" in q["sql"]] == []
