"""A service request worked end to end in headless Chromium: sign in, the queues, filters and
their auto-refresh, the detail page's forms from PENDING to COMPLETED with the three
acceptances, refusals, bulk actions, notifications, labels and a phone-size screen."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from crm.actor import Actor
from crm.models import Notification, User
from customers.models import AccountsReceivable
from servicerequests import models as sm
from servicerequests import services
from servicerequests.lifecycle import TRANSITIONS
from tests.browser.conftest import (
    PHONE,
    assert_labelled,
    assert_no_horizontal_overflow,
    shot,
    sign_in,
)

pytestmark = pytest.mark.live

S = sm.LifeCycleState
FOCUSED_JS = "() => document.activeElement.name || document.activeElement.textContent.trim()"


def raise_request(type_name: str = "Technical Support", *, mine: bool = True, **fields):
    """A PENDING request of ACR001143 raised through the service, as the API would."""
    admin = User.objects.get(username="MPAdministrator")
    return services.service_request_create(
        actor=Actor.of(admin),
        type=sm.ServiceRequestType.objects.get(name=type_name),
        accounts_receivable=AccountsReceivable.objects.get(number="ACR001143"),
        status=sm.ServiceRequestStatus.objects.get(name="Pending"),
        category=sm.ServiceRequestCategory.objects.get(code="TECH"),
        urgency_level="URGENCY2",
        impact_level="IMPACT2",
        fields={"assigned_to_user": admin if mine else None, **fields},
    )


def state_of(sr) -> str:
    return sm.ServiceRequest.objects.get(pk=sr.pk).life_cycle_state


def timeline(page) -> list[str]:
    return page.locator(".timeline__item strong").all_inner_texts()


def rows(page) -> list[str]:
    return page.locator("#queue tbody a[href^='/requests/SR']").all_inner_texts()


def labelled(text: str) -> re.Pattern:
    """A field's label, with or without the required-field star."""
    return re.compile(rf"^{re.escape(text)}( \*)?$")


def card(page, action: str):
    return page.locator(f"#action-{action}")


def act(page, action: str, button: str, **selects) -> None:
    """Submit one action card, choosing ``selects`` (label -> option) first; an action that
    asks first is confirmed in the page's dialog."""
    section = card(page, action)
    for label, option in selects.items():
        section.get_by_label(labelled(label.replace("_", " "))).select_option(label=option)
    asks = section.locator("form[data-confirm]").count() > 0
    with page.expect_navigation():
        section.get_by_role("button", name=button, exact=True).click()
        if asks:
            page.get_by_role("dialog").get_by_role("button", name=re.compile("^Yes, ")).click()
    page.wait_for_load_state()


# What each step says once done (issue 11, item 5).
DONE = {
    "respond": "Response recorded.",
    "response_accept": "Response accepted.",
    "temporary_resolve": "Temporary resolution recorded.",
    "temporary_resolution_accept": "Temporary resolution accepted.",
    "final_resolve": "Final resolution recorded.",
    "final_resolution_accept": "Final resolution accepted.",
    "complete": "{number} completed.",
}


WALK = [  # action, category, state after it, (the action it blocks, why) until accepted
    (
        "respond",
        "Needs Confirmation",
        S.RESPONDED,
        ("temporary_resolve", "The customer must accept the response first."),
    ),
    ("response_accept", None, S.RESPONDED, None),
    (
        "temporary_resolve",
        "Workaround Applied",
        S.TEMPORARY_RESOLVED,
        ("final_resolve", "The customer must accept the temporary resolution first."),
    ),
    ("temporary_resolution_accept", None, S.TEMPORARY_RESOLVED, None),
    (
        "final_resolve",
        "Resolved Pending Confirmation",
        S.FINAL_RESOLVED,
        ("complete", "The customer must accept the final resolution first."),
    ),
    ("final_resolution_accept", None, S.FINAL_RESOLVED, None),
    ("complete", None, S.COMPLETED, None),
]


