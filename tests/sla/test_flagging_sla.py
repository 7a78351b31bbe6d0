"""The scan and service levels (contract section 8): flagged once per target, never while
paused, and again, once, when a pause moved the target."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm import flagging
from crm.models import Notification
from servicerequests import models as sm
from servicerequests.tasks import TARGET
from tests.servicerequests.helpers import call, create

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
ON_HOLD = {"status_identifier": {"name": "On Hold"}}
PENDING = {"status_identifier": {"name": "Pending"}}


def api_date(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def at_risk_request(api, demo) -> sm.ServiceRequest:
    """A Technical Support request (3 days, warned 1 day ahead) due in 12 hours: at risk."""
    start = timezone.now() - DAY * 2.5
    created = create(
        api,
        start_date=api_date(start),
        assigned_to={"user_identifier": {"username": demo["agent"].username}},
    )
    return sm.ServiceRequest.objects.get(number=created["number"])


def flag_events(sr) -> list[str]:
    rows = sm.ServiceRequestEvent.objects.filter(service_request=sr, action__startswith="flag_")
    return list(rows.order_by("created_at").values_list("action", flat=True))


def notices(sr) -> int:
    """The worker's notices of ``sr`` (its assignee was also told of the assignment)."""
    flags = (Notification.Kind.APPROACHING, Notification.Kind.OVERDUE)
    return Notification.objects.filter(service_request=sr, kind__in=flags).count()


def test_flagged_at_risk_once_for_a_target(api, demo):
    sr = at_risk_request(api, demo)
    now = timezone.now()
    assert flagging.scan(TARGET, now=now).approaching == 1
    assert flagging.scan(TARGET, now=now + timedelta(minutes=5)).approaching == 0
    assert flag_events(sr) == ["flag_approaching"]
    assert notices(sr) == 1
    sr.refresh_from_db()
    assert sr.approaching_completion == now  # section 3's flag is the AT_RISK flag


def test_a_paused_request_is_never_flagged(api, demo):
    sr = at_risk_request(api, demo)
    assert call(api, "update", sr.number, **ON_HOLD).status_code == 200
    result = flagging.scan(TARGET, now=timezone.now() + DAY * 30)  # long past its target
    assert (result.approaching, result.overdue) == (0, 0)
    assert flag_events(sr) == []
    assert notices(sr) == 0


def test_a_pause_that_moves_the_target_lets_it_be_flagged_again_once(api, demo):
    sr = at_risk_request(api, demo)
    flagging.scan(TARGET, now=timezone.now())
    assert call(api, "update", sr.number, **ON_HOLD).status_code == 200
    # As if the request had waited on hold for a day.
    sm.ServiceRequest.objects.filter(pk=sr.pk).update(sla_paused_since=timezone.now() - DAY)
    resumed = call(api, "update", sr.number, **PENDING)
    assert resumed.status_code == 200
    assert resumed.data["sla"]["status"] == "ON_TRACK"  # a new target, a day later
    assert resumed.data["approaching_completion"] is None

    assert flagging.scan(TARGET, now=timezone.now()).approaching == 0
    later = timezone.now() + DAY * 0.75
    assert flagging.scan(TARGET, now=later).approaching == 1
    assert flagging.scan(TARGET, now=later + timedelta(minutes=1)).approaching == 0
    assert flag_events(sr) == ["flag_approaching", "flag_approaching"]
    assert notices(sr) == 2
