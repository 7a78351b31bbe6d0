"""Issuing acceptance links (contract section 12): one mail, with exactly one link and the
request's number, whenever a step that waits for the customer is recorded without their
acceptance and there is an address; never otherwise, and never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from acceptance.links import acceptance_link_send, acceptance_links_send_unmailed
from acceptance.models import AcceptanceLink
from acceptance.tasks import send_acceptance_link, send_unmailed_links
from crm.actor import Actor
from customers.models import Contact
from servicerequests import models as sm
from servicerequests.services import Step, service_request_respond
from tests.acceptance_links.helpers import (
    CUSTOMER_EMAIL,
    URL,
    admin,
    link_path,
    mails_to,
    only_link,
    responded,
)
from tests.servicerequests.helpers import OWNER, S, events, make_sr

pytestmark = pytest.mark.django_db


def test_a_response_waiting_for_the_customer_mails_one_link(
    demo, django_capture_on_commit_callbacks
):
    before = timezone.now()
    sr = responded(django_capture_on_commit_callbacks)
    (message,) = mails_to()
    assert message.to == [CUSTOMER_EMAIL]
    assert message.subject == f"{sr.number}: please accept or decline the response"
    assert sr.number in message.body
    assert "We replaced the router." in message.body
    assert "Confirmation" in message.body or sr.response_category.name in message.body
    (url,) = URL.findall(message.body)
    assert url.startswith("http://127.0.0.1:8000/accept/")
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    assert URL.findall(html) == [url]
    assert sr.number in html
    link = only_link(sr)
    assert (link.step, link.email, link.step_date) == ("response", CUSTOMER_EMAIL, sr.response_date)
    assert before <= link.created_at <= link.mailed_at <= timezone.now()
    assert link.expires_at == link.created_at + timedelta(days=14)
    assert (link.used_at, link.outcome) == (None, None)
    assert [e[0] for e in events(sr.number)][-1] == "acceptance_link_mailed"
    note = sm.ServiceRequestEvent.objects.filter(service_request=sr).last().note
    assert note == f"The response was mailed to {CUSTOMER_EMAIL} for acceptance."


def test_the_mail_is_never_sent_twice(demo, django_capture_on_commit_callbacks):
    sr = responded(django_capture_on_commit_callbacks)
    link = only_link(sr)
    assert send_acceptance_link(link.pk) is False
    assert acceptance_link_send(link_id=link.pk) is False
    assert len(mails_to()) == 1
    assert sm.ServiceRequestEvent.objects.filter(action="acceptance_link_mailed").count() == 1


def test_a_failed_send_gives_the_claim_back(
    demo, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    # The step stands and the answer is no error: the mail is the worker's, after commit
    # (here eager, so its retry is raised into the commit hook, which logs it).
    sr = responded(django_capture_on_commit_callbacks)
    assert sr.response_date is not None
    assert "mail server down" in caplog.text
    link = AcceptanceLink.objects.get()
    assert link.mailed_at is None
    monkeypatch.undo()
    assert acceptance_link_send(link_id=link.pk) is True
    assert len(mails_to()) == 1


@override_settings(CRM_PUBLIC_URL="https://crm.example.org", CRM_ACCEPTANCE_LINK_DAYS=3)
def test_links_start_with_the_public_url_and_last_the_configured_days(
    demo, django_capture_on_commit_callbacks
):
    sr = responded(django_capture_on_commit_callbacks)
    (message,) = mails_to()
    (url,) = URL.findall(message.body)
    assert url.startswith("https://crm.example.org/accept/")
    link = only_link(sr)
    assert link.expires_at - link.created_at == timedelta(days=3)


def test_without_a_caller_email_the_callers_address_is_used(
    demo, django_capture_on_commit_callbacks
):
    sr = responded(django_capture_on_commit_callbacks, caller_email=None)
    (message,) = mail.outbox if len(mail.outbox) == 1 else mails_to(sr.caller.email)
    assert message.to == [sr.caller.email] == ["m_antoniadou@crm.com"]
    assert link_path(message).startswith("/accept/")


def test_no_link_when_the_category_needs_no_acceptance(demo, django_capture_on_commit_callbacks):
    sr = responded(django_capture_on_commit_callbacks, code="ACK")
    assert mails_to() == []
    assert not AcceptanceLink.objects.filter(service_request=sr).exists()


def test_no_link_when_accepted_in_the_same_write(demo, django_capture_on_commit_callbacks):
    owner = Contact.objects.get(**OWNER)
    sr = responded(django_capture_on_commit_callbacks, accepted_by=owner)
    assert (sr.response_accepted_by_id, sr.response_accepted_via) == (owner.pk, "STAFF")
    assert mails_to() == []
    assert not AcceptanceLink.objects.filter(service_request=sr).exists()


def test_no_link_without_any_address(demo, django_capture_on_commit_callbacks):
    Contact.objects.filter(**OWNER).update(email="")
    sr = responded(django_capture_on_commit_callbacks, caller_email="")
    assert [m for m in mail.outbox if "accept" in m.subject] == []
    assert not AcceptanceLink.objects.filter(service_request=sr).exists()


def test_nothing_is_mailed_when_the_write_rolls_back(demo, django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    sr = make_sr(S.PENDING, caller_email=CUSTOMER_EMAIL)

    @transaction.atomic
    def respond_then_fail():
        service_request_respond(
            service_request=sr,
            actor=Actor.of(admin()),
            response=Step(
                category=sm.ResponseCategory.objects.get(code="CONF"),
                by=admin(),
                date=timezone.now(),
            ),
        )
        raise Abort

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort):
        respond_then_fail()
    assert callbacks == []
    assert mails_to() == []
    assert not AcceptanceLink.objects.exists()


def test_a_link_no_longer_open_when_the_task_runs_is_not_mailed(
    demo, django_capture_on_commit_callbacks
):
    sr = responded(django_capture_on_commit_callbacks)
    link = only_link(sr)
    AcceptanceLink.objects.filter(pk=link.pk).update(mailed_at=None)
    sm.ServiceRequest.objects.filter(pk=sr.pk).update(response_accepted_date=timezone.now())
    assert acceptance_link_send(link_id=link.pk) is False
    assert len(mails_to()) == 1


def test_a_link_whose_mail_task_was_lost_is_mailed_by_the_sweep_once(
    demo, django_capture_on_commit_callbacks
):
    # The after-commit task never ran (captured, not executed): the broker was down.
    with django_capture_on_commit_callbacks(execute=False):
        sr = make_sr(S.PENDING, caller_email=CUSTOMER_EMAIL)
        service_request_respond(
            service_request=sr,
            actor=Actor.of(admin()),
            response=Step(
                category=sm.ResponseCategory.objects.get(code="CONF"),
                by=admin(),
                date=timezone.now(),
                description="We replaced the router.",
            ),
        )
    link = only_link(sr)
    assert (link.mailed_at, mails_to()) == (None, [])
    # Younger than a minute: left to its own task.
    assert send_unmailed_links() == 0
    later = timezone.now() + timedelta(minutes=2)
    assert acceptance_links_send_unmailed(now=later) == 1
    assert acceptance_links_send_unmailed(now=later) == 0
    assert len(mails_to()) == 1
    link.refresh_from_db()
    assert link.mailed_at is not None
    # A day later a link nobody mailed is left alone (the customer was told another way).
    AcceptanceLink.objects.filter(pk=link.pk).update(mailed_at=None)
    assert acceptance_links_send_unmailed(now=later + timedelta(days=1)) == 0
