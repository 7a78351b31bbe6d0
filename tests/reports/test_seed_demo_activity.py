"""seed_demo_activity: worked requests for the demo's queues and dashboard, once; their
notices start read, and nobody is assigned a request of a group they are not in."""

from io import StringIO

import pytest
from django.core.management import call_command

from crm.models import Notification
from servicerequests.models import ServiceRequest

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("seed_demo_activity", *args, stdout=out)
    return out.getvalue()


def test_it_adds_its_requests_once_with_their_notices_read(demo):
    assert "12 demo requests added." in run("--count", "12")
    assert ServiceRequest.objects.count() == 12
    assert "already there" in run("--count", "12")
    assert ServiceRequest.objects.count() == 12
    assert Notification.objects.exists()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    for sr in ServiceRequest.objects.filter(assigned_to_user__isnull=False):
        assert sr.assigned_to_user.crm_groups.filter(pk=sr.owned_by_group_id).exists()
