"""Safe actions in headless Chromium (issue 11, items 1 and 3): Enter and Space in a queue
checkbox submit nothing, select all, "N selected", the selection kept across the htmx
refresh (which waits while something is selected), and Cancel / Complete ask first in a
dialog whose focus starts on the safe button."""

from __future__ import annotations

import re

import pytest

from customers.models import Subscription
from jobs.models import Job
from servicerequests import models as sm
from tests.browser.conftest import DESKTOP, assert_labelled, shot, sign_in
from tests.browser.test_service_request_flow import raise_request, rows, state_of

pytestmark = pytest.mark.live

QUEUE = "/requests/queue/pending/?sort=number"
CHECKED_JS = """() => Array.from(document.querySelectorAll('#queue input[name="selected"]'))
  .filter(box => box.checked).map(box => box.value)"""
REFRESH_JS = """() => htmx.ajax('GET', location.href,
  {target: '#queue', select: '#queue', swap: 'outerHTML'})"""
FOCUSED_JS = "() => document.activeElement.id || document.activeElement.textContent.trim()"


def box(page, number: str):
    return page.get_by_label(f"Select {number}", exact=True)


def assignees() -> dict:
    return dict(sm.ServiceRequest.objects.values_list("number", "assigned_to_user"))


def test_enter_and_space_in_a_checkbox_submit_nothing(site, page):
    requests = [raise_request(mine=False) for _ in range(3)]
    sign_in(page, site)
    page.goto(site + QUEUE)
    # Everything a submit would need is chosen: only Apply may send it.
    page.get_by_label("Action").select_option(label="Assign to user")
    page.get_by_label("User", exact=True).select_option(label="Andreas Agent")
    before = assignees()
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))

    box(page, requests[0].number).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.get_by_label("Select all on this page").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)

    assert page.url == site + QUEUE
    assert posts == []
    assert assignees() == before
    assert page.evaluate(CHECKED_JS) == [requests[0].number]  # Space ticked it, that is all
    assert page.locator("#bulk-count").inner_text() == "1 selected"
    assert page.evaluate(FOCUSED_JS) == "select-all"


def test_select_all_and_the_count(site, page, screenshots):
    requests = [raise_request() for _ in range(3)]
    numbers = [sr.number for sr in requests]
    sign_in(page, site)
    page.goto(site + QUEUE)
    everything = page.get_by_label("Select all on this page")
    assert page.locator("#bulk-count").inner_text() == "0 selected"
    assert page.locator("#bulk-paused").is_hidden()

    # Keyboard: Tab to it, Space ticks every row.
    everything.focus()
    page.keyboard.press("Space")
    assert page.evaluate(CHECKED_JS) == numbers
    assert page.locator("#bulk-count").inner_text() == "3 selected"
    assert page.locator("#bulk-paused").is_visible()
    assert_labelled(page)
    shot(page, screenshots, "20-queue-all-selected")

    box(page, numbers[1]).uncheck()
    assert page.locator("#bulk-count").inner_text() == "2 selected"
    assert everything.evaluate("e => [e.checked, e.indeterminate]") == [False, True]
    box(page, numbers[1]).check()
    assert everything.evaluate("e => [e.checked, e.indeterminate]") == [True, False]
    everything.uncheck()
    assert page.evaluate(CHECKED_JS) == []
    assert page.locator("#bulk-count").inner_text() == "0 selected"


def test_the_selection_survives_a_refresh(site, page):
    requests = [raise_request() for _ in range(3)]
    sign_in(page, site)
    page.goto(site + QUEUE)
    page.get_by_label("Action").select_option(label="Give to group")
    box(page, requests[0].number).check()
    box(page, requests[2].number).check()
    box(page, requests[2].number).focus()
    newer = raise_request()

    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.evaluate(REFRESH_JS)
    page.wait_for_function(f"() => document.getElementById('select-{newer.number}')")

    assert rows(page)[-1] == newer.number  # the table is the new one
    assert page.evaluate(CHECKED_JS) == [requests[0].number, requests[2].number]
    assert page.locator("#bulk-count").inner_text() == "2 selected"
    assert page.get_by_label("Select all on this page").evaluate("e => e.indeterminate")
    assert page.get_by_label("Action").input_value() == "assign_group"  # outside the table
    assert page.evaluate(FOCUSED_JS) == f"select-{requests[2].number}"


