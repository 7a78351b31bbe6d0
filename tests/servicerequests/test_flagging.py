"""The approaching/overdue scan: window edges, idempotence, re-flagging, clearing, races,
crashes between batches, notifications and mail, constant queries."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm import flagging
from crm.actor import Actor
from crm.models import Group, Notification
from servicerequests import services
from servicerequests.models import ServiceRequest, ServiceRequestEvent, ServiceRequestType
from servicerequests.tasks import TARGET, scan_due_requests
from tests.factories import UserFactory, make_service_request

NOW = timezone.now().replace(microsecond=0)
# Demo "Technical Support" warns 1 day ahead; "Customer Complaint" 12 hours ahead.
DAY = timedelta(days=1)


def due_in(delta, **kwargs) -> ServiceRequest:
    kwargs.setdefault("start_date", NOW - timedelta(days=30))
    return make_service_request(expected_completion_date=NOW + delta, **kwargs)


def flags(sr: ServiceRequest) -> tuple:
    sr.refresh_from_db()
    return sr.approaching_completion, sr.overdue_flagged_at


@pytest.fixture
def agent(demo):
    # These tests are about the warning period; the share of the target that also makes a
    # request at risk (at_risk_percentage) is tested in tests/sla.
    ServiceRequestType.objects.update(at_risk_percentage=100)
    return demo["agent"]


@pytest.mark.django_db
def test_window_edges(agent):
    inside = due_in(DAY - timedelta(seconds=1), assigned_to_user=agent)
    edge = due_in(DAY, assigned_to_user=agent)
    outside = due_in(DAY + timedelta(seconds=1), assigned_to_user=agent)
    just_due = due_in(timedelta(0), assigned_to_user=agent)
    late = due_in(-timedelta(seconds=1), assigned_to_user=agent)
    no_date = make_service_request(assigned_to_user=agent)

    result = flagging.scan(TARGET, now=NOW)

    # At risk from the warning period before the target; breached at the target itself
    # (contract section 8: BREACHED begins at expected_completion_date).
    assert (result.approaching, result.overdue) == (2, 2)
    for sr in (inside, edge):
        assert flags(sr) == (NOW, None)
    assert flags(outside) == (None, None)
    for sr in (just_due, late):
        assert flags(sr) == (None, NOW)
    assert flags(no_date) == (None, None)


@pytest.mark.django_db
def test_type_warning_period_and_default(agent, settings):
    complaint = ServiceRequestType.objects.get(name="Customer Complaint")
    complaint.warning_period_value = complaint.warning_period_uot = None
    complaint.save()
    settings.CRM_DEFAULT_WARNING_PERIOD = (12, "HOURS")
    in_13h = due_in(timedelta(hours=13), type=complaint)
    in_11h = due_in(timedelta(hours=11), type=complaint)
    flagging.scan(TARGET, now=NOW)
    assert flags(in_11h)[0] == NOW
    assert flags(in_13h)[0] is None


@pytest.mark.django_db
def test_second_run_does_nothing(agent):
    sr = due_in(timedelta(hours=2), assigned_to_user=agent)
    flagging.scan(TARGET, now=NOW)
    events = ServiceRequestEvent.objects.filter(service_request=sr).count()
    result = flagging.scan(TARGET, now=NOW + timedelta(minutes=1))
    assert (result.approaching, result.overdue) == (0, 0)
    assert flags(sr) == (NOW, None)
    assert ServiceRequestEvent.objects.filter(service_request=sr).count() == events
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_moving_the_date_clears_the_flag_and_it_is_flagged_again(agent):
    sr = due_in(timedelta(hours=2), assigned_to_user=agent)
    flagging.scan(TARGET, now=NOW)
    new_date = NOW + timedelta(hours=5)
    services.service_request_update(
        service_request=sr, actor=Actor.of(agent), timing={"expected_completion_date": new_date}
    )
    assert flags(sr) == (None, None)
    flagging.scan(TARGET, now=NOW)
    assert flags(sr) == (NOW, None)
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert new_date.isoformat() in keys[0] + keys[1]


@pytest.mark.django_db
def test_completing_or_cancelling_clears_the_flags(agent):
    sr = due_in(-timedelta(hours=1), assigned_to_user=agent)
    flagging.scan(TARGET, now=NOW)
    assert flags(sr) == (None, NOW)
    services.service_request_cancel(service_request=sr, actor=Actor.of(agent))
    assert flags(sr) == (None, None)
    assert flagging.scan(TARGET, now=NOW).overdue == 0


@pytest.mark.django_db
def test_event_rows(agent):
    sr = due_in(timedelta(hours=1), assigned_to_user=agent)
    flagging.scan(TARGET, now=NOW)
    event = ServiceRequestEvent.objects.get(service_request=sr, action="flag_approaching")
    assert (event.from_state, event.to_state) == ("PENDING", "PENDING")
    assert event.user is None
    assert event.created_at == NOW
    assert sr.number in event.note


@pytest.mark.django_db
def test_notifications_go_to_the_assignee_else_the_group(demo, agent):
    group = Group.objects.get(name="Main Group")
    outsider = UserFactory()
    assigned = due_in(timedelta(hours=1), assigned_to_user=agent, owned_by_group=group)
    grouped = due_in(timedelta(hours=2), owned_by_group=group)
    nobody = due_in(timedelta(hours=3))
    flagging.scan(TARGET, now=NOW)
    pairs = set(Notification.objects.values_list("service_request__number", "user__username"))
    assert pairs == {
        (assigned.number, "agent"),
        (grouped.number, "agent"),
        (grouped.number, "MPAdministrator"),
    }
    assert not Notification.objects.filter(service_request=nobody).exists()
    assert not Notification.objects.filter(user=outsider).exists()


@pytest.mark.usefixtures("transactional_db")
def test_mail_is_sent_once_after_commit(demo):
    from crm.services import notification_send_emails

    agent = demo["agent"]
    due_in(timedelta(hours=1), assigned_to_user=agent)
    flagging.scan(TARGET, now=NOW)  # eager tasks: the mail goes out on commit
    assert [m.to for m in mail.outbox] == [["agent@example.com"]]
    notification = Notification.objects.get()
    assert notification.emailed_at is not None
    assert notification_send_emails(notification_ids=[notification.pk]) == 0
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("transactional_db")
def test_failed_mail_is_given_back_for_a_retry(demo, monkeypatch):
    from crm.services import notification_send_emails

    due_in(timedelta(hours=1), assigned_to_user=demo["agent"])
    monkeypatch.setattr("crm.tasks.send_notification_emails.delay", lambda ids: None)
    flagging.scan(TARGET, now=NOW)
    notification = Notification.objects.get()

    def broken(**kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.send_mail", broken)
    with pytest.raises(OSError, match="smtp down"):
        notification_send_emails(notification_ids=[notification.pk])
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert notification_send_emails(notification_ids=[notification.pk]) == 1


@pytest.mark.django_db
def test_crash_between_batches_loses_nothing_and_duplicates_nothing(agent, monkeypatch):
    requests = [due_in(timedelta(hours=1, minutes=i), assigned_to_user=agent) for i in range(7)]
    real = flagging.flag_batch
    calls = {"n": 0}

    def crash_on_third_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(flagging, "flag_batch", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        flagging.scan(TARGET, now=NOW, batch_size=2)
    # Overdue found nothing (1 call), then one approaching batch of 2 committed.
    assert ServiceRequest.objects.exclude(approaching_completion=None).count() == 2
    monkeypatch.undo()
    flagging.scan(TARGET, now=NOW + timedelta(minutes=1), batch_size=2)
    for sr in requests:
        assert flags(sr)[0] is not None
    assert Notification.objects.count() == 7
    assert ServiceRequestEvent.objects.filter(action="flag_approaching").count() == 7


@pytest.mark.django_db
def test_query_count_does_not_grow_with_flagged_rows(agent):
    def run(count: int) -> int:
        ServiceRequest.objects.all().delete()
        for i in range(count):
            due_in(timedelta(hours=1, minutes=i), assigned_to_user=agent)
        with CaptureQueriesContext(connection) as queries:
            result = flagging.scan(TARGET, now=NOW, batch_size=500)
        assert result.approaching == count
        return len(queries)

    assert run(3) == run(60)


@pytest.mark.django_db
def test_close_to_completion_method_agrees_with_the_scan(api, agent):
    rows = [due_in(timedelta(hours=h), assigned_to_user=agent) for h in (1, 10, 23, 25, 30)]
    due_in(-timedelta(hours=1), assigned_to_user=agent)
    response = api.get(
        "service_requests/get_close_to_estimated_completion_time",
        {"period": "1", "uot": "DAYS", "fields_set": "number"},
    )
    listed = {row["number"] for row in response.data}
    flagging.scan(TARGET)
    flagged = set(
        ServiceRequest.objects.exclude(approaching_completion=None).values_list("number", flat=True)
    )
    assert listed == flagged == {sr.number for sr in rows[:3]}
    shown = api.get(
        "service_requests/show",
        {
            "service_request_identifier": f"number={rows[0].number}",
            "fields_set": "approaching_completion",
        },
    )
    assert shown.data["approaching_completion"] is not None


@pytest.mark.usefixtures("transactional_db")
def test_two_scans_at_once_flag_each_request_once(demo):
    agent = demo["agent"]
    for i in range(40):
        due_in(timedelta(hours=1, minutes=i), assigned_to_user=agent)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            flagging.scan(TARGET, batch_size=5)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ServiceRequest.objects.filter(approaching_completion=None).count() == 0
    assert ServiceRequestEvent.objects.filter(action="flag_approaching").count() == 40
    assert Notification.objects.count() == 40


@pytest.mark.django_db
def test_task_runs_the_scan(agent):
    sr = due_in(timedelta(hours=1), assigned_to_user=agent)
    with transaction.atomic():
        result = scan_due_requests.delay().get()
    assert result == {"approaching": 1, "overdue": 0}
    assert flags(sr)[0] is not None
