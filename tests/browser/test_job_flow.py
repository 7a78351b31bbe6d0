"""A deactivate-subscription job worked end to end in headless Chromium: created through the
form, submitted, started and completed through the detail page's forms, the subscription
deactivated, every step on the timeline; then a refused create."""

from __future__ import annotations

import re

import pytest

from customers.models import Subscription
from jobs.models import Job
from tests.browser.conftest import (
    PHONE,
    assert_labelled,
    assert_no_horizontal_overflow,
    shot,
    sign_in,
)

pytestmark = pytest.mark.live


def timeline(page) -> list[str]:
    return page.locator(".timeline__item strong").all_inner_texts()


def rows(page) -> list[str]:
    return page.locator("#queue tbody a[href^='/jobs/JOB']").all_inner_texts()


def step(page, action: str, button: str, *, confirm: str | None = None) -> None:
    """One click: the form comes with the type's default status for the next state. An
    action that asks first shows ``confirm`` in the page's dialog, which is accepted."""
    with page.expect_navigation():
        page.locator(f"#action-{action}").get_by_role("button", name=button, exact=True).click()
        if confirm:
            dialog = page.get_by_role("dialog")
            assert dialog.locator("p").inner_text() == confirm
            dialog.get_by_role("button", name=re.compile("^Yes, ")).click()
    page.wait_for_load_state()


def actions(page) -> list[str]:
    return page.locator(".detail__actions h2").all_inner_texts()


def test_walk_a_job_from_draft_to_completed(site, page, screenshots):
    sign_in(page, site)
    page.get_by_role("link", name="New job").click()
    form = page.locator("main form")
    assert form.get_by_label("Type").locator("option:checked").inner_text() == (
        "Deactivate Subscription"
    )
    assert form.get_by_label("Status").locator("option:checked").inner_text() == "Draft"
    form.get_by_label("Subscription number").fill("S60993")
    form.get_by_label("Description").fill("Moving abroad")
    assert_labelled(page)
    shot(page, screenshots, "11-new-job-form")
    form.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/jobs/JOB\d+/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    assert page.get_by_role("status").inner_text() == f"{number} created."
    assert page.locator("h1 .state").inner_text() == "Draft"
    assert timeline(page) == ["Created"]
    assert actions(page) == ["Submit", "Cancel", "Requested items", "Edit"]
    assert page.locator("dd", has_text="S60993 (Effective)").is_visible()
    assert_labelled(page)

    step(page, "submit", "Submit")
    assert page.locator("h1 .state").inner_text() == "Pending"
    assert timeline(page) == ["Created", "Submitted"]
    assert actions(page) == ["Start progress", "Cancel", "Requested items", "Edit"]
    # The draft queue no longer lists it; the pending one does.
    page.get_by_role("navigation", name="Queues").get_by_role(
        "link", name=re.compile(r"^Pending \d+ items?$")
    ).last.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jobs: Pending"
    assert number in rows(page)
    page.get_by_role("link", name=number, exact=True).click()
    page.wait_for_url(f"**/jobs/{number}/")

    step(page, "start_progress", "Start progress")
    assert page.locator("h1 .state").inner_text() == "In progress"
    assert actions(page) == ["Complete", "Cancel", "Edit"]
    step(
        page,
        "complete",
        "Complete",
        confirm=f"Complete {number}? This deactivates subscription S60993.",
    )

    assert page.get_by_role("status").inner_text() == (
        f"{number} completed; subscription S60993 is no longer effective."
    )
    assert page.locator("h1 .state").inner_text() == "Completed"
    assert timeline(page) == ["Created", "Submitted", "Started", "Complete"]
    assert page.locator("dd", has_text="S60993 (Not Effective)").is_visible()
    assert page.get_by_text("No actions: this job is completed.").is_visible()
    job = Job.objects.get(number=number)
    assert (job.life_cycle_state, job.status.name) == ("COMPLETED", "Completed")
    subscription = Subscription.objects.get(number="S60993")
    assert subscription.life_cycle_state == Subscription.LifeCycleState.NOT_EFFECTIVE
    assert subscription.deactivated_by.username == "MPAdministrator"
    shot(page, screenshots, "12-job-completed")

    # A second job for the now deactivated subscription is refused, next to the field.
    count = Job.objects.count()
    page.get_by_role("link", name="New job").click()
    form = page.locator("main form")
    form.get_by_label("Subscription number").fill("S60993")
    form.get_by_role("button", name="Create").click()
    page.wait_for_load_state()
    field = page.locator("main form").get_by_label("Subscription number")
    assert field.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{field.get_attribute('aria-describedby')}")
    assert error.inner_text() == "The subscription is not effective."
    assert field.input_value() == "S60993"
    assert Job.objects.count() == count
    shot(page, screenshots, "13-job-create-refused")


def test_job_pages_on_a_phone(site, new_context):
    page = new_context(PHONE).new_page()
    sign_in(page, site)
    page.goto(site + "/jobs/queue/pending/")
    assert rows(page) == ["JOB000814"]
    assert_no_horizontal_overflow(page)
    box = page.get_by_role("link", name="JOB000814", exact=True).bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]  # the number shows without scrolling
    page.get_by_role("link", name="JOB000814", exact=True).click()
    page.wait_for_url("**/jobs/JOB000814/")
    assert actions(page) == ["Start progress", "Cancel", "Requested items", "Edit"]
    assert_no_horizontal_overflow(page)
    assert_labelled(page)
