"""Contract section 6 on the surfaces around a record: who the background scan notifies and
mails, the notification list and its count, and who a record may be assigned to.

The demo agent has clearance 1 (Public); MPAdministrator has clearance 5 (Restricted). Both
are members of "Main Group".
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from crm import flagging
from crm.models import Notification
from crm.services import notification_send_emails
from jobs.models import Job
from jobs.tasks import TARGET as JOB_TARGET
from servicerequests.models import ServiceRequest
from servicerequests.tasks import TARGET
from tests.factories import GroupFactory, UserFactory, make_service_request

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def overdue(**fields) -> ServiceRequest:
    return make_service_request(expected_completion_date=NOW - timedelta(hours=1), **fields)


def notified(record) -> set[str]:
    field = "service_request" if isinstance(record, ServiceRequest) else "job"
    rows = Notification.objects.filter(**{field: record})
    return set(rows.values_list("user__username", flat=True))


# -- the scan ---------------------------------------------------------------------------------


def test_group_notice_of_a_restricted_request_skips_members_below_its_level(demo):
    sr = overdue(owned_by_group=demo["group"], privacy_level=demo["restricted"])
    flagging.scan(TARGET, now=NOW)
    assert notified(sr) == {"MPAdministrator"}


def test_group_notice_of_a_public_request_reaches_every_member(demo):
    sr = overdue(owned_by_group=demo["group"], privacy_level=demo["public"])
    flagging.scan(TARGET, now=NOW)
    assert notified(sr) == {"MPAdministrator", "agent"}


def test_an_assignee_who_can_no_longer_see_the_request_is_not_told(demo):
    # Assigned while Public, then reclassified behind the service's back (older data).
    sr = overdue(
        owned_by_group=demo["group"],
        privacy_level=demo["restricted"],
        assigned_to_user=demo["agent"],
    )
    flagging.scan(TARGET, now=NOW)
    # The group's members who may see it are told instead, so the notice is not lost.
    assert notified(sr) == {"MPAdministrator"}


def test_a_member_of_another_group_with_clearance_is_not_told_unless_in_the_group(demo):
    other = GroupFactory()
    outsider = UserFactory(clearance=demo["restricted"])
    outsider.crm_groups.add(other)
    sr = overdue(owned_by_group=demo["group"], assigned_to_user=outsider)
    flagging.scan(TARGET, now=NOW)
    assert "user" not in {name[:4] for name in notified(sr)}
    assert notified(sr) == {"MPAdministrator", "agent"}


def test_job_notices_follow_the_same_rule(demo):
    job = Job.objects.get(number="JOB000814")
    Job.objects.filter(pk=job.pk).update(
        privacy_level=demo["restricted"],
        owned_by_group=demo["group"],
        assigned_to_user=None,
        life_cycle_state="PENDING",
        expected_completion_date=NOW - timedelta(hours=1),
        overdue_flagged_at=None,
    )
    flagging.scan(JOB_TARGET, now=NOW)
    assert notified(job) == {"MPAdministrator"}


def test_the_scan_mails_only_those_it_notified(demo, django_capture_on_commit_callbacks):
    overdue(owned_by_group=demo["group"], privacy_level=demo["restricted"])
    with django_capture_on_commit_callbacks(execute=True):
        flagging.scan(TARGET, now=NOW)  # eager tasks: the mail goes out on commit
    assert [message.to for message in mail.outbox] == [[demo["admin"].email]]


def test_mail_is_not_sent_once_the_user_may_no_longer_see_the_record(demo):
    sr = overdue(owned_by_group=demo["group"], privacy_level=demo["public"])
    with pytest.MonkeyPatch.context() as patch:
        # The scan's own mail task is held back, to send it after the reclassification.
        patch.setattr("crm.tasks.send_notification_emails.delay", lambda ids: None)
        flagging.scan(TARGET, now=NOW)
    ServiceRequest.objects.filter(pk=sr.pk).update(privacy_level=demo["restricted"])
    ids = list(Notification.objects.filter(service_request=sr).values_list("id", flat=True))
    mail.outbox.clear()
    assert notification_send_emails(notification_ids=ids) == 1
    assert [message.to for message in mail.outbox] == [[demo["admin"].email]]
    agent_notice = Notification.objects.get(service_request=sr, user=demo["agent"])
    assert agent_notice.emailed_at is None


# -- the notification list and its count ----------------------------------------------------


def test_notifications_of_records_reclassified_later_disappear(client, demo):
    sr = overdue(owned_by_group=demo["group"], privacy_level=demo["public"])
    flagging.scan(TARGET, now=NOW)
    client.force_login(demo["agent"])
    assert sr.number in client.get(reverse("notifications")).content.decode()

    ServiceRequest.objects.filter(pk=sr.pk).update(privacy_level=demo["restricted"])
    page = client.get(reverse("notifications")).content.decode()
    assert sr.number not in page
    assert "No notifications." in page
    assert client.get(reverse("notifications")).context["unread_notifications"] == 0


def test_mark_all_read_counts_only_visible_notifications(client, demo):
    public = overdue(owned_by_group=demo["group"], privacy_level=demo["public"])
    hidden = overdue(owned_by_group=demo["group"], privacy_level=demo["public"])
    flagging.scan(TARGET, now=NOW)
    ServiceRequest.objects.filter(pk=hidden.pk).update(privacy_level=demo["restricted"])
    client.force_login(demo["agent"])
    response = client.post(reverse("notifications"), {"all": "1"}, follow=True)
    assert "1 notification(s) marked as read." in response.content.decode()
    assert Notification.objects.get(user=demo["agent"], service_request=public).read_at
    assert not Notification.objects.get(user=demo["agent"], service_request=hidden).read_at


# -- assignment -------------------------------------------------------------------------------

CREATE = {
    "type_identifier": {"name": "Technical Support"},
    "accounts_receivable_identifier": {"number": "ACR001143"},
    "status_identifier": {"name": "Pending"},
    "category_identifier": {"code": "TECH"},
    "urgency_level": "URGENCY2",
    "impact_level": "IMPACT2",
}


def assert_refused(response, param="assigned_to"):
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR"), response.body
    assert response.description.startswith(f"{param}:")


def test_create_refuses_an_assignee_below_the_privacy_level(api):
    before = ServiceRequest.objects.count()
    response = api.post(
        "service_requests/create",
        {
            **CREATE,
            "privacy_level_identifier": {"name": "Restricted"},
            "assigned_to": {"user_identifier": {"username": "agent"}},
        },
    )
    assert_refused(response)
    assert ServiceRequest.objects.count() == before


def test_create_refuses_an_assignee_outside_the_owning_group(api, demo):
    outsider = UserFactory(clearance=demo["restricted"])
    response = api.post(
        "service_requests/create",
        {
            **CREATE,
            "owned_by_group_identifier": {"name": "Main Group"},
            "assigned_to": {"user_identifier": {"username": outsider.username}},
        },
    )
    assert_refused(response)


def test_create_accepts_an_assignee_who_may_see_it(api):
    response = api.post(
        "service_requests/create",
        {
            **CREATE,
            "privacy_level_identifier": {"name": "Public"},
            "owned_by_group_identifier": {"name": "Main Group"},
            "assigned_to": {"user_identifier": {"username": "agent"}},
            "fields_set": "number,assigned_to",
        },
    )
    assert response.status_code == 200, response.body


def snapshot(sr: ServiceRequest) -> tuple:
    sr.refresh_from_db()
    return sr.assigned_to_user_id, sr.privacy_level_id, sr.owned_by_group_id, sr.updated_date


def test_update_refuses_assigning_a_restricted_request_to_the_agent(api, demo):
    sr = make_service_request(privacy_level=demo["restricted"])
    before = snapshot(sr)
    response = api.post(
        "service_requests/update",
        {
            "service_request_identifier": {"number": sr.number},
            "assigned_to": {"user_identifier": {"username": "agent"}},
        },
    )
    assert_refused(response)
    assert snapshot(sr) == before


def test_update_refuses_raising_the_privacy_above_the_assignees_clearance(api, demo):
    sr = make_service_request(privacy_level=demo["public"], assigned_to_user=demo["agent"])
    before = snapshot(sr)
    response = api.post(
        "service_requests/update",
        {
            "service_request_identifier": {"number": sr.number},
            "privacy_level_identifier": {"name": "Restricted"},
        },
    )
    assert_refused(response)
    assert snapshot(sr) == before


def test_update_refuses_moving_the_request_to_a_group_the_assignee_is_not_in(api, demo):
    other = GroupFactory()
    sr = make_service_request(owned_by_group=demo["group"], assigned_to_user=demo["agent"])
    before = snapshot(sr)
    response = api.post(
        "service_requests/update",
        {
            "service_request_identifier": {"number": sr.number},
            "owned_by_group_identifier": {"name": other.name},
        },
    )
    assert_refused(response)
    assert snapshot(sr) == before


def test_an_update_of_something_else_is_not_held_up_by_old_data(api, demo):
    sr = make_service_request(privacy_level=demo["restricted"], assigned_to_user=demo["agent"])
    response = api.post(
        "service_requests/update",
        {"service_request_identifier": {"number": sr.number}, "description": "still works"},
    )
    assert response.status_code == 200, response.body


def test_bulk_assignment_refuses_what_the_user_could_not_see(client, demo):
    public = make_service_request(privacy_level=demo["public"])
    restricted = make_service_request(privacy_level=demo["restricted"])
    client.force_login(demo["admin"])
    response = client.post(
        reverse("sr-bulk"),
        {
            "selected": [public.number, restricted.number],
            "operation": "assign_user",
            "user": demo["agent"].pk,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1 request updated." in page
    assert f"{restricted.number}: Agent" in page or f"{restricted.number}: " in page
    public.refresh_from_db()
    restricted.refresh_from_db()
    assert public.assigned_to_user_id == demo["agent"].pk
    assert restricted.assigned_to_user_id is None


def test_job_assignment_follows_the_same_rule(api, demo):
    job = Job.objects.get(number="JOB000814")
    Job.objects.filter(pk=job.pk).update(privacy_level=demo["restricted"])
    response = api.post(
        "jobs/deactivate_subscription/update",
        {
            "job_identifier": {"number": job.number},
            "assigned_to": {"user_identifier": {"username": "agent"}},
        },
    )
    assert_refused(response)
    job.refresh_from_db()
    assert job.assigned_to_user_id == demo["admin"].pk
