"""The timeline in words (issue 11, item 3, the page side): each event shows what changed,
field by field ("Assignee: nobody → Agent Smith"), and its note; events without a field
list (older rows) show none. Requests and jobs share one include."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs import models as jm
from servicerequests import models as sm
from tests.servicerequests.helpers import make_sr

pytestmark = pytest.mark.django_db

FIELDS = {
    "fields": [
        {"name": "assigned_to", "label": "Assignee", "old": "nobody", "new": "Agent Smith"},
        {
            "name": "expected_completion_date",
            "label": "Expected completion",
            "old": "2026-12-01 10:00",
            "new": "2026-12-03 10:00",
        },
        {"name": "description", "label": "Description", "old": "", "new": "<b>Loud</b>"},
    ]
}


def lines(page: str) -> list[str]:
    """Each change line as a person reads it (the words for screen readers left out)."""
    found = re.findall(r'<li class="changes__item">(.*?)</li>', page, re.S)
    cleaned = (re.sub(r'<span class="visually-hidden">[^<]*</span>', "", line) for line in found)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cleaned]


def event_values(record, status, **values) -> dict:
    return {
        "action": "update",
        "from_state": record.life_cycle_state,
        "to_state": record.life_cycle_state,
        "from_status": status,
        "to_status": status,
        "created_at": timezone.now(),
        **values,
    }


def test_a_request_event_shows_its_changes_and_its_reason(admin_client, demo):
    sr = make_sr()
    sm.ServiceRequestEvent.objects.create(
        service_request=sr,
        **event_values(sr, sr.status, user=demo["admin"], note="The customer is away"),
        changes=FIELDS,
    )
    sm.ServiceRequestEvent.objects.create(  # an older row: another shape, no field list
        service_request=sr, **event_values(sr, sr.status), changes={"performed_by": "x"}
    )
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    assert lines(page) == [
        "Assignee: nobody → Agent Smith",
        "Expected completion: 2026-12-01 10:00 → 2026-12-03 10:00",
        "Description: — → <b>Loud</b>",  # escaped on the page, an empty value as a dash
    ]
    assert "&lt;b&gt;Loud&lt;/b&gt;" in page
    assert '<span class="visually-hidden">changed to</span>' in page
    assert '<p class="note">The customer is away</p>' in page
    assert page.count('<ul class="changes"') == 1
    # A status that stays is not shown as "Pending → Pending".
    assert f"{sr.status.name} → {sr.status.name}" not in page


def test_a_job_event_shows_its_changes_the_same_way(admin_client, make_job):
    job = make_job("DRAFT")
    jm.JobEvent.objects.create(job=job, **event_values(job, job.status), changes=FIELDS)
    page = admin_client.get(reverse("job-detail", args=[job.number])).content.decode()
    assert lines(page)[:2] == [
        "Assignee: nobody → Agent Smith",
        "Expected completion: 2026-12-01 10:00 → 2026-12-03 10:00",
    ]
    assert "by the system:" in page
