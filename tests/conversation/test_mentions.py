"""Who a comment tells (contract section 14): ``@username`` of an active user who may see
the record (MENTIONED), and the record's assignee (COMMENTED)."""

from __future__ import annotations

import pytest

from conversation import services
from conversation.services import mentioned_users
from crm.actor import Actor
from crm.models import Notification, User


def notices() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("user__username", "kind"))


def comment(record, user, text: str):
    return services.comment_create(record=record, actor=Actor.of(user), text=text)


def test_a_mentioned_user_is_notified(sr, admin_user):
    made = comment(sr, admin_user, "Can you call them, @agent?")
    assert notices() == [("agent", "MENTIONED")]
    notice = Notification.objects.get()
    assert notice.service_request_id == sr.pk
    assert notice.key == f"mention:{made.pk}"
    assert notice.message == f"{admin_user.display_name} mentioned you on {sr.number}"


def test_mentions_match_user_names_in_any_case(sr, admin_user):
    comment(sr, admin_user, "@AGENT and (@Agent) again")
    assert notices() == [("agent", "MENTIONED")]


def test_no_notice_for_one_who_may_not_see_the_record(restricted_sr, admin_user):
    comment(restricted_sr, admin_user, "@agent look")
    assert notices() == []


def test_no_notice_for_an_inactive_or_unknown_user(sr, admin_user, demo):
    User.objects.create_user("gone", password="x", is_active=False, default_unit=demo["unit"])
    comment(sr, admin_user, "@gone @nobody mail@agent.example")
    assert notices() == []


def test_the_author_is_not_told_of_their_own_mention(sr, admin_user):
    comment(sr, admin_user, "note to self @MPAdministrator")
    assert notices() == []


def test_the_assignee_is_told_of_a_comment(demo, agent_user):
    from tests.factories import make_service_request

    record = make_service_request(assigned_to_user=demo["admin"])
    comment(record, agent_user, "Customer called back")
    assert notices() == [("MPAdministrator", "COMMENTED")]


def test_a_mentioned_assignee_is_told_once(demo, agent_user):
    from tests.factories import make_service_request

    record = make_service_request(assigned_to_user=demo["admin"])
    comment(record, agent_user, "@MPAdministrator please look")
    assert notices() == [("MPAdministrator", "MENTIONED")]


def test_the_assignee_writing_is_not_told(demo, admin_user):
    from tests.factories import make_service_request

    record = make_service_request(assigned_to_user=admin_user)
    comment(record, admin_user, "Done")
    assert notices() == []


def test_a_job_comment_mentions_too(job, admin_user):
    comment(job, admin_user, "@agent on site tomorrow")
    notice = Notification.objects.get(user__username="agent")
    assert (notice.kind, notice.job_id) == ("MENTIONED", job.pk)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("hi @agent.", ["agent"]),
        ("mail agent@example.com", []),
        ("@agent,@MPAdministrator", ["MPAdministrator", "agent"]),
        ("no mention", []),
    ],
)
def test_mentioned_users(demo, text, names):
    assert sorted(u.username for u in mentioned_users(text)) == sorted(names)
