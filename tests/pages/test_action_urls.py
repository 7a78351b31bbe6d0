"""Reloading an action's address after a refused form (the address bar shows e.g.
``/requests/SR00000001/respond/``) shows the record's page instead of a 405 (issue 11,
item 4), for requests and jobs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jobs.forms import ACTION_FORMS as JOB_ACTIONS
from servicerequests.forms import ACTION_FORMS as SR_ACTIONS
from tests.servicerequests.helpers import make_sr

pytestmark = pytest.mark.django_db


def test_a_get_on_a_request_action_goes_to_the_request(admin_client):
    sr = make_sr()
    detail = reverse("sr-detail", args=[sr.number])
    for action in SR_ACTIONS:
        response = admin_client.get(reverse("sr-action", args=[sr.number, action]))
        assert (response.status_code, response["Location"]) == (302, detail), action
    response = admin_client.get(reverse("sr-take", args=[sr.number]))
    assert (response.status_code, response["Location"]) == (302, detail)
    assert admin_client.get(reverse("sr-action", args=[sr.number, "delete"])).status_code == 404


def test_reloading_after_a_refused_form_shows_the_page(admin_client):
    sr = make_sr()
    url = reverse("sr-action", args=[sr.number, "respond"])
    assert admin_client.post(url, {"respond-status": "x"}).status_code == 422
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("sr-detail", args=[sr.number]), 302)]
    assert f"<h1>{sr.number} " in response.content.decode()


def test_a_get_on_a_job_action_goes_to_the_job(admin_client, make_job):
    job = make_job("DRAFT")
    detail = reverse("job-detail", args=[job.number])
    for action in JOB_ACTIONS:
        response = admin_client.get(reverse("job-action", args=[job.number, action]))
        assert (response.status_code, response["Location"]) == (302, detail), action
    assert admin_client.get(reverse("job-action", args=[job.number, "delete"])).status_code == 404


def test_a_get_on_an_action_still_needs_sign_in(client, demo):
    sr = make_sr()
    url = reverse("sr-action", args=[sr.number, "cancel"])
    assert client.get(url)["Location"] == f"/accounts/login/?next={url}"