def test_the_refresh_waits_while_requests_are_selected(site, page):
    page.clock.install()
    sr = raise_request()
    sign_in(page, site)
    page.goto(site + QUEUE)
    refreshes = []
    page.on("request", lambda r: "/requests/queue/" in r.url and refreshes.append(r.url))
    box(page, sr.number).check()
    page.clock.run_for(65_000)
    page.wait_for_timeout(300)
    assert refreshes == []
    assert page.get_by_text("The list does not refresh itself while requests are").is_visible()
    box(page, sr.number).uncheck()
    with page.expect_request(lambda r: "/requests/queue/" in r.url):
        page.clock.run_for(31_000)


def test_cancel_asks_first(site, page, screenshots):
    sr = raise_request()
    sign_in(page, site)
    detail = f"{site}/requests/{sr.number}/"
    page.goto(detail)
    cancel = page.locator("#action-cancel")
    cancel.get_by_role("button", name="Cancel", exact=True).click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    assert dialog.locator("#confirm-dialog-question").inner_text() == (
        f"Cancel {sr.number}? It cannot be reopened."
    )
    # The focus starts on the safe button, so Enter at once does nothing harmful.
    assert page.evaluate("() => document.activeElement.textContent") == "No, go back"
    shot(page, screenshots, "21-cancel-asks")
    page.keyboard.press("Enter")
    assert dialog.is_hidden()
    assert (page.url, state_of(sr)) == (detail, "PENDING")
    # Escape says no too.
    cancel.get_by_role("button", name="Cancel", exact=True).click()
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert state_of(sr) == "PENDING"

    cancel.get_by_role("button", name="Cancel", exact=True).click()
    with page.expect_navigation():
        dialog.get_by_role("button", name=f"Yes, cancel {sr.number}").click()
    assert page.get_by_role("status").inner_text() == f"{sr.number} cancelled."
    assert state_of(sr) == "CANCELLED"
    assert page.locator(".timeline__item strong").all_inner_texts()[-1] == "Cancel"


def test_bulk_cancel_asks_first(site, page):
    requests = [raise_request() for _ in range(3)]
    sign_in(page, site)
    page.goto(site + QUEUE)
    page.get_by_label("Select all on this page").check()
    page.get_by_label("Action").select_option(label="Cancel (pending only)")
    page.get_by_role("button", name="Apply to selected").click()
    dialog = page.get_by_role("dialog")
    assert dialog.locator("p").inner_text() == "Cancel 3 requests? They cannot be reopened."
    dialog.get_by_role("button", name="No, go back").click()
    assert {state_of(sr) for sr in requests} == {"PENDING"}
    assert page.evaluate(CHECKED_JS) == [sr.number for sr in requests]  # nothing lost

    page.get_by_role("button", name="Apply to selected").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Yes, cancel 3 requests").click()
    assert page.get_by_role("status").inner_text() == "3 requests updated."
    assert {state_of(sr) for sr in requests} == {"CANCELLED"}


def test_completing_a_job_asks_and_says_what_it_deactivates(site, page, screenshots):
    sign_in(page, site)
    page.goto(site + "/jobs/JOB000814/")
    with page.expect_navigation():
        page.locator("#action-start_progress").get_by_role("button").click()
    assert page.get_by_role("status").inner_text() == "Work started on JOB000814."
    complete = page.locator("#action-complete").get_by_role("button", name="Complete")
    complete.click()
    dialog = page.get_by_role("dialog")
    assert dialog.locator("p").inner_text() == (
        "Complete JOB000814? This deactivates subscription S60992."
    )
    shot(page, screenshots, "22-job-complete-asks")
    dialog.get_by_role("button", name="No, go back").click()
    assert Job.objects.get(number="JOB000814").life_cycle_state == "IN_PROGRESS"
    assert page.evaluate(FOCUSED_JS) == "Complete"  # back where the person was

    complete.click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Yes, complete JOB000814").click()
    assert page.get_by_role("status").inner_text() == (
        "JOB000814 completed; subscription S60992 is no longer effective."
    )
    subscription = Subscription.objects.get(number="S60992")
    assert subscription.life_cycle_state == Subscription.LifeCycleState.NOT_EFFECTIVE


def test_without_javascript_the_server_asks(site, browser):
    sr = raise_request()
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, site)
        page.goto(f"{site}/requests/{sr.number}/")
        page.locator("#action-cancel").get_by_role("button", name="Cancel", exact=True).click()
        page.wait_for_load_state()
        step = page.get_by_role("region", name="Are you sure?")
        assert step.get_by_text(f"Cancel {sr.number}? It cannot be reopened.").is_visible()
        assert state_of(sr) == "PENDING"
        step.get_by_role("button", name=f"Yes, cancel {sr.number}").click()
        page.wait_for_url(re.compile(rf"/requests/{sr.number}/$"))
        assert page.get_by_role("status").inner_text() == f"{sr.number} cancelled."
        assert state_of(sr) == "CANCELLED"
    finally:
        context.close()
