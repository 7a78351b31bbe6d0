"""A queue that fits (issue 13, item 5) in headless Chromium: at 1366x768 the default columns
(number, subject, status, assignee, due) show without sideways scrolling; on a phone the
sidebar folds away and the actions come first; the keyboard moves along the rows, opens one,
shows its help, and takes a request through the page's own form."""

from __future__ import annotations

import re

import pytest

from servicerequests import models as sm
from tests.browser.conftest import (
    PHONE,
    assert_labelled,
    assert_no_horizontal_overflow,
    shot,
    sign_in,
)
from tests.browser.test_service_request_flow import raise_request

pytestmark = pytest.mark.live

LAPTOP = {"width": 1366, "height": 768}
LONG = (
    "The customer's decoder reboots every evening around eight and loses the channel list, "
    "which they have set up again four times this week\nSecond line, not in the subject"
)
# Each named column's header and first cell: where they are and whether they are cut off.
BOXES_JS = """(labels) => {
  const heads = Array.from(document.querySelectorAll('#queue thead th'));
  const row = document.querySelector('#queue tbody tr.queue__row');
  return labels.map(label => {
    const index = heads.findIndex(th => th.textContent.trim() === label);
    const cell = index === -1 ? null : row.children[index];
    const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.width]; };
    return {label, found: index !== -1, head: index === -1 ? null : box(heads[index]),
            cell: cell ? box(cell) : null};
  });
}"""
WRAP_JS = """() => {
  const wrap = document.querySelector('#queue .table-wrap');
  const table = wrap.querySelector('table');
  return {wrap: [wrap.scrollWidth, wrap.clientWidth],
          table: [table.scrollWidth, table.clientWidth]};
}"""


def current_row(page) -> str:
    return page.locator("#queue tr.queue__row--current a").first.inner_text()


def test_the_queue_fits_a_laptop_screen(site, new_context, screenshots):
    for _ in range(3):
        raise_request(description=LONG)
    page = new_context(LAPTOP).new_page()
    sign_in(page, site)
    labels = ["Number", "Subject", "Status", "Assignee", "Due"]
    boxes = page.evaluate(BOXES_JS, labels)
    for box in boxes:
        assert box["found"], box
        for left, right, width in (box["head"], box["cell"]):
            assert left >= 0, box
            assert right <= LAPTOP["width"], box
            assert width > 0, box
    sizes = page.evaluate(WRAP_JS)
    assert sizes["wrap"][0] <= sizes["wrap"][1], sizes
    assert sizes["table"][0] <= sizes["table"][1], sizes
    assert_no_horizontal_overflow(page)
    shot(page, screenshots, "queue-fit-1366")
    # The subject: the first line, cut with an ellipsis, the whole text in its title.
    subject = page.locator("#queue td.queue__subject .subject").first
    assert subject.get_attribute("title") == " ".join(LONG.split())
    assert subject.inner_text().startswith("The customer's decoder reboots")
    assert subject.inner_text().endswith("…")
    assert re.fullmatch(r"\d+ requests?", page.locator("#queue-total").inner_text())
    assert_labelled(page)


def test_the_column_chooser_puts_the_choice_in_the_url(site, page):
    raise_request(description="Chooser")
    sign_in(page, site)
    page.locator("summary", has_text="Columns").click()
    page.get_by_label("Subject").uncheck()
    page.get_by_label("Caller").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show columns").click()
    assert "columns=caller" in page.url
    assert "columns=subject" not in page.url
    heads = page.locator("#queue thead th").all_inner_texts()
    assert [h.strip() for h in heads if h.strip() and h.strip() != "Select"] == [
        "Number",
        "Due",
        "Priority",
        "Caller",
        "Status",
        "Assignee",
    ]


