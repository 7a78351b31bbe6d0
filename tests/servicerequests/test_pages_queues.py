"""The staff queue pages for service requests through the Django test client: sign-in and
visibility, keyset pages, sorting, filters and search."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from servicerequests import models as sm
from servicerequests.queues import QUEUES
from servicerequests.views import PAGE_SIZE
from tests.conftest import clear_cache
from tests.servicerequests.helpers import S, make_sr
from tests.servicerequests.page_helpers import clone, error_next_to, rows_of

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'href="([^"]*)" rel="next"')


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
    # A hand-edited filter value is ignored, and that is said, on top and next to it.
    page = admin_client.get(base + "?priority=P9", follow=True).content.decode()
    refusal = "Select a valid choice. P9 is not one of the available choices."
    assert f"Filter ignored: Priority: {refusal}" in html.unescape(page)
    assert error_next_to(page, "id_priority") == refusal
    assert set(rows_of(page)) == {complaint.number, support.number}
