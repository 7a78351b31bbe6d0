"""Two clicks on the same link at the same moment (PostgreSQL, real threads): both lock the
link row, so exactly one records the acceptance and the other finds the link used."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from acceptance.links import USED
from acceptance.models import AcceptanceLink
from acceptance.services import LinkRefused, acceptance_link_accept, acceptance_link_decline
from crm.demo import load_demo
from crm.models import Notification
from servicerequests import models as sm
from tests.racing import race
from tests.servicerequests.helpers import S, make_sr

pytestmark = pytest.mark.usefixtures("transactional_db")


def waiting_link() -> tuple[sm.ServiceRequest, AcceptanceLink]:
    load_demo()
    sr = make_sr(S.RESPONDED, response="CONF", caller_email="customer@example.com")
    link = AcceptanceLink.objects.create(
        service_request=sr,
        step="response",
        step_date=sr.response_date,
        email="customer@example.com",
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return sr, link


def outcome(result) -> str:
    if isinstance(result, LinkRefused):
        return result.state
    if isinstance(result, AcceptanceLink):
        return result.outcome
    return repr(result)


@pytest.mark.parametrize("second", ["accept", "decline"])
def test_of_two_concurrent_clicks_one_wins(second):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: there is no race to provoke")
    sr, link = waiting_link()
    actions = [
        lambda: acceptance_link_accept(link_id=link.pk),
        (lambda: acceptance_link_accept(link_id=link.pk))
        if second == "accept"
        else (lambda: acceptance_link_decline(link_id=link.pk, comment="no")),
    ]
    outcomes = sorted(outcome(o) for o in race(lambda i: actions[i](), 2))
    link.refresh_from_db()
    assert outcomes == sorted([link.outcome, USED])
    row = sm.ServiceRequest.objects.get(pk=sr.pk)
    events = sm.ServiceRequestEvent.objects.filter(service_request=sr)
    if link.outcome == "ACCEPTED":
        assert row.response_accepted_via == "EMAIL_LINK"
        assert events.filter(action="response_accept").count() == 1
        assert not events.filter(action="customer_declined").exists()
    else:
        assert row.response_accepted_date is None
        assert events.filter(action="customer_declined").count() == 1
        assert not events.filter(action="response_accept").exists()
    assert Notification.objects.filter(service_request=sr).count() <= 1
