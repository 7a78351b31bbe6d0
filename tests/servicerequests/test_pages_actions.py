"""The staff actions on service requests through the Django test client: an action through the
service and back to the detail page, refused actions and steps with the error next to the
field, taking a request, editing it, and bulk actions from a queue."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from servicerequests import models as sm
from tests.servicerequests.helpers import S, make_sr
from tests.servicerequests.page_helpers import error_next_to, snapshot

pytestmark = pytest.mark.django_db


# -- actions ------------------------------------------------------------------------------------


def test_an_action_goes_through_the_service_and_back_to_the_page(admin_client, demo):
    sr = make_sr()
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    ack = sm.ResponseCategory.objects.get(code="ACK")
    responded = sm.ServiceRequestStatus.objects.get(name="Responded")
    # Prefilled: the type's default status, the signed-in user, now.
    assert f'<option value="{responded.pk}" selected>Responded</option>' in page
    assert f'<option value="{demo["admin"].pk}" selected>' in page
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "respond"]),
        {
            "respond-status": responded.pk,
            "respond-category": ack.pk,
            "respond-by": demo["admin"].pk,
            "respond-date": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "respond-notes": "Called back",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sr-detail", args=[sr.number])
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (row.life_cycle_state, row.status, row.response_category) == (
        S.RESPONDED,
        responded,
        ack,
    )
    page = admin_client.get(response["Location"]).content.decode()
    assert "Response recorded." in page
    assert "<strong>Respond</strong>" in page
    assert '<p class="note">Called back</p>' in page


def test_a_refused_action_shows_the_error_next_to_the_field(admin_client, demo):
    complaint = sm.ServiceRequestType.objects.get(name="Customer Complaint")
    assert complaint.email_customer_on_status_change
    sr = make_sr(type=complaint, caller_email="m_antoniadou@crm.com")
    before = snapshot(sr)
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "edit"]),
        {
            "edit-description": "Changed",
            "edit-category": sr.category_id,
            "edit-urgency_level": "URGENCY1",
            "edit-impact_level": "IMPACT1",
            "edit-caller_email": "",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert error_next_to(page, "id_edit-caller_email") == (
        "Customer Complaint emails the caller; caller_email is mandatory."
    )
    # The form keeps what was typed.
    assert ">\nChanged</textarea>" in page
    assert snapshot(sr) == before


def test_a_refused_step_shows_the_error_of_the_field(admin_client, demo):
    """A status of another state (a tampered form) is refused by the form, next to it."""
    sr = make_sr()
    before = snapshot(sr)
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "respond"]),
        {
            "respond-status": sm.ServiceRequestStatus.objects.get(name="Completed").pk,
            "respond-category": sm.ResponseCategory.objects.get(code="ACK").pk,
            "respond-by": demo["admin"].pk,
            "respond-date": "2030-01-01T10:00",
        },
    )
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), "id_respond-status") == (
        "Select a valid choice. That choice is not one of the available choices."
    )
    assert snapshot(sr) == before


def test_an_action_waiting_for_acceptance_is_shown_blocked(admin_client, demo):
    sr = make_sr(S.RESPONDED, response="CONF")
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    blocked = re.search(
        r'id="action-temporary_resolve">\s*<h2>[^<]*</h2>\s*(.*?)</section>', page, re.S
    )
    assert '<p class="muted">The customer must accept the response first.</p>' in blocked.group(1)
    assert "<form" not in blocked.group(1)
    assert f'action="/requests/{sr.number}/response_accept/"' in page
    assert "Awaiting the customer's acceptance" in page


def test_a_stale_page_refused_by_the_life_cycle_shows_why(admin_client, demo):
    sr = make_sr()
    form = {
        "respond-status": sm.ServiceRequestStatus.objects.get(name="Responded").pk,
        "respond-category": sm.ResponseCategory.objects.get(code="ACK").pk,
        "respond-by": demo["admin"].pk,
        "respond-date": "2030-01-01T10:00",
    }
    # Another tab cancels it first.
    admin_client.post(
        reverse("sr-action", args=[sr.number, "cancel"]),
        {"cancel-status": sm.ServiceRequestStatus.objects.get(name="Cancel").pk, "confirmed": "1"},
    )
    before = snapshot(sr)
    response = admin_client.post(reverse("sr-action", args=[sr.number, "respond"]), form)
    assert response.status_code == 422
    assert snapshot(sr) == before
    assert f"Respond is not allowed for {sr.number} in state CANCELLED." in html.unescape(
        response.content.decode()
    )


def test_unknown_action_is_404(admin_client, demo):
    sr = make_sr()
    assert admin_client.post(reverse("sr-action", args=[sr.number, "delete"])).status_code == 404
    assert admin_client.get(reverse("sr-action", args=[sr.number, "delete"])).status_code == 404


def test_take_assigns_to_me(agent_client, demo):
    sr = make_sr(privacy_level=demo["public"])
    response = agent_client.post(reverse("sr-take", args=[sr.number]), follow=True)
    assert f"{sr.number} is now assigned to you." in response.content.decode()
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (row.assigned_to_user, row.assigned_to_unit) == (demo["agent"], demo["unit"])


def test_editing_the_description_keeps_the_expected_completion_and_the_flags(admin_client, demo):
    now = timezone.now()
    expected = (now - timedelta(hours=2)).replace(second=37, microsecond=120000)
    sr = make_sr(
        start_date=now - timedelta(days=1),
        expected_completion_date=expected,
        approaching_completion=now - timedelta(hours=5),
        overdue_flagged_at=now - timedelta(hours=1),
    )
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    shown = re.search(r'name="edit-expected_completion_date" value="([^"]*)"', page).group(1)
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "edit"]),
        {
            "edit-description": "Only this changes",
            "edit-category": sr.category_id,
            "edit-urgency_level": sr.urgency_level,
            "edit-impact_level": sr.impact_level,
            "edit-expected_completion_date": shown,
            "edit-caller_email": sr.caller_email or "",
        },
    )
    assert response.status_code == 302
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert row.description == "Only this changes"
    assert (row.expected_completion_date, row.approaching_completion, row.overdue_flagged_at) == (
        sr.expected_completion_date,
        sr.approaching_completion,
        sr.overdue_flagged_at,
    )


# -- bulk actions -------------------------------------------------------------------------------


def test_bulk_assign_to_a_user_and_to_a_group(admin_client, demo):
    rows = [make_sr(), make_sr(), make_sr()]
    response = admin_client.post(
        reverse("sr-bulk"),
        {
            "selected": [rows[0].number, rows[1].number],
            "operation": "assign_user",
            "user": demo["agent"].pk,
            "next": "/requests/queue/pending/?sort=number",
        },
    )
    assert response["Location"] == "/requests/queue/pending/?sort=number"
    assigned = dict(sm.ServiceRequest.objects.values_list("number", "assigned_to_user"))
    assert [assigned[r.number] for r in rows] == [demo["agent"].pk, demo["agent"].pk, None]
    page = admin_client.get(response["Location"]).content.decode()
    assert "2 requests updated." in page

    admin_client.post(
        reverse("sr-bulk"),
        {"selected": [rows[2].number], "operation": "assign_group", "group": demo["group"].pk},
    )
    assert sm.ServiceRequest.objects.get(pk=rows[2].pk).owned_by_group == demo["group"]


def test_bulk_cancel_cancels_the_pending_and_refuses_the_others(admin_client, demo):
    pending = [make_sr(), make_sr()]
    responded = make_sr(S.RESPONDED)
    before = snapshot(responded)
    response = admin_client.post(
        reverse("sr-bulk"),
        {
            "selected": [*(r.number for r in pending), responded.number],
            "operation": "cancel",
            "confirmed": "1",
        },
        follow=True,
    )
    page = html.unescape(response.content.decode())
    assert "2 requests updated." in page
    assert f"{responded.number}: Cancel is not allowed for {responded.number} in state " in page
    states = [sm.ServiceRequest.objects.get(pk=r.pk).life_cycle_state for r in pending]
    assert states == [S.CANCELLED, S.CANCELLED]
    assert sm.ServiceRequest.objects.get(pk=pending[0].pk).cancellation_reason.name == (
        "Cancellation Reason A"
    )
    assert snapshot(responded) == before
