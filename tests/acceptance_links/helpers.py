"""Shared steps of the acceptance link tests: a request waiting for the customer, the mail
it sends, and the link's path."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail
from django.utils import timezone

from acceptance.models import AcceptanceLink
from crm.actor import Actor
from crm.models import Group, User
from servicerequests import models as sm
from servicerequests.services import Step, service_request_respond
from tests.servicerequests.helpers import S, make_sr

CUSTOMER_EMAIL = "customer@example.com"
URL = re.compile(r"https?://[^\s\"<>]+")


def admin() -> User:
    return User.objects.get(username="MPAdministrator")


def agent() -> User:
    return User.objects.get(username="agent")


def main_group() -> Group:
    return Group.objects.get(name="Main Group")


def responded(capture, *, code: str = "CONF", accepted_by=None, **overrides) -> sm.ServiceRequest:
    """A pending request (assigned to the agent unless overridden) given a response of
    ``code`` by the administrator; the mail, if any, sent as after commit."""
    values = {"caller_email": CUSTOMER_EMAIL, "assigned_to_user": agent(), **overrides}
    sr = make_sr(S.PENDING, **values)
    with capture(execute=True):
        service_request_respond(
            service_request=sr,
            actor=Actor.of(admin()),
            response=Step(
                category=sm.ResponseCategory.objects.get(code=code),
                by=admin(),
                date=timezone.now(),
                description="We replaced the router.",
                accepted_by=accepted_by,
            ),
        )
    return sm.ServiceRequest.objects.get(pk=sr.pk)


def mails_to(address: str = CUSTOMER_EMAIL) -> list:
    return [message for message in mail.outbox if address in message.to]


def link_path(message) -> str:
    """The path of the one link in a mail (the tests' client has no host)."""
    (url,) = URL.findall(message.body)
    return urlsplit(url).path


def only_link(sr) -> AcceptanceLink:
    (link,) = AcceptanceLink.objects.filter(service_request=sr)
    return link


def tampered(path: str) -> str:
    """The path with one character of the token's signature changed."""
    head, token = path.rstrip("/").rsplit("/", 1)
    index = len(token) - 3
    swapped = "A" if token[index] != "A" else "B"
    return f"{head}/{token[:index]}{swapped}{token[index + 1 :]}/"


def link_row(link: AcceptanceLink) -> dict:
    link.refresh_from_db()
    return {f.attname: getattr(link, f.attname) for f in AcceptanceLink._meta.concrete_fields}
