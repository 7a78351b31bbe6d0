"""Saved views in headless Chromium (issue 13, item 4): MPAdministrator filters a queue,
saves it shared with Main Group and sees it in the sidebar with its count; the agent, in
Main Group too, opens the view's link and sees it, with only the rows the agent may see."""

from __future__ import annotations

import re

import pytest

from crm.models import PrivacyLevel
from savedviews.models import SavedView
from servicerequests import models as sm
from tests.browser.conftest import assert_labelled, shot, sign_in
from tests.browser.test_service_request_flow import rows
from tests.factories import make_service_request

pytestmark = pytest.mark.live

NAME = "Team complaints"


def complaints() -> dict[str, list[str]]:
    """Three pending complaints: two public, one restricted (hidden from the agent)."""
    complaint = sm.ServiceRequestType.objects.get(name="Customer Complaint")
    assert not sm.ServiceRequest.objects.filter(type=complaint, life_cycle_state="PENDING")
    made = {}
    for level in ("Public", "Public", "Restricted"):
        privacy = PrivacyLevel.objects.get(name=level)
        made.setdefault(level, []).append(
            make_service_request(type=complaint, privacy_level=privacy).number
        )
    return {"admin": sorted(made["Public"] + made["Restricted"]), "agent": sorted(made["Public"])}


def saved_link(page):
    return page.get_by_role("navigation", name="Queues").get_by_role(
        "link", name=re.compile(rf"^{NAME}")
    )


def test_save_a_view_shared_with_the_group_and_open_it_as_a_member(site, new_context, screenshots):
    expected = complaints()
    admin = new_context().new_page()
    sign_in(admin, site)
    admin.goto(site + "/requests/queue/pending/?sort=number")
    admin.get_by_text("Filter and search").click()
    search = admin.get_by_role("search", name="Filter Pending")
    search.get_by_label("Type").select_option(label="Customer Complaint")
    search.get_by_role("button", name="Apply").click()
    admin.wait_for_url(re.compile(r"type="))
    assert sorted(rows(admin)) == expected["admin"]

    admin.locator("#save-view summary").click()
    form = admin.get_by_role("form", name="Save this view")
    form.get_by_label("Name").fill(NAME)
    form.get_by_label("Share with").select_option(label="Main Group")
    form.get_by_role("button", name="Save view").click()
    admin.wait_for_url(re.compile(r"view="))
    view = SavedView.objects.get()
    assert (view.name, view.shared_with.name, view.queue) == (NAME, "Main Group", "pending")
    assert admin.get_by_role("heading", level=1).inner_text() == NAME
    assert sorted(rows(admin)) == expected["admin"]
    link = saved_link(admin)
    assert link.inner_text().split() == [*NAME.split(), "(shared", "with", "Main", "Group)", "3"]
    assert link.get_attribute("aria-current") == "page"
    assert_labelled(admin)
    shot(admin, screenshots, "60-saved-view-admin")
    url = site + link.get_attribute("href")

    agent = new_context().new_page()
    sign_in(agent, site, "agent")
    assert saved_link(agent).inner_text().split() == [*NAME.split(), "(Main", "Group)", "2"]
    agent.goto(url)
    agent.wait_for_url(re.compile(rf"view={view.pk}"))
    assert agent.get_by_role("heading", level=1).inner_text() == NAME
    assert sorted(rows(agent)) == expected["agent"]
    assert saved_link(agent).inner_text().split()[-1] == "2"
    # A member may open the view, not change it.
    assert agent.get_by_role("link", name="Rename, share or delete").count() == 0
    assert_labelled(agent)
    shot(agent, screenshots, "61-saved-view-agent")

    # Back as the owner: deleting asks first, in the page's dialog; "No" keeps the view.
    admin.get_by_role("link", name="Rename, share or delete").click()
    admin.wait_for_url(f"**/views/{view.pk}/edit/")
    assert_labelled(admin)
    delete = admin.get_by_role("button", name="Delete view")
    delete.click()
    dialog = admin.locator("#confirm-dialog")
    assert dialog.is_visible()
    assert admin.locator("#confirm-dialog-question").inner_text() == (
        f"Delete the saved view “{NAME}”? Main Group will no longer see it."
        " The queue itself stays as it is."
    )
    admin.get_by_role("button", name="No, go back").click()
    assert admin.url.endswith(f"/views/{view.pk}/edit/")
    assert SavedView.objects.filter(pk=view.pk).exists()
    delete.click()
    admin.get_by_role("button", name="Yes, delete the view").click()
    admin.wait_for_url(re.compile(r"/requests/queue/pending/$"))
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert saved_link(admin).count() == 0
