"""The scan flags jobs the same way as service requests (see tests/servicerequests)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm import flagging
from crm.models import Notification
from jobs import services
from jobs.models import Job, JobEvent
from jobs.tasks import TARGET

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def due(job: Job, moment) -> Job:
    Job.objects.filter(pk=job.pk).update(expected_completion_date=moment)
    return Job.objects.get(pk=job.pk)


def flags(job: Job) -> tuple:
    job.refresh_from_db()
    return job.approaching_completion, job.overdue_flagged_at


def test_jobs_are_flagged_once_and_notify_the_assignee(make_job, demo):
    soon = due(make_job("PENDING"), NOW + timedelta(hours=5))
    late = due(make_job("IN_PROGRESS"), NOW + timedelta(minutes=1))
    later = due(make_job("DRAFT"), NOW + timedelta(days=3))
    # The demo's JOB000814 (of 2016) is overdue too.
    demo_overdue = Job.objects.open().due_before(NOW).count()
    result = flagging.scan(TARGET, now=NOW + timedelta(minutes=2))
    assert (result.approaching, result.overdue) == (1, 1 + demo_overdue)
    assert flags(soon)[0] is not None
    assert flags(late)[1] is not None
    assert flags(later) == (None, None)
    assert JobEvent.objects.filter(action__startswith="flag_").count() == 2 + demo_overdue
    pairs = set(Notification.objects.values_list("job__number", "user__username"))
    assert {(soon.number, "MPAdministrator"), (late.number, "MPAdministrator")} <= pairs
    assert later.number not in {number for number, _ in pairs}
    again = flagging.scan(TARGET, now=NOW + timedelta(minutes=3))
    assert (again.approaching, again.overdue) == (0, 0)


def test_moving_the_date_or_closing_clears_the_flags(make_job, actor):
    job = due(make_job("IN_PROGRESS"), NOW - timedelta(hours=1))
    flagging.scan(TARGET, now=NOW)
    assert flags(job)[1] is not None
    job = services.job_update(
        actor=actor, job=job, expected_completion_date=timezone.now() + timedelta(hours=2)
    )
    assert flags(job) == (None, None)
    flagging.scan(TARGET, now=NOW)
    assert flags(job)[0] is not None
    services.job_complete(actor=actor, job=job)
    assert flags(job) == (None, None)
