"""Notifications and the records' life: opening a record reads its notifications, closing it
resolves its deadline notices, a customer's acceptance tells the assignee, and the
background scan mails only those who chose mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from crm import flagging
from crm.actor import Actor
from crm.models import Notification, NotificationPreference
from jobs import services as job_services
from servicerequests.models import ServiceRequest
from servicerequests.tasks import TARGET
from tests.servicerequests.helpers import act, create, make_job, make_sr, response_obj

pytestmark = pytest.mark.django_db
KIND = Notification.Kind


def notice(user, kind, *, sr=None, job=None, read_at=None, key=None) -> Notification:
    return Notification.objects.create(
        user=user,
        kind=kind,
        service_request=sr,
        job=job,
        message=f"{kind} notice",
        key=key or f"{kind}:{user.pk}:{(sr or job).pk}",
        created_at=timezone.now(),
        read_at=read_at,
    )


def unread(user) -> set:
    return set(Notification.objects.filter(user=user, read_at=None).values_list("pk", flat=True))


# -- opening the record reads its notifications ------------------------------------------------


def test_opening_a_request_marks_the_viewers_notifications_about_it_read(
    client, admin_user, agent_user
):
    sr, other = make_sr(), make_sr()
    mine = notice(admin_user, KIND.ASSIGNED, sr=sr)
    mine_too = notice(admin_user, KIND.OVERDUE, sr=sr)
    elsewhere = notice(admin_user, KIND.ASSIGNED, sr=other)
    theirs = notice(agent_user, KIND.ASSIGNED, sr=sr)
    client.force_login(admin_user)

    assert client.get(reverse("sr-detail", args=[sr.number])).status_code == 200

    assert unread(admin_user) == {elsewhere.pk}
    assert unread(agent_user) == {theirs.pk}
    mine.refresh_from_db()
    mine_too.refresh_from_db()
    assert mine.read_at is not None
    assert mine.read_at == mine_too.read_at
    assert mine.resolved_at is None  # read, not resolved


def test_opening_a_job_marks_its_notifications_read(client, admin_user):
    job = make_job()
    n = notice(admin_user, KIND.APPROACHING, job=job)
    client.force_login(admin_user)
    assert client.get(reverse("job-detail", args=[job.number])).status_code == 200
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_refused_page_reads_nothing(client, agent_user, demo):
    sr = make_sr(privacy_level=demo["restricted"])  # above the agent's clearance
    n = notice(agent_user, KIND.ASSIGNED, sr=sr)
    client.force_login(agent_user)
    assert client.get(reverse("sr-detail", args=[sr.number])).status_code == 404
    assert unread(agent_user) == {n.pk}


# -- closing resolves the deadline notices -------------------------------------------------------


@pytest.mark.parametrize("actions", [("respond", "final_resolve", "complete"), ("cancel",)])
def test_closing_a_request_resolves_its_deadline_notices_for_everyone(
    api, admin_user, agent_user, actions
):
    sr = ServiceRequest.objects.get(number=create(api)["number"])
    earlier = timezone.now() - timedelta(hours=1)
    overdue = notice(agent_user, KIND.OVERDUE, sr=sr)
    approaching = notice(admin_user, KIND.APPROACHING, sr=sr, read_at=earlier)
    assigned = notice(agent_user, KIND.ASSIGNED, sr=sr)
    for action in actions:
        assert act(api, action, sr.number).status_code == 200
    closed_at = ServiceRequest.objects.get(pk=sr.pk).updated_date

    for n in (overdue, approaching, assigned):
        n.refresh_from_db()
    assert (overdue.resolved_at, overdue.read_at) == (closed_at, closed_at)
    assert (approaching.resolved_at, approaching.read_at) == (closed_at, earlier)
    assert (assigned.resolved_at, assigned.read_at) == (None, None)  # still to act on


def test_a_final_resolution_does_not_resolve_them(api, agent_user):
    sr = ServiceRequest.objects.get(number=create(api)["number"])
    overdue = notice(agent_user, KIND.OVERDUE, sr=sr)
    for action in ("respond", "final_resolve"):
        assert act(api, action, sr.number).status_code == 200
    overdue.refresh_from_db()
    assert overdue.resolved_at is None  # FINAL_RESOLVED is still open: it must be completed


def test_cancelling_a_job_resolves_its_deadline_notices(admin_user, agent_user):
    job = make_job()
    overdue = notice(agent_user, KIND.OVERDUE, job=job)
    job_services.job_cancel(actor=Actor.of(admin_user), job=job)
    overdue.refresh_from_db()
    assert overdue.resolved_at is not None
    assert overdue.read_at == overdue.resolved_at


def test_the_list_shows_resolved_notices_as_such(client, api, agent_user):
    sr = ServiceRequest.objects.get(number=create(api)["number"])
    notice(agent_user, KIND.OVERDUE, sr=sr)
    assert act(api, "cancel", sr.number).status_code == 200
    client.force_login(agent_user)
    page = client.get(reverse("notifications")).content.decode()
    assert "Resolved: the request was closed" in page
    assert "notification--unread" not in page


# -- a customer's acceptance tells the assignee -------------------------------------------------


def accepted_request(api, assignee) -> ServiceRequest:
    number = create(api)["number"]
    respond = {"status_identifier": {"name": "Responded"}, "response": response_obj("CONF")}
    assert act(api, "respond", number, **respond).status_code == 200
    # Straight in the database: the assignment's own notification is not what is tested.
    ServiceRequest.objects.filter(number=number).update(assigned_to_user=assignee)
    assert act(api, "response_accept", number).status_code == 200
    return ServiceRequest.objects.get(number=number)


def test_an_acceptance_notifies_the_assignee(api, agent_user):
    sr = accepted_request(api, agent_user)
    (n,) = Notification.objects.filter(kind=KIND.ACCEPTED)
    assert (n.user, n.service_request, n.job) == (agent_user, sr, None)
    assert n.message == f"{sr.number}: the customer accepted the response."


def test_nobody_is_notified_when_the_assignee_recorded_it_or_nobody_is_assigned(api, admin_user):
    accepted_request(api, admin_user)  # the API caller is MPAdministrator
    accepted_request(api, None)
    assert not Notification.objects.filter(kind=KIND.ACCEPTED).exists()


# -- the background scan respects the preferences ------------------------------------------------


def test_the_scan_mails_only_those_who_chose_mail(demo, django_capture_on_commit_callbacks):
    agent, admin = demo["agent"], demo["admin"]
    now = timezone.now()
    NotificationPreference.objects.create(
        user=agent, kind=KIND.OVERDUE, channel=NotificationPreference.Channel.IN_APP
    )
    late = make_sr(
        owned_by_group=demo["group"],
        start_date=now - timedelta(days=30),
        expected_completion_date=now - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        flagging.scan(TARGET, now=now)
    notified = Notification.objects.filter(service_request=late, kind=KIND.OVERDUE)
    assert set(notified.values_list("user__username", flat=True)) == {"agent", "MPAdministrator"}
    assert [m.to for m in mail.outbox] == [[admin.email]]