def test_walk_a_request_from_pending_to_completed(site, page, screenshots):
    support = [raise_request() for _ in range(3)]
    complaints = [raise_request("Customer Complaint", mine=False) for _ in range(2)]
    target = complaints[1]

    sign_in(page, site, before=lambda p: shot(p, screenshots, "01-sign-in"))
    assert sorted(rows(page)) == sorted(sr.number for sr in support)
    assert_labelled(page)
    shot(page, screenshots, "02-my-queue")

    queues = page.get_by_role("navigation", name="Queues")
    queues.get_by_role("link", name=re.compile(r"^Pending 5 items$")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Pending"
    assert len(rows(page)) == 5

    # Filter by type: only the complaints, and the 30-second refresh keeps the filter.
    page.get_by_text("Filter and search").click()
    search = page.get_by_role("search", name="Filter Pending")
    search.get_by_label("Type").select_option(label="Customer Complaint")
    search.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"type="))
    assert sorted(rows(page)) == sorted(sr.number for sr in complaints)
    refresh = page.locator("#queue").get_attribute("hx-get")
    assert refresh.startswith("/requests/queue/pending/?type=")
    assert refresh == page.url.removeprefix(site)
    assert page.locator("#queue").get_attribute("hx-trigger") == "every 30s"
    assert_labelled(page)
    shot(page, screenshots, "03-filtered-queue")

    # Search by number.
    search = page.get_by_role("search", name="Filter Pending")
    search.get_by_label("Search", exact=True).fill(target.number)
    search.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"q={target.number}"))
    assert rows(page) == [target.number]

    page.get_by_role("link", name=target.number, exact=True).click()
    page.wait_for_url(f"**/requests/{target.number}/")
    assert timeline(page) == ["Created"]
    # Only what the table allows a PENDING request: respond, cancel and the edits (a
    # PENDING request may change to another PENDING status, e.g. On Hold).
    assert page.locator(".detail__actions h2").all_inner_texts() == [
        "Respond",
        "Cancel",
        "Assign",
        "Change status",
        "Edit",
    ]
    assert_labelled(page)

    # Each step is one card: choose a category where there is one, click. Each category
    # needs the customer's acceptance, so the next step waits until it is accepted.
    steps = ["Created"]
    for action, category, state, waiting in WALK:
        label = TRANSITIONS[action].label
        act(page, action, label, **({"Category": category} if category else {}))
        steps.append(label)
        if waiting:  # the step waits for the customer, who is mailed a link (section 12)
            steps.append("Acceptance link mailed")
        assert page.get_by_role("status").inner_text() == DONE[action].format(number=target.number)
        assert timeline(page) == steps
        assert page.locator("h1 .state").inner_text() == S(state).label
        assert state_of(target) == state
        if waiting:
            next_action, message = waiting
            blocked = card(page, next_action)
            assert blocked.locator("p.muted").inner_text() == message
            assert blocked.get_by_role("button").count() == 0
            assert page.get_by_text("Awaiting the customer's acceptance").is_visible()
        if action == "respond":
            assert card(page, "final_resolve").get_by_role("button").count() == 0
            shot(page, screenshots, "04-request-detail-mid-way")
        if action == "response_accept":
            assert page.get_by_text("Accepted by Anton Marina").is_visible()

    assert page.locator("h1 .state").inner_text() == "Completed"
    # A completed request's one action is reopening it (the administrator may, within
    # CRM_REOPEN_DAYS); the life cycle's own actions are gone.
    assert page.locator("section.action h2").all_inner_texts() == ["Reopen"]
    row = sm.ServiceRequest.objects.get(pk=target.pk)
    assert (row.life_cycle_state, row.status.name) == (S.COMPLETED, "Completed")
    assert row.response_accepted_date is not None
    assert row.final_resolution_accepted_date is not None
    assert row.temporary_resolution_accepted_by.name == "Anton Marina"
    shot(page, screenshots, "05-request-completed")


def test_a_refused_edit_shows_the_error_next_to_the_field(site, page, screenshots):
    complaint = raise_request("Customer Complaint")
    before = sm.ServiceRequest.objects.filter(pk=complaint.pk).values().get()
    sign_in(page, site)
    page.goto(f"{site}/requests/{complaint.number}/")
    edit = card(page, "edit")
    edit.get_by_label("Description").fill("Changed")
    edit.get_by_label("Caller email").fill("")
    edit.get_by_role("button", name="Edit").click()
    page.wait_for_load_state()

    email = card(page, "edit").get_by_label("Caller email")
    assert email.get_attribute("aria-invalid") == "true"
    message = page.locator(f"#{email.get_attribute('aria-describedby')}")
    assert message.inner_text() == (
        "Customer Complaint emails the caller; caller_email is mandatory."
    )
    assert card(page, "edit").get_by_label("Description").input_value() == "Changed"
    assert sm.ServiceRequest.objects.filter(pk=complaint.pk).values().get() == before
    assert timeline(page) == ["Created"]
    assert_labelled(page)
    shot(page, screenshots, "06-refused-action")


