"""Service levels in headless Chromium (contract section 8): an agent puts a request on
hold and back, sees the countdown say "paused" and the target move, reads the Service
level card, and finds requests in the At risk and Breached queues."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from servicerequests import models as sm
from tests.browser.conftest import assert_labelled, shot, sign_in
from tests.browser.test_service_request_flow import act, raise_request, rows, timeline

pytestmark = pytest.mark.live


def card_lines(page) -> dict[str, str]:
    section = page.get_by_role("region", name="Service level")
    terms = section.locator("dt").all_inner_texts()
    return dict(zip(terms, section.locator("dd").all_inner_texts(), strict=True))


def test_put_a_request_on_hold_and_back(site, page, screenshots):
    sr = raise_request()
    before = sr.expected_completion_date
    sign_in(page, site)
    page.goto(f"{site}/requests/{sr.number}/")

    lines = card_lines(page)
    assert lines["Status"] == "On track"
    assert lines["Clock"] == "Running (Pending)"
    assert lines["Calendar"] == "Around the clock"
    assert lines["Target"] == "72 hours"  # P3's completion target of the demo type
    assert page.locator("header .badge").inner_text().endswith("left")

    change = page.locator("#action-status")
    options = change.get_by_label(re.compile("^Status")).locator("option").all_inner_texts()
    assert "On Hold (pauses the clock)" in options
    assert_labelled(page)
    act(page, "status", "Change status", Status="On Hold (pauses the clock)")
    assert (
        page.get_by_role("status").inner_text() == "Status changed."
        or page.get_by_text("Status changed.").is_visible()
    )
    assert page.locator("header .badge").inner_text().startswith("paused")
    assert card_lines(page)["Clock"].startswith("Paused since")
    shot(page, screenshots, "sla-on-hold")

    page.wait_for_timeout(1500)
    act(page, "status", "Change status", Status="Pending")
    sr.refresh_from_db()
    assert sr.sla_paused_since is None
    assert sr.sla_paused_seconds >= 1
    assert sr.expected_completion_date - before == timedelta(seconds=sr.sla_paused_seconds)
    assert card_lines(page)["Clock"] == "Running (Pending)"
    assert timeline(page)[-2:] == ["Updated", "Updated"]
    page_text = page.locator(".timeline").inner_text()
    # "changed to" is for screen readers (visually hidden).
    assert re.search(r"Service-level clock: Running →\s*(changed to)?\s*Paused", page_text)
    assert re.search(r"Service-level clock: Paused →\s*(changed to)?\s*Running", page_text)


def test_at_risk_and_breached_queues(site, page, screenshots):
    now = timezone.now()
    late = raise_request(start_date=now - timedelta(days=5))  # 3-day target: breached
    risky = raise_request(start_date=now - timedelta(days=2, hours=12))  # 12 hours left
    calm = raise_request()
    sign_in(page, site)

    page.get_by_role("link", name=re.compile("^At risk")).click()
    page.wait_for_url("**/queue/at-risk/")
    assert rows(page) == [risky.number]
    assert page.locator("#queue .badge").inner_text().endswith("left")

    page.get_by_role("link", name=re.compile("^Breached")).click()
    page.wait_for_url("**/queue/breached/")
    assert rows(page) == [late.number]
    assert page.locator("#queue .badge").inner_text().endswith("over")
    shot(page, screenshots, "sla-breached-queue")
    assert calm.number not in rows(page)
    assert sm.ServiceRequest.objects.filter(pk=calm.pk, sla_at_risk_date__gt=now).exists()
