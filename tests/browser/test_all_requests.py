"""All requests in headless Chromium (issue 13): in the Pending queue a person chooses the
state Cancelled; the page moves to All requests with that filter, says why, and lists the
cancelled request that Pending could never show."""

from __future__ import annotations

import re

import pytest

from crm.actor import Actor
from crm.models import User
from servicerequests import services
from tests.browser.conftest import assert_labelled, shot, sign_in
from tests.browser.test_service_request_flow import raise_request, rows

pytestmark = pytest.mark.live


def test_cancelled_chosen_in_pending_ends_on_all_requests(site, page, screenshots):
    pending = raise_request()
    cancelled = raise_request()
    admin = User.objects.get(username="MPAdministrator")
    services.service_request_cancel(service_request=cancelled, actor=Actor.of(admin))
    sign_in(page, site)

    sidebar = page.get_by_role("navigation", name="Queues")
    sidebar.locator('a[href="/requests/queue/pending/"]').click()
    page.wait_for_url(re.compile(r"/requests/queue/pending/$"))
    assert rows(page) == [pending.number]

    filters = page.locator("form.filter-form")
    page.get_by_text("Filter and search").click()
    state = filters.get_by_label("State", exact=True)
    assert state.get_attribute("aria-describedby") == "id_state_helptext"
    assert page.locator("#id_state_helptext").inner_text() == (
        "Choosing one that Pending does not hold opens All requests."
    )
    state.select_option("CANCELLED")
    filters.get_by_role("button", name="Apply").click()

    # Only what was chosen: not the empty fields, nor Pending's own sort.
    page.wait_for_url(re.compile(r"/requests/queue/all/\?state=CANCELLED$"))
    assert page.get_by_role("heading", level=1).inner_text() == "All requests"
    message = "Cancelled requests are not in Pending: showing All requests."
    assert page.get_by_text(message).is_visible()
    assert rows(page) == [cancelled.number]
    # The choice stays in the panel, which is open because a filter is set.
    assert page.locator("#id_state option:checked").all_inner_texts() == ["Cancelled"]
    assert filters.is_visible()
    current = sidebar.locator('[aria-current="page"]').inner_text()
    assert current.startswith("All requests")
    assert_labelled(page)
    shot(page, screenshots, "all-requests-from-pending")
