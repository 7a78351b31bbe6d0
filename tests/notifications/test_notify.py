"""crm.notify: one notification per user and key, never to the actor or to someone who may
not see the record, mailed after commit only to those who chose mail for the kind."""

import pytest
from django.core import mail

from crm.models import Notification, NotificationPreference, PrivacyLevel
from crm.notify import mail_recipients, notify
from tests.factories import GroupFactory, UserFactory, make_service_request
from tests.servicerequests.helpers.rows import make_job

KIND = Notification.Kind
MAIL = NotificationPreference.Channel.IN_APP_AND_MAIL
APP = NotificationPreference.Channel.IN_APP


@pytest.fixture
def people(demo):
    return demo["agent"], demo["admin"]


@pytest.mark.django_db
def test_one_notification_per_user_and_key(people, django_capture_on_commit_callbacks):
    agent, admin = people
    sr = make_service_request()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(kind=KIND.ASSIGNED, users=[agent], record=sr, message="m", key="a:1")
        again = notify(
            kind=KIND.ASSIGNED, users=[agent.pk, admin], record=sr, message="m", key="a:1"
        )
    assert [n.user_id for n in first] == [agent.pk]
    assert [n.user_id for n in again] == [admin.pk]  # agent already had key a:1
    rows = Notification.objects.filter(key="a:1")
    assert sorted(rows.values_list("user__username", "service_request_id", "job_id")) == [
        ("MPAdministrator", sr.pk, None),
        ("agent", sr.pk, None),
    ]
    # ASSIGNED mails by default: once each, never for the repeat.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.email, admin.email])


@pytest.mark.django_db
def test_the_actor_is_not_told_of_what_they_did(people):
    agent, admin = people
    sr = make_service_request()
    made = notify(
        kind=KIND.MENTIONED, users=[agent, admin], record=sr, message="m", key="k", actor=admin
    )
    assert [n.user_id for n in made] == [agent.pk]
    assert not Notification.objects.filter(user=admin).exists()


@pytest.mark.django_db
def test_users_who_may_not_see_the_record_are_skipped(people):
    agent, admin = people
    restricted = make_service_request(privacy_level=PrivacyLevel.objects.get(name="Restricted"))
    other_group = make_service_request(owned_by_group=GroupFactory())
    outsider = UserFactory(is_active=False)
    made = notify(
        kind=KIND.COMMENTED, users=[agent, admin, outsider], record=restricted, message="m", key="r"
    )
    assert [n.user_id for n in made] == [admin.pk]  # agent has clearance 1 only
    made = notify(kind=KIND.COMMENTED, users=[agent], record=other_group, message="m", key="g")
    assert made == []
    assert Notification.objects.filter(user__in=[agent, outsider]).count() == 0


@pytest.mark.django_db
def test_the_preference_decides_the_mail(people, django_capture_on_commit_callbacks):
    agent, admin = people
    NotificationPreference.objects.create(user=agent, kind=KIND.ASSIGNED, channel=APP)
    NotificationPreference.objects.create(user=admin, kind=KIND.MENTIONED, channel=MAIL)
    sr = make_service_request()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=KIND.ASSIGNED, users=[agent, admin], record=sr, message="Yours", key="a")
        notify(kind=KIND.MENTIONED, users=[agent, admin], record=sr, message="Said", key="m")
    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == [
        ("Said", admin.email),
        ("Yours", admin.email),
    ]
    mailed = Notification.objects.exclude(emailed_at=None)
    assert set(mailed.values_list("user_id", "kind")) == {
        (admin.pk, KIND.ASSIGNED),
        (admin.pk, KIND.MENTIONED),
    }


@pytest.mark.django_db
def test_no_mail_when_the_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    agent, _ = people
    sr = make_service_request()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(kind=KIND.ASSIGNED, users=[agent], record=sr, message="m", key="x")
    assert len(callbacks) == 1  # enqueued for after commit, not sent yet
    assert mail.outbox == []


@pytest.mark.django_db
def test_defaults_per_kind(people, django_assert_num_queries):
    agent, admin = people
    with django_assert_num_queries(1):
        assert mail_recipients(KIND.OVERDUE, {agent.pk, admin.pk}) == {agent.pk, admin.pk}
    assert mail_recipients(KIND.COMMENTED, {agent.pk}) == set()
    assert mail_recipients(KIND.DECLINED, {agent.pk}) == {agent.pk}
    assert mail_recipients(KIND.ACCEPTED, {agent.pk}) == set()


@pytest.mark.django_db
def test_a_job_record_sets_the_job_key(people):
    job = make_job()
    agent, _ = people
    (made,) = notify(kind=KIND.ASSIGNED, users=[agent], record=job, message="m", key="j")
    assert (made.job_id, made.service_request_id) == (job.pk, None)
