"""Customer history in headless Chromium (issue 13, item 3): from a request's page, follow its
account to the account's other requests and jobs with their counts by state, filter by a
count, and follow the caller to the caller's own requests."""

from __future__ import annotations

import re

import pytest

from crm.actor import Actor
from crm.models import PrivacyLevel, User
from customers.models import AccountsReceivable, Contact
from servicerequests import models as sm
from servicerequests import services
from tests.browser.conftest import PHONE, assert_no_horizontal_overflow, shot, sign_in

pytestmark = pytest.mark.live

ACCOUNT = "ACR001143"
RELATIVE = "0D0D6C1F6A4B4F1E9D2C3B4A59687766"  # Anton Andreas, related to ACR001143


def raise_request(description: str, *, caller: Contact | None = None, **fields):
    """A PENDING request of ACR001143 raised through the service, as the API would."""
    return services.service_request_create(
        actor=Actor.of(User.objects.get(username="MPAdministrator")),
        type=sm.ServiceRequestType.objects.get(name="Technical Support"),
        accounts_receivable=AccountsReceivable.objects.get(number=ACCOUNT),
        caller=caller,
        status=sm.ServiceRequestStatus.objects.get(name="Pending"),
        category=sm.ServiceRequestCategory.objects.get(code="TECH"),
        urgency_level="URGENCY2",
        impact_level="IMPACT2",
        fields={"description": description, **fields},
    )


def listed(page, prefix: str) -> list[str]:
    return page.locator(f"#{prefix}-history tbody td:first-child a").all_inner_texts()


def count_link(page, prefix: str, label: str):
    states = page.locator(f"#{prefix}-history").get_by_role("navigation")
    return states.get_by_role("link", name=re.compile(rf"^{label} \d+$"))


def counts(page, prefix: str) -> dict[str, str]:
    links = page.locator(f"#{prefix}-history .state-counts a")
    return dict(
        zip(
            links.evaluate_all("els => els.map(e => e.dataset.state)"),
            links.locator(".count").all_inner_texts(),
            strict=True,
        )
    )


def test_from_a_request_to_its_customers_history(site, page, screenshots):
    relative = Contact.objects.get(pk=RELATIVE)
    older = [raise_request(f"Decoder {i} is down\nsince Monday") for i in range(3)]
    admin = Actor.of(User.objects.get(username="MPAdministrator"))
    services.service_request_cancel(service_request=older[0], actor=admin)
    by_relative = raise_request("Billing question", caller=relative)
    restricted = PrivacyLevel.objects.get(name="Restricted")
    hidden = raise_request("Restricted matter", privacy_level=restricted)
    current = raise_request("Remote control lost")

    sign_in(page, site)
    page.goto(f"{site}/requests/{current.number}/")
    customer = page.locator("#customer-title").locator("xpath=..")
    customer.get_by_role("link", name=ACCOUNT, exact=True).click()
    page.wait_for_url(f"**/customers/accounts/{ACCOUNT}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Account {ACCOUNT}")
    everything = [current, hidden, by_relative, *reversed(older)]
    assert listed(page, "sr") == [sr.number for sr in everything]
    assert counts(page, "sr") == {
        "": "6",
        "PENDING": "5",
        "RESPONDED": "0",
        "TEMPORARY_RESOLVED": "0",
        "FINAL_RESOLVED": "0",
        "COMPLETED": "0",
        "CANCELLED": "1",
    }
    # JOB000814 is ACR001179's: this account has no job.
    assert counts(page, "job")[""] == "0"
    assert page.locator("#sr-history tbody tr").first.locator("td").nth(1).inner_text() == (
        "Remote control lost"
    )
    shot(page, screenshots, "60-account-history")

    # A count filters the list to its state.
    count_link(page, "sr", "Cancelled").click()
    page.wait_for_url(re.compile(r"\?sr_state=CANCELLED"))
    assert listed(page, "sr") == [older[0].number]
    assert page.locator("#sr-history h2").inner_text() == "Service requests: Cancelled"
    with page.expect_navigation():
        count_link(page, "sr", "All").click()
    assert listed(page, "sr") == [sr.number for sr in everything]

    # Back on a request, its caller leads to the caller's own requests.
    page.get_by_role("link", name=by_relative.number, exact=True).click()
    page.wait_for_url(f"**/requests/{by_relative.number}/")
    customer = page.locator("#customer-title").locator("xpath=..")
    customer.get_by_role("link", name=relative.name, exact=True).click()
    page.wait_for_url(f"**/customers/contacts/{RELATIVE}/")
    assert page.get_by_role("heading", level=1).inner_text() == relative.name
    assert listed(page, "sr") == [by_relative.number]
    assert counts(page, "sr")["PENDING"] == "1"
    shot(page, screenshots, "61-contact-history")

    # The agent (clearance Public) neither sees nor counts the restricted request.
    context = page.context.browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        agent = context.new_page()
        sign_in(agent, site, "agent")
        agent.goto(f"{site}/customers/accounts/{ACCOUNT}/")
        assert hidden.number not in listed(agent, "sr")
        assert len(listed(agent, "sr")) == 5
        assert counts(agent, "sr")[""] == "5"
        assert counts(agent, "sr")["PENDING"] == "4"
        assert_no_horizontal_overflow(agent)
        shot(agent, screenshots, "62-account-history-phone")
    finally:
        context.close()
