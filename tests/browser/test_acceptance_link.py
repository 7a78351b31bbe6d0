"""A customer accepts a response from the link in their mail (contract section 12), in real
Chromium: the mail is written by Django's file backend, the link opened from it; the page
shows the request's number, Accept records EMAIL_LINK, the link is then used, and a link
with one character changed is not valid and changes nothing."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from django.utils import timezone

from crm.actor import Actor
from crm.models import User
from servicerequests import models as sm
from servicerequests.services import Step, service_request_respond
from tests.acceptance_links.helpers import CUSTOMER_EMAIL, URL, tampered
from tests.servicerequests.helpers import S, make_sr


def mailed_link(folder, number: str) -> str:
    """The one link of the acceptance mail about ``number`` in the file backend's folder."""
    for path in sorted(folder.iterdir()):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if number in message["Subject"] and CUSTOMER_EMAIL in message["To"]:
            (url,) = URL.findall(message.get_body(preferencelist=("plain",)).get_content())
            return url
    raise AssertionError(f"no acceptance mail about {number} in {folder}")


@pytest.fixture
def mailbox(settings, tmp_path, site):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.CRM_PUBLIC_URL = site
    return tmp_path


def test_the_customer_accepts_from_the_mailed_link(page, site, mailbox):
    admin = User.objects.get(username="MPAdministrator")
    sr = make_sr(S.PENDING, caller_email=CUSTOMER_EMAIL)
    service_request_respond(
        service_request=sr,
        actor=Actor.of(admin),
        response=Step(
            category=sm.ResponseCategory.objects.get(code="CONF"),
            by=admin,
            date=timezone.now(),
            description="The engineer replaced the router.",
        ),
    )
    url = mailed_link(mailbox, sr.number)
    assert url.startswith(site + "/accept/")

    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == f"Service request {sr.number}"
    assert "The engineer replaced the router." in page.content()
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (row.response_accepted_via, row.response_accepted_by_id) == ("EMAIL_LINK", sr.caller_id)

    response = page.goto(url)
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "This link was already used"

    before = sm.ServiceRequest.objects.filter(pk=sr.pk).values().get()
    events = sm.ServiceRequestEvent.objects.filter(service_request=sr).count()
    response = page.goto(site + tampered(re.sub(r"^https?://[^/]+", "", url)))
    assert response.status == 400
    assert page.get_by_role("heading", level=1).inner_text() == "This link is not valid"
    assert sr.number not in page.content()
    assert sm.ServiceRequest.objects.filter(pk=sr.pk).values().get() == before
    assert sm.ServiceRequestEvent.objects.filter(service_request=sr).count() == events
