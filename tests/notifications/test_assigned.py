""" "Assigned to me": whoever assigns a request or job to someone else tells them, once per
assignment; assigning to oneself tells nobody."""

import pytest

from crm.actor import Actor
from crm.models import Notification
from jobs.services import job_update
from jobs.services.inputs import Assignment
from servicerequests.services import service_request_update
from tests.factories import make_service_request
from tests.servicerequests.helpers.rows import make_job

ASSIGNED = Notification.Kind.ASSIGNED


def _assigned(user):
    return list(
        Notification.objects.filter(user=user, kind=ASSIGNED).values_list(
            "message", "service_request_id", "job_id"
        )
    )


@pytest.mark.django_db
def test_a_request_assigned_by_someone_else_tells_the_assignee(demo):
    agent, admin = demo["agent"], demo["admin"]
    sr = make_service_request()
    service_request_update(service_request=sr, actor=Actor.of(admin), assignment=(agent, None))
    name = admin.get_full_name() or admin.username
    assert _assigned(agent) == [(f"{sr.number} was assigned to you by {name}.", sr.pk, None)]
    # A change that keeps the assignee is no news.
    service_request_update(service_request=sr, actor=Actor.of(admin), changes={"description": "x"})
    assert len(_assigned(agent)) == 1


@pytest.mark.django_db
def test_taking_a_request_oneself_tells_nobody(demo):
    agent = demo["agent"]
    sr = make_service_request()
    service_request_update(service_request=sr, actor=Actor.of(agent), assignment=(agent, None))
    assert _assigned(agent) == []


@pytest.mark.django_db
def test_a_job_assigned_by_someone_else_tells_the_assignee(demo):
    agent, admin = demo["agent"], demo["admin"]
    job = make_job()
    job_update(actor=Actor.of(admin), job=job, assigned_to=Assignment(user=agent))
    assert [row[2] for row in _assigned(agent)] == [job.pk]