def test_two_tabs_the_stale_one_is_refused_and_says_why(site, new_context):
    sr = raise_request()
    context = new_context()
    first, second = context.new_page(), context.new_page()
    sign_in(first, site)
    for tab in (first, second):
        tab.goto(f"{site}/requests/{sr.number}/")
    act(first, "cancel", "Cancel")
    assert first.locator("h1 .state").inner_text() == "Cancelled"

    card(second, "respond").get_by_label("Category").select_option(label="Acknowledged")
    with second.expect_response(f"**/requests/{sr.number}/respond/") as response:
        card(second, "respond").get_by_role("button", name="Respond").click()
    assert response.value.status == 422
    assert state_of(sr) == S.CANCELLED
    assert timeline(second) == ["Created", "Cancel"]  # nothing changed
    refusal = f"Respond is not allowed for {sr.number} in state CANCELLED."
    assert card(second, "respond").get_by_text(refusal).count() == 1
    # ... and at the top of the page, where the reloaded page starts, linked to the form.
    summary = second.locator(".error-summary")
    assert summary.get_by_role("heading").inner_text() == "Respond: nothing changed"
    assert summary.get_by_role("link", name=refusal).get_attribute("href") == "#action-respond"


def test_queue_refreshes_itself_with_its_filters(site, page):
    page.clock.install()
    sign_in(page, site)
    ours = raise_request("Customer Complaint")
    url = f"/requests/queue/pending/?type={ours.type_id}&sort=-number"
    page.goto(site + url)
    assert rows(page) == [ours.number]
    newer = raise_request("Customer Complaint")
    raise_request()  # another type: the refresh must not show it
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true" and url in r.url):
        page.clock.run_for(31_000)
    page.wait_for_function("() => document.querySelectorAll('#queue tbody tr').length == 2")
    assert rows(page) == [newer.number, ours.number]
    assert page.locator("#queue").get_attribute("hx-get") == url
    assert page.url == site + url


def test_bulk_assign_and_cancel_from_a_queue(site, page):
    pending = [raise_request() for _ in range(3)]
    responded = raise_request()
    services.service_request_respond(
        service_request=responded,
        actor=Actor.of(User.objects.get(username="MPAdministrator")),
        response=services.Step(
            category=sm.ResponseCategory.objects.get(code="ACK"),
            by=User.objects.get(username="MPAdministrator"),
            date=timezone.now(),
        ),
    )
    sign_in(page, site)
    page.goto(site + "/requests/queue/pending/?sort=number")
    for sr in pending[:2]:
        page.get_by_label(f"Select {sr.number}").check()
    page.get_by_label("Action").select_option(label="Assign to user")
    page.get_by_label("User", exact=True).select_option(label="Andreas Agent")
    page.get_by_role("button", name="Apply to selected").click()
    page.wait_for_load_state()
    assert page.url == site + "/requests/queue/pending/?sort=number"
    assert page.get_by_role("status").inner_text() == "2 requests updated."
    assignees = page.locator("#queue tbody td:last-child").all_inner_texts()
    assert [a.split(" (")[0] for a in assignees] == ["Andreas Agent"] * 2 + ["Marios Lannister"]

    # From My queue: one pending and one responded request; only the pending one cancels.
    page.goto(site + "/requests/queue/mine/?sort=number")
    page.get_by_label(f"Select {pending[2].number}").check()
    page.get_by_label(f"Select {responded.number}").check()
    page.get_by_label("Action").select_option(label="Cancel (pending only)")
    page.get_by_role("button", name="Apply to selected").click()
    dialog = page.get_by_role("dialog")
    assert dialog.get_by_text("Cancel 2 requests? They cannot be reopened.").is_visible()
    with page.expect_navigation():
        dialog.get_by_role("button", name="Yes, cancel 2 requests").click()
    page.wait_for_load_state()
    messages = page.locator(".message").all_inner_texts()
    assert messages == [
        "1 request updated.",
        f"{responded.number}: Cancel is not allowed for {responded.number} in state RESPONDED.",
    ]
    assert [state_of(sr) for sr in (pending[2], responded)] == [S.CANCELLED, S.RESPONDED]
    assert rows(page) == [responded.number]


