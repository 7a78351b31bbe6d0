"""Cancel (requests and jobs) and job Complete ask first, saying what they will do (issue 11,
item 4). With JavaScript the page's dialog asks (the form carries the question); without it
the server answers the first POST, which has no ``confirmed=1``, with the question instead of
acting. Bulk cancel on the queue asks the same way."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from customers.models import Subscription
from jobs import models as jm
from servicerequests import models as sm
from tests.jobs.conftest import snapshot as job_snapshot
from tests.pages.pagetools import (
    confirm_step,
    form_fields,
    hidden_fields,
    messages_of,
    opening_tag,
)
from tests.servicerequests.helpers import S, make_sr

pytestmark = pytest.mark.django_db


def sr_snapshot(sr: sm.ServiceRequest) -> dict:
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    return {
        "row": {f.attname: getattr(row, f.attname) for f in sm.ServiceRequest._meta.fields},
        "events": list(row.events.values()),
    }


# -- with JavaScript: the question is on the page ----------------------------------------------


def test_the_cancel_form_carries_its_question_for_the_script(admin_client):
    sr = make_sr()
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    assert '<script src="/static/js/crm.js" defer></script>' in page
    assert '<dialog id="confirm-dialog"' in page
    cancel = opening_tag(page, rf'<form method="post" action="/requests/{sr.number}/cancel/"')
    assert f'data-confirm="Cancel {sr.number}? It cannot be reopened."' in cancel
    assert f'data-confirm-yes="Yes, cancel {sr.number}"' in cancel
    assert 'data-confirm-no="No, go back"' in cancel
    # Only the actions the table marks asks_first ask.
    respond = opening_tag(page, rf'<form method="post" action="/requests/{sr.number}/respond/"')
    assert "data-confirm" not in respond


def test_the_job_forms_carry_their_questions(admin_client, make_job):
    job = make_job("IN_PROGRESS")
    page = admin_client.get(reverse("job-detail", args=[job.number])).content.decode()
    complete = opening_tag(page, rf'<form method="post" action="/jobs/{job.number}/complete/"')
    subscription = job.subscription.number
    assert (
        f'data-confirm="Complete {job.number}? This deactivates subscription {subscription}."'
        in complete
    )
    assert f'data-confirm-yes="Yes, complete {job.number}"' in complete
    cancel = opening_tag(page, rf'<form method="post" action="/jobs/{job.number}/cancel/"')
    assert f'data-confirm="Cancel {job.number}? It cannot be reopened."' in cancel
    edit = opening_tag(page, rf'<form method="post" action="/jobs/{job.number}/edit/"')
    assert "data-confirm" not in edit


def test_the_bulk_form_carries_the_cancel_question(admin_client):
    make_sr()
    page = admin_client.get(reverse("sr-queue", args=["pending"])).content.decode()
    bulk = opening_tag(page, r'<form method="post" action="/requests/bulk/"')
    assert 'data-confirm-operation="cancel"' in bulk
    assert 'data-confirm-one="Cancel 1 request? It cannot be reopened."' in bulk
    assert 'data-confirm-many="Cancel {count} requests? They cannot be reopened."' in bulk
    assert 'data-confirm-yes-many="Yes, cancel {count} requests"' in bulk


# -- without JavaScript: the server asks ------------------------------------------------------


def test_cancelling_a_request_asks_first_and_changes_nothing(admin_client):
    sr = make_sr()
    url = reverse("sr-action", args=[sr.number, "cancel"])
    page = admin_client.get(reverse("sr-detail", args=[sr.number])).content.decode()
    form = {**form_fields(page, "action-cancel"), "cancel-notes": "A duplicate"}
    before = sr_snapshot(sr)

    response = admin_client.post(url, form)

    assert response.status_code == 200
    step = confirm_step(response.content.decode())
    assert '<h2 id="confirm-step-title">Are you sure?</h2>' in step
    assert f"Cancel {sr.number}? It cannot be reopened." in step
    assert f'<a class="button" href="/requests/{sr.number}/">No, go back</a>' in step
    yes = f'<button type="submit" class="button button--danger">Yes, cancel {sr.number}</button>'
    assert yes in step
    assert f'action="{url}"' in step
    # It sends what the person sent once more, now confirmed.
    assert sorted(hidden_fields(step)) == sorted(
        [*((name, value) for name, value in form.items()), ("confirmed", "1")]
    )
    assert sr_snapshot(sr) == before

    response = admin_client.post(url, dict(hidden_fields(step)), follow=True)
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert row.life_cycle_state == S.CANCELLED
    assert row.events.last().note == "A duplicate"
    assert messages_of(response.content.decode()) == [("success", f"{sr.number} cancelled.")]


def test_an_invalid_cancel_shows_its_error_before_asking(admin_client):
    """A form the server would refuse anyway is not asked about: its errors come first."""
    sr = make_sr()
    before = sr_snapshot(sr)
    response = admin_client.post(
        reverse("sr-action", args=[sr.number, "cancel"]), {"cancel-status": "nonsense"}
    )
    assert response.status_code == 422
    assert confirm_step(response.content.decode()) is None
    assert sr_snapshot(sr) == before


def test_completing_a_job_asks_first_and_says_it_deactivates_the_subscription(
    admin_client, make_job
):
    job = make_job("IN_PROGRESS")
    url = reverse("job-action", args=[job.number, "complete"])
    page = admin_client.get(reverse("job-detail", args=[job.number])).content.decode()
    form = form_fields(page, "action-complete")
    before = job_snapshot(job)

    response = admin_client.post(url, form)

    assert response.status_code == 200
    step = confirm_step(response.content.decode())
    subscription = Subscription.objects.get(pk=job.subscription_id)
    assert f"Complete {job.number}? This deactivates subscription {subscription.number}." in step
    assert f"Yes, complete {job.number}</button>" in step
    assert job_snapshot(job) == before

    response = admin_client.post(url, dict(hidden_fields(step)), follow=True)
    assert jm.Job.objects.get(pk=job.pk).life_cycle_state == "COMPLETED"
    subscription.refresh_from_db()
    assert subscription.life_cycle_state == Subscription.LifeCycleState.NOT_EFFECTIVE
    assert messages_of(response.content.decode()) == [
        (
            "success",
            f"{job.number} completed; subscription {subscription.number} is no longer effective.",
        )
    ]


def test_cancelling_a_job_asks_first(admin_client, make_job):
    job = make_job("PENDING")
    url = reverse("job-action", args=[job.number, "cancel"])
    page = admin_client.get(reverse("job-detail", args=[job.number])).content.decode()
    before = job_snapshot(job)
    response = admin_client.post(url, form_fields(page, "action-cancel"))
    step = confirm_step(response.content.decode())
    assert f"Cancel {job.number}? It cannot be reopened." in step
    assert job_snapshot(job) == before
    admin_client.post(url, dict(hidden_fields(step)))
    assert jm.Job.objects.get(pk=job.pk).life_cycle_state == "CANCELLED"


def test_an_action_that_does_not_ask_acts_at_once(admin_client, make_job):
    job = make_job("DRAFT")
    page = admin_client.get(reverse("job-detail", args=[job.number])).content.decode()
    response = admin_client.post(
        reverse("job-action", args=[job.number, "submit"]), form_fields(page, "action-submit")
    )
    assert response.status_code == 302
    assert jm.Job.objects.get(pk=job.pk).life_cycle_state == "PENDING"


def test_bulk_cancel_asks_first_and_lists_the_requests(admin_client):
    rows = [make_sr(), make_sr(), make_sr()]
    back = "/requests/queue/pending/?sort=number"
    form = {"selected": [r.number for r in rows], "operation": "cancel", "next": back}
    before = [sr_snapshot(r) for r in rows]

    response = admin_client.post(reverse("sr-bulk"), form)

    assert response.status_code == 200
    step = confirm_step(response.content.decode())
    assert "Cancel 3 requests? They cannot be reopened." in step
    assert re.findall(r"<li>(SR[^<]+)</li>", step) == [r.number for r in rows]
    assert "Yes, cancel 3 requests</button>" in step
    assert f'<a class="button" href="{back}">No, go back</a>' in step
    assert [sr_snapshot(r) for r in rows] == before

    response = admin_client.post(reverse("sr-bulk"), {**form, "confirmed": "1"})
    assert response["Location"] == back
    states = {sm.ServiceRequest.objects.get(pk=r.pk).life_cycle_state for r in rows}
    assert states == {S.CANCELLED}


def test_bulk_cancel_of_one_request_asks_in_the_singular(admin_client):
    sr = make_sr()
    response = admin_client.post(reverse("sr-bulk"), {"selected": sr.number, "operation": "cancel"})
    step = confirm_step(response.content.decode())
    assert "Cancel 1 request? It cannot be reopened." in step
    assert "Yes, cancel 1 request</button>" in step
    assert sm.ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == S.PENDING


def test_bulk_assignment_does_not_ask(admin_client, demo):
    sr = make_sr()
    response = admin_client.post(
        reverse("sr-bulk"),
        {"selected": sr.number, "operation": "assign_user", "user": demo["agent"].pk},
    )
    assert response.status_code == 302
    assert sm.ServiceRequest.objects.get(pk=sr.pk).assigned_to_user == demo["agent"]