def test_on_a_phone_the_sidebar_folds_and_the_actions_come_first(site, new_context, screenshots):
    sr = raise_request(mine=False, description="Phone")
    page = new_context(PHONE).new_page()
    sign_in(page, site)
    menu = page.locator("#sidebar-menu")
    assert menu.get_attribute("open") is None
    unassigned = page.get_by_role("link", name=re.compile("^Unassigned"))
    assert not unassigned.is_visible()
    page.locator("#sidebar-menu > summary").click()
    assert unassigned.is_visible()
    page.goto(f"{site}/requests/{sr.number}/")
    actions = page.locator("#action-respond").bounding_box()
    summary = page.locator("#summary-title").bounding_box()
    assert actions["y"] < summary["y"]
    assert_no_horizontal_overflow(page)
    shot(page, screenshots, "queue-fit-phone-detail")


def test_j_k_and_o_move_along_the_rows_and_open_one(site, page):
    made = [raise_request(description=f"Row {i}") for i in range(3)]
    sign_in(page, site)
    numbers = page.locator("#queue tbody tr.queue__row td:nth-child(2) a").all_inner_texts()
    assert set(numbers) >= {sr.number for sr in made}
    page.keyboard.press("j")
    assert current_row(page) == numbers[0]
    assert page.evaluate("() => document.activeElement.textContent.trim()") == numbers[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert current_row(page) == numbers[1]
    assert page.locator("#queue tr.queue__row--current").count() == 1
    # Typing in a field is typing, not a shortcut.
    page.locator("summary", has_text="Filter and search").click()
    page.locator(".filter-form input[name=q]").press("j")
    assert current_row(page) == numbers[1]
    page.locator("main").click(position={"x": 5, "y": 5})
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url == f"{site}/requests/{numbers[1]}/"


def test_question_mark_opens_the_help_and_escape_closes_it(site, page):
    sign_in(page, site)
    dialog = page.locator("#shortcuts-dialog")
    assert not dialog.is_visible()
    page.keyboard.press("?")
    assert dialog.is_visible()
    assert "Take the request" in dialog.inner_text()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    page.get_by_role("button", name="Keyboard shortcuts").click()
    assert dialog.is_visible()


def test_t_takes_the_request_through_its_form_and_r_goes_to_respond(site, page):
    sr = raise_request(mine=False, description="Take me")
    sign_in(page, site)
    page.goto(f"{site}/requests/{sr.number}/")
    page.keyboard.press("r")
    focused = page.evaluate("() => document.activeElement.closest('#action-respond') !== null")
    assert focused
    page.locator("h1").click()  # out of the form again
    with page.expect_navigation():
        page.keyboard.press("t")
    assert page.get_by_text(f"{sr.number} is now assigned to you.").is_visible()
    taken = sm.ServiceRequest.objects.select_related("assigned_to_user").get(pk=sr.pk)
    assert taken.assigned_to_user.username == "MPAdministrator"
    # Taken: the page offers no take any more, and t does nothing.
    assert page.locator('form[data-shortcut="take"]').count() == 0


def test_the_30_second_refresh_updates_the_sidebar_count_with_the_rows(site, page):
    """A request raised meanwhile appears in the table and in the sidebar at the same refresh."""
    raise_request(description="Already there")
    page.clock.install()  # the page's timers run on Playwright's clock: 30 seconds on demand
    sign_in(page, site)
    page.goto(f"{site}/requests/queue/pending/")
    count = page.locator("#nav-count-sr-queue-pending")
    before = int(count.inner_text())
    rows = page.locator("#queue tbody tr.queue__row")
    assert rows.count() == before
    raise_request(description="Raised meanwhile")
    page.clock.run_for(31_000)
    page.wait_for_function(
        "n => document.querySelectorAll('#queue tbody tr.queue__row').length === n", arg=before + 1
    )
    assert count.inner_text() == str(before + 1)
    # Swapped in place: still one count, still marked as the page's queue.
    assert page.locator("#nav-count-sr-queue-pending").count() == 1
    link = page.locator("nav.sidebar a[aria-current=page]")
    assert link.locator("#nav-count-sr-queue-pending").count() == 1