def test_create_a_request_through_the_form(site, page, screenshots):
    sign_in(page, site)
    page.get_by_role("link", name="New request").click()
    form = page.locator("#create-form")
    # The type decides the statuses, categories and services (htmx swaps the form).
    form.get_by_label("Type").select_option(label="Technical Support")
    page.wait_for_function("() => document.querySelectorAll('#id_status option').length > 1")
    form = page.locator("#create-form")
    assert form.get_by_label("Status").locator("option").all_inner_texts() == [
        "---------",
        "On Hold (pauses the clock)",
        "Pending",
        "Waiting for Customer",
    ]
    assert form.get_by_label("Services").locator("option").all_inner_texts() == [
        "Material Delivery"
    ]
    assert form.get_by_label("Assign to me").is_checked()
    form.get_by_label("Account number").fill("ACR001143")
    form.get_by_label("Status").select_option(label="Pending")
    form.get_by_label("Category").select_option(label="Technical Issue")
    form.get_by_label("Services").select_option(label="Material Delivery")
    form.get_by_label("Description").fill("No signal since this morning")
    assert_labelled(page)
    shot(page, screenshots, "07-new-request-form")
    form.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/requests/SR\d+/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    assert page.get_by_role("status").inner_text() == f"{number} created."
    sr = sm.ServiceRequest.objects.get(number=number)
    assert (sr.description, sr.assigned_to_user.username) == (
        "No signal since this morning",
        "MPAdministrator",
    )
    assert page.locator("dd", has_text="Material Delivery").is_visible()


def test_notifications_show_the_unread_count(site, page, screenshots):
    sr = raise_request()
    admin = User.objects.get(username="MPAdministrator")
    for n, kind in enumerate((Notification.Kind.APPROACHING, Notification.Kind.OVERDUE)):
        Notification.objects.create(
            user=admin,
            kind=kind,
            service_request=sr,
            message=f"{sr.number} {kind.label}",
            key=f"browser:{n}",
            created_at=timezone.now(),
        )
    sign_in(page, site)
    link = page.get_by_role("link", name="Notifications, 2 unread")
    assert link.locator(".count").inner_text() == "2"
    link.click()
    assert page.locator(".notification--unread").count() == 2
    assert_labelled(page)
    shot(page, screenshots, "08-notifications")
    page.get_by_label(f"Select: {sr.number} past expected completion").check()
    page.get_by_role("button", name="Mark selected as read").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "1 notification(s) marked as read."
    assert page.get_by_role("link", name="Notifications, 1 unread").is_visible()
    page.get_by_role("link", name=f"{sr.number} approaching expected completion").click()
    page.wait_for_url(f"**/requests/{sr.number}/")


def test_keyboard_reaches_the_skip_link_and_the_forms(site, page):
    sr = raise_request()
    sign_in(page, site)
    page.goto(f"{site}/requests/{sr.number}/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # Tab on from the content reaches the Respond form's fields and its button.
    focused = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.add(page.evaluate(FOCUSED_JS))
    assert {"respond-category", "respond-status", "Respond"} <= focused


def test_phone_screen_has_no_horizontal_scrolling(site, new_context, screenshots):
    for _ in range(30):
        raise_request()
    page = new_context(PHONE).new_page()
    sign_in(page, site)
    page.goto(site + "/requests/queue/pending/")
    assert len(rows(page)) == 25
    assert_no_horizontal_overflow(page)
    wrap = page.locator(".table-wrap").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert wrap[0] > wrap[1]  # the table scrolls inside its wrapper instead
    # ... but each request's number, the link to it, shows without scrolling.
    box = page.locator("#queue tbody a[href^='/requests/SR']").first.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    shot(page, screenshots, "09-phone-queue")
    page.get_by_role("link", name=rows(page)[0], exact=True).click()
    page.wait_for_load_state()
    assert_no_horizontal_overflow(page)
    shot(page, screenshots, "10-phone-detail")
