"""A step to a state for which the type allows no status could never succeed, so the page
does not offer it (issue 11, item 6); the forms take their prefilled status from the same
default-status lookup as the services, and a state without a default leaves the field
empty."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jobs import models as jm
from servicerequests import models as sm
from servicerequests.forms import CompleteForm
from tests.pages.pagetools import offered
from tests.servicerequests.helpers import S, make_sr

pytestmark = pytest.mark.django_db


def page_of(client, url_name: str, number: str) -> str:
    return client.get(reverse(url_name, args=[number])).content.decode()


def status_select(page: str, action: str) -> str:
    return re.search(rf'<select name="{action}-status".*?</select>', page, re.S).group(0)


def test_a_request_type_without_a_completed_status_offers_no_complete(admin_client):
    sr = make_sr(S.FINAL_RESOLVED)
    assert "complete" in offered(page_of(admin_client, "sr-detail", sr.number))
    sm.ServiceRequestTypeStatus.objects.filter(type=sr.type, life_cycle_state=S.COMPLETED).delete()
    page = page_of(admin_client, "sr-detail", sr.number)
    assert offered(page) == ["final_resolution_accept", "assign", "edit"]
    assert f"/requests/{sr.number}/complete/" not in page


def test_a_request_type_without_a_cancelled_status_offers_no_cancel(admin_client):
    sr = make_sr()
    sm.ServiceRequestTypeStatus.objects.filter(type=sr.type, life_cycle_state=S.CANCELLED).delete()
    page = page_of(admin_client, "sr-detail", sr.number)
    assert offered(page) == ["respond", "assign", "status", "edit"]


def test_a_state_without_a_default_status_leaves_the_field_empty(admin_client, demo):
    sr = make_sr()
    sm.ServiceRequestTypeStatus.objects.filter(type=sr.type, life_cycle_state=S.RESPONDED).update(
        is_default=False
    )
    page = page_of(admin_client, "sr-detail", sr.number)
    assert "respond" in offered(page)  # statuses to choose from, none chosen for the person
    select = status_select(page, "respond")
    assert '<option value="" selected>---------</option>' in select
    assert select.count(" selected>") == 1
    form = CompleteForm(sr=make_sr(S.FINAL_RESOLVED), user=demo["admin"], prefix="complete")
    completed = sm.ServiceRequestTypeStatus.objects.get(
        type=sr.type, life_cycle_state=S.COMPLETED, is_default=True
    )
    assert form.fields["status"].initial == completed.status_id


def test_a_job_type_without_a_completed_status_offers_no_complete(admin_client, make_job):
    job = make_job("IN_PROGRESS")
    assert offered(page_of(admin_client, "job-detail", job.number)) == [
        "complete",
        "cancel",
        "edit",
    ]
    jm.JobTypeStatus.objects.filter(type=job.type, life_cycle_state="COMPLETED").delete()
    page = page_of(admin_client, "job-detail", job.number)
    assert offered(page) == ["cancel", "edit"]
    assert f"/jobs/{job.number}/complete/" not in page


def test_a_job_state_without_a_default_status_leaves_the_field_empty(admin_client, make_job):
    job = make_job("DRAFT")
    jm.JobTypeStatus.objects.filter(type=job.type, life_cycle_state="PENDING").update(
        is_default=False
    )
    page = page_of(admin_client, "job-detail", job.number)
    assert "submit" in offered(page)
    select = status_select(page, "submit")
    assert '<option value="" selected>---------</option>' in select
    assert select.count(" selected>") == 1


def test_the_job_create_form_uses_the_services_default(admin_client):
    """No DRAFT default: the service creates in the PENDING default; the form says so."""
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    jm.JobTypeStatus.objects.filter(type=job_type, life_cycle_state="DRAFT").update(
        is_default=False
    )
    pending = jm.JobTypeStatus.objects.get(
        type=job_type, life_cycle_state="PENDING", is_default=True
    )
    page = admin_client.get(reverse("job-create")).content.decode()
    status = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)" selected>', status) == [pending.status_id]
