"""Helpers of the assignment tests: raise requests through the service, read who has them
and the policy's event rows, set a group's policy and a member's settings."""

from __future__ import annotations

from assignment.models import GroupPolicy, MemberSetting
from crm.actor import Actor
from crm.models import Group, User
from customers.models import AccountsReceivable
from servicerequests import models as sm
from servicerequests import services

MEMBERS = ["agent", "field1", "field2"]


def raise_request(*, actor: User | None = None, **fields) -> sm.ServiceRequest:
    """A PENDING request of ACR001143 raised through the service (as every path does)."""
    actor = actor or User.objects.get(username="MPAdministrator")
    return services.service_request_create(
        actor=Actor.of(actor),
        type=sm.ServiceRequestType.objects.get(name="Technical Support"),
        accounts_receivable=AccountsReceivable.objects.get(number="ACR001143"),
        status=sm.ServiceRequestStatus.objects.get(name="Pending"),
        category=sm.ServiceRequestCategory.objects.get(code="TECH"),
        urgency_level="URGENCY2",
        impact_level="IMPACT2",
        fields=fields,
    )


def assignee(sr: sm.ServiceRequest) -> str | None:
    """Who the request is assigned to, as stored."""
    sr = sm.ServiceRequest.objects.select_related("assigned_to_user").get(pk=sr.pk)
    return sr.assigned_to_user.username if sr.assigned_to_user_id else None


def policy_events(sr: sm.ServiceRequest) -> list[tuple[str, str, list]]:
    """(user, note, field changes) of each policy event row of the request."""
    rows = sm.ServiceRequestEvent.objects.filter(service_request=sr, action="assign_by_policy")
    return [
        (row.user.username if row.user_id else None, row.note, row.change_list)
        for row in rows.select_related("user")
    ]


def set_policy(group: Group, policy: str) -> GroupPolicy:
    row, _ = GroupPolicy.objects.update_or_create(
        group=group, defaults={"assignment_policy": policy}
    )
    return row


def member_setting(group: Group, user: User, **values) -> MemberSetting:
    row, _ = MemberSetting.objects.update_or_create(group=group, user=user, defaults=values)
    return row
