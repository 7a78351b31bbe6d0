"""Moving a request's expected completion date from the page asks why (issue 11, item 8):
the reason is required only when the date moves, and goes to the service as the event's
note, which the timeline shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from servicerequests import models as sm
from tests.pages.pagetools import form_fields
from tests.servicerequests.helpers import make_sr

pytestmark = pytest.mark.django_db


def snapshot(sr) -> dict:
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    return {
        "row": {f.attname: getattr(row, f.attname) for f in sm.ServiceRequest._meta.fields},
        "events": list(row.events.values()),
    }


def edit_form(client, sr, **changes) -> dict:
    page = client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    form = form_fields(page, "action-edit")
    form.update({f"edit-{name}": value for name, value in changes.items()})
    return form


def later(sr, days: int = 2) -> str:
    moved = timezone.localtime(sr.expected_completion_date) + timedelta(days=days)
    return moved.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def sr():
    return make_sr(expected_completion_date=timezone.now() + timedelta(days=1))


def test_moving_the_date_without_a_reason_is_refused(admin_client, sr):
    before = snapshot(sr)
    url = reverse("sr-action", args=[sr.number, "edit"])
    response = admin_client.post(
        url, edit_form(admin_client, sr, expected_completion_date=later(sr))
    )
    assert response.status_code == 422
    page = response.content.decode()
    error = re.search(r'<p class="error" id="id_edit-reason_error" role="alert">([^<]*)</p>', page)
    assert error.group(1) == "Say why the expected completion date moves."
    # Said at the top of the page too, where the reloaded page starts.
    assert "Edit: nothing changed" in page
    assert snapshot(sr) == before


def test_a_blank_reason_is_no_reason(admin_client, sr):
    before = snapshot(sr)
    form = edit_form(admin_client, sr, expected_completion_date=later(sr), reason="   ")
    response = admin_client.post(reverse("sr-action", args=[sr.number, "edit"]), form)
    assert response.status_code == 422
    assert snapshot(sr) == before


def test_other_changes_need_no_reason(admin_client, sr):
    form = edit_form(admin_client, sr, description="Only this")
    response = admin_client.post(reverse("sr-action", args=[sr.number, "edit"]), form)
    assert response.status_code == 302
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (row.description, row.expected_completion_date) == (
        "Only this",
        sr.expected_completion_date,
    )


def test_the_reason_goes_with_the_move_to_the_timeline(admin_client, sr):
    form = edit_form(
        admin_client, sr, expected_completion_date=later(sr), reason="Parts arrive on Friday"
    )
    response = admin_client.post(reverse("sr-action", args=[sr.number, "edit"]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert timezone.localtime(row.expected_completion_date).strftime("%Y-%m-%dT%H:%M") == later(sr)
    assert row.events.order_by("created_at").last().note == "Parts arrive on Friday"
    page = admin_client.get(response["Location"]).content.decode()
    assert '<p class="note">Parts arrive on Friday</p>' in page
