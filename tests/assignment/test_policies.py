"""Assignment by policy through the request services (contract section 10): who is chosen,
who is skipped and why, what the event rows say, and what leaves a request unassigned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignment.models import AssignmentPolicy, GroupPolicy, MemberSetting
from crm.actor import Actor
from crm.models import Community, Group, Notification, PrivacyLevel
from servicerequests import models as sm
from servicerequests import services
from tests.assignment.helpers import (
    MEMBERS,
    assignee,
    member_setting,
    policy_events,
    raise_request,
    set_policy,
)
from tests.factories import make_service_request

pytestmark = pytest.mark.django_db

RR = AssignmentPolicy.ROUND_ROBIN
LEAST = AssignmentPolicy.LEAST_OPEN


def open_for(user, count: int = 1, **values) -> None:
    """``count`` open requests already assigned to ``user`` (outside any policy)."""
    for _ in range(count):
        make_service_request(assigned_to_user=user, assigned_to_unit=user.default_unit, **values)


def turn(team) -> str | None:
    policy = GroupPolicy.objects.select_related("last_assigned_user").get(group=team)
    return policy.last_assigned_user.username if policy.last_assigned_user_id else None


# -- round robin ---------------------------------------------------------------------------------


def test_six_requests_go_two_to_each_member_in_user_name_order(team, users):
    created = [raise_request(owned_by_group=team) for _ in range(6)]
    assert [assignee(sr) for sr in created] == MEMBERS * 2
    units = [sm.ServiceRequest.objects.get(pk=sr.pk).assigned_to_unit.name for sr in created[:3]]
    # As a manual assignment does: each member's default unit.
    assert units == ["Admin Unit", "Field Unit", "Field Unit"]
    assert turn(team) == "field2"


def test_the_event_row_says_who_was_chosen_and_why(team, users):
    sr = raise_request(owned_by_group=team)
    assert policy_events(sr) == [
        (
            "MPAdministrator",
            "Assigned to agent by round robin in Field Team",
            [
                {
                    "name": "assigned_to",
                    "label": "Assignee",
                    "old": "nobody",
                    "new": "Andreas Agent (Admin Unit)",
                }
            ],
        )
    ]
    event = sm.ServiceRequestEvent.objects.get(service_request=sr, action="assign_by_policy")
    assert (event.from_state, event.to_state) == ("PENDING", "PENDING")
    assert event.created_at == sm.ServiceRequest.objects.get(pk=sr.pk).created_date


def test_the_chosen_member_is_notified(team, users):
    sr = raise_request(owned_by_group=team)
    notes = Notification.objects.filter(service_request=sr)
    assert [(n.user.username, n.kind, n.message) for n in notes] == [
        ("agent", "ASSIGNED", f"{sr.number} was assigned to you by round robin in Field Team.")
    ]


def test_the_turn_passes_to_the_member_after_the_last_one_and_wraps(team, users):
    GroupPolicy.objects.filter(group=team).update(last_assigned_user=users["field1"])
    assert [assignee(raise_request(owned_by_group=team)) for _ in range(2)] == ["field2", "agent"]


def test_the_turn_survives_the_last_member_leaving(team, users):
    """The name of the member chosen last keeps marking the turn after they leave."""
    GroupPolicy.objects.filter(group=team).update(last_assigned_user=users["field1"])
    users["field1"].crm_groups.remove(team)
    assert assignee(raise_request(owned_by_group=team)) == "field2"


def test_manual_assignments_do_not_move_the_turn(team, users):
    assert assignee(raise_request(owned_by_group=team)) == "agent"
    manual = raise_request(
        owned_by_group=team, assigned_to_user=users["field1"], assigned_to_unit=None
    )
    assert assignee(manual) == "field1"
    assert policy_events(manual) == []
    other = raise_request(owned_by_group=team)
    services.service_request_update(
        service_request=other, actor=Actor.of(users["MPAdministrator"]), assignment=(None, None)
    )
    services.service_request_update(
        service_request=other,
        actor=Actor.of(users["MPAdministrator"]),
        assignment=(users["agent"], None),
    )
    # agent (policy), field1 (policy: "other"), then field2: manual changes left it alone.
    assert turn(team) == "field1"
    assert assignee(raise_request(owned_by_group=team)) == "field2"


# -- least open ----------------------------------------------------------------------------------


def test_least_open_takes_the_member_with_fewest_open_requests_in_any_group(team, users):
    set_policy(team, LEAST)
    main = Group.objects.get(name="Main Group")
    open_for(users["agent"], 2, owned_by_group=main)
    open_for(users["field1"], 1)
    open_for(users["field2"], 1)
    # Closed requests do not count.
    cancelled = sm.ServiceRequestStatus.objects.filter(life_cycle_state="CANCELLED").first()
    open_for(users["field1"], 3, status=cancelled)
    now = timezone.now()
    member_setting(team, users["field1"], last_assigned_at=now - timedelta(hours=1))
    member_setting(team, users["field2"], last_assigned_at=now - timedelta(hours=2))
    sr = raise_request(owned_by_group=team)
    # field1 and field2 have one each: field2 was chosen longer ago.
    assert assignee(sr) == "field2"
    assert policy_events(sr)[0][1] == "Assigned to field2 by least open in Field Team (1 open)"
    # Now field2 has two: field1 has fewest.
    assert assignee(raise_request(owned_by_group=team)) == "field1"
    # All at two: agent, never chosen by the policy, was assigned least recently.
    assert assignee(raise_request(owned_by_group=team)) == "agent"


def test_least_open_records_when_each_member_was_chosen(team, users):
    set_policy(team, LEAST)
    sr = raise_request(owned_by_group=team)
    setting = MemberSetting.objects.get(group=team, user=users["agent"])
    assert setting.last_assigned_at == sm.ServiceRequest.objects.get(pk=sr.pk).created_date
    assert (setting.cap, setting.available) == (None, True)


# -- who is skipped ------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [RR, LEAST])
def test_unavailable_members_and_members_at_their_cap_are_skipped(team, users, policy):
    set_policy(team, policy)
    member_setting(team, users["agent"], available=False)
    member_setting(team, users["field1"], cap=1)
    open_for(users["field1"])
    sr = raise_request(owned_by_group=team)
    assert assignee(sr) == "field2"
    assert policy_events(sr)[0][1].endswith("; skipped agent unavailable, field1 at cap 1")
    # Under the cap again (the open request closes): field1 is back in the turn.
    sm.ServiceRequest.objects.filter(assigned_to_user=users["field1"]).update(
        life_cycle_state="CANCELLED"
    )
    assert assignee(raise_request(owned_by_group=team)) == "field1"


def test_a_member_who_could_not_see_the_request_is_skipped(team, users):
    restricted = PrivacyLevel.objects.get(number=5)
    users["field2"].clearance = restricted
    users["field2"].save(update_fields=["clearance"])
    sr = raise_request(owned_by_group=team, privacy_level=restricted)
    assert assignee(sr) == "field2"
    assert policy_events(sr)[0][1] == (
        "Assigned to field2 by round robin in Field Team; skipped "
        "agent not cleared for Restricted, field1 not cleared for Restricted"
    )
    public = raise_request(owned_by_group=team, privacy_level=PrivacyLevel.objects.get(number=1))
    assert assignee(public) == "agent"


def test_with_no_eligible_member_the_request_stays_in_the_queue_and_says_why(team, users):
    member_setting(team, users["agent"], available=False)
    member_setting(team, users["field1"], cap=1)
    open_for(users["field1"])
    member_setting(team, users["field2"], available=False)
    sr = raise_request(owned_by_group=team)
    stored = sm.ServiceRequest.objects.get(pk=sr.pk)
    assert (stored.assigned_to_user_id, stored.assigned_to_unit_id) == (None, None)
    assert stored.owned_by_group == team
    assert policy_events(sr) == [
        (
            "MPAdministrator",
            "No member of Field Team could take it: "
            "agent unavailable, field1 at cap 1, field2 unavailable",
            [],
        )
    ]
    assert turn(team) is None
    assert not Notification.objects.filter(service_request=sr).exists()


def test_a_policy_group_without_members_says_so(demo):
    empty = Group.objects.create(name="Night Shift", community=Community.objects.first())
    set_policy(empty, RR)
    sr = raise_request(owned_by_group=empty)
    assert assignee(sr) is None
    assert policy_events(sr)[0][1] == (
        "No member of Night Shift could take it: the group has no members"
    )


def test_an_inactive_member_is_skipped(team, users):
    users["agent"].is_active = False
    users["agent"].save(update_fields=["is_active"])
    sr = raise_request(owned_by_group=team)
    assert assignee(sr) == "field1"
    assert policy_events(sr)[0][1].endswith("; skipped agent inactive")


# -- what the policy leaves alone ----------------------------------------------------------------


def test_manual_policy_and_no_policy_leave_requests_unassigned(team, users):
    main = Group.objects.get(name="Main Group")
    assert not GroupPolicy.objects.filter(group=main).exists()
    set_policy(team, AssignmentPolicy.MANUAL)
    for group in (main, team):
        sr = raise_request(owned_by_group=group)
        assert assignee(sr) is None
        assert policy_events(sr) == []
    assert turn(team) is None


def test_requests_without_a_group_or_already_assigned_are_left_alone(team, users):
    assert assignee(raise_request()) is None
    sr = raise_request(owned_by_group=team, assigned_to_user=users["field2"])
    assert assignee(sr) == "field2"
    assert policy_events(sr) == []
    assert turn(team) is None


# -- update --------------------------------------------------------------------------------------


def test_an_update_moving_an_unassigned_request_to_the_group_assigns_it(team, users):
    admin = Actor.of(users["MPAdministrator"])
    sr = raise_request(owned_by_group=Group.objects.get(name="Main Group"))
    assert assignee(sr) is None
    services.service_request_update(
        service_request=sr, actor=admin, changes={"owned_by_group": team}
    )
    assert assignee(sr) == "agent"
    actions = list(
        sm.ServiceRequestEvent.objects.filter(service_request=sr)
        .exclude(action="create")
        .values_list("action", flat=True)
    )
    assert sorted(actions) == ["assign_by_policy", "update"]
    assert policy_events(sr)[0][1] == "Assigned to agent by round robin in Field Team"


def test_updates_that_do_not_move_an_unassigned_request_leave_it(team, users):
    admin = Actor.of(users["MPAdministrator"])
    for name in MEMBERS:
        member_setting(team, users[name], available=False)
    sr = raise_request(owned_by_group=team)
    MemberSetting.objects.filter(group=team).update(available=True)
    services.service_request_update(
        service_request=sr, actor=admin, changes={"description": "Still waiting"}
    )
    assert assignee(sr) is None
    assert len(policy_events(sr)) == 1  # the create's "no member could take it"
    # Moved in while assigned: the assignee stays.
    kept = raise_request(
        owned_by_group=Group.objects.get(name="Main Group"), assigned_to_user=users["agent"]
    )
    services.service_request_update(
        service_request=kept, actor=admin, changes={"owned_by_group": team}
    )
    assert assignee(kept) == "agent"
    assert policy_events(kept) == []


# -- query count ---------------------------------------------------------------------------------


def test_create_with_a_policy_runs_the_same_queries_however_many_requests_exist(team, users):
    set_policy(team, LEAST)
    raise_request(owned_by_group=team)  # agent: the turn and its setting exist from now on

    def measured() -> tuple[int, str | None]:
        with CaptureQueriesContext(connection) as queries:
            sr = raise_request(owned_by_group=team)
        return len(queries), assignee(sr)

    # Both chosen for the first time (their settings rows are made), by fewest open.
    few = measured()
    for name in MEMBERS:
        open_for(users[name], 20)
    many = measured()
    assert sm.ServiceRequest.objects.count() == 63
    assert (few[1], many[1]) == ("field1", "field2")
    assert few[0] == many[0]
