"""The header search in headless Chromium (contract section 13): from a queue page and from a
job's page, type into the box in the header, find a cancelled request (which no open queue
lists) and open it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import AccountsReceivable
from tests.browser.conftest import (
    PHONE,
    assert_labelled,
    assert_no_horizontal_overflow,
    shot,
    sign_in,
)
from tests.servicerequests.helpers import S, make_sr

pytestmark = pytest.mark.live


@pytest.fixture
def cancelled(site):
    """A request cancelled three weeks ago, and an open one of the same caller that is newer
    (so the search's order shows)."""
    account = AccountsReceivable.objects.get(number="ACR001179")
    then = timezone.now() - timedelta(days=21)
    old = make_sr(
        S.CANCELLED,
        accounts_receivable=account,
        caller=account.owner,
        caller_email="antoniadou.home@example.com",
        caller_phone="99626262",
        description="Invoice disputed for October\nThe customer withdrew it",
        created_date=then,
        start_date=then,
        cancelled_date=then,
    )
    newer = make_sr(
        accounts_receivable=account, caller=account.owner, description="Decoder has no signal"
    )
    return old, newer


def search(page, text: str) -> None:
    box = page.get_by_role("search").get_by_role("searchbox", name="Search requests and jobs")
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Search"


def request_numbers(page) -> list[str]:
    table = page.get_by_role("region", name="Service requests")
    return table.locator("tbody a").all_inner_texts()


def open_request(page, number: str) -> None:
    page.get_by_role("link", name=number, exact=True).click()
    page.wait_for_url(re.compile(rf"/requests/{number}/$"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.split() == [number, "Cancelled"]


def test_find_a_cancelled_request_from_a_queue_page(site, page, cancelled, screenshots):
    old, newer = cancelled
    sign_in(page, site)  # My queue
    page.goto(site + "/requests/queue/pending/")
    assert old.number not in page.content()  # no open queue lists it
    search(page, "Antoniadou")
    assert request_numbers(page) == [newer.number, old.number]  # newest first among names
    assert_labelled(page)
    shot(page, screenshots, "41-search-results")
    open_request(page, old.number)

    # By its phone it ranks first, though the other request is newer.
    search(page, "99626262")
    assert request_numbers(page)[0] == old.number


def test_find_a_cancelled_request_from_a_job_page(site, page, cancelled):
    old, _newer = cancelled
    sign_in(page, site)
    page.goto(site + "/jobs/JOB000814/")
    search(page, "disputed")
    assert request_numbers(page) == [old.number]
    open_request(page, old.number)


def test_one_character_says_what_to_do(site, page, cancelled):
    sign_in(page, site)
    search(page, "x")
    assert page.get_by_role("alert").inner_text() == "Type at least 2 characters to search."


def test_the_search_box_fits_a_phone(site, new_context, cancelled):
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, site)
    search(page, "Antoniadou")
    assert_no_horizontal_overflow(page)
