"""Assignment by policy (contract section 10): a request that lands unassigned in a group
whose policy is not MANUAL is given to one of its members in the same transaction.

The request services call ``assign_by_policy`` after a create, and after an update that
moved an unassigned request to another group; it decides everything else itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from crm import audit
from crm.access import can_see
from crm.actor import Actor
from crm.models import User
from crm.notify import tell_assignee
from servicerequests.models import ServiceRequest
from servicerequests.services.common import record_event
from servicerequests.services.fields import assign

from . import selectors
from .models import AssignmentPolicy, GroupPolicy, MemberSetting
from .selectors import Member, member_order

ACTION = "assign_by_policy"
ASSIGNEE = audit.Tracked("assigned_to", "Assignee", audit.assignee, "nobody")
# Never chosen by the policy: longer ago than any real moment.
NEVER = datetime.min.replace(tzinfo=UTC)


@transaction.atomic
def assign_by_policy(
    *, service_request: ServiceRequest, actor: Actor, now: datetime
) -> User | None:
    """Give an unassigned open request of a policy group to the member the policy picks,
    and write an event row saying who and why; with nobody eligible, the request stays in
    the group's queue and the event row says why not. Returns the member chosen."""
    sr = service_request
    if not _waiting_in_group(sr):
        return None
    policy = _lock_policy(sr.owned_by_group_id)
    if policy is None:
        return None
    least_open = policy.assignment_policy == AssignmentPolicy.LEAST_OPEN
    members = selectors.group_members(group=sr.owned_by_group, count_all=least_open)
    reasons = {member.user.pk: why_not(member, sr) for member in members}
    skipped = [reasons[member.user.pk] for member in members if reasons[member.user.pk]]
    eligible = [member for member in members if reasons[member.user.pk] is None]
    chosen = choose(policy, eligible, members)
    if chosen is None:
        note = f"No member of {sr.owned_by_group.name} could take it: " + (
            ", ".join(skipped) or "the group has no members"
        )
        record_event(sr, actor, ACTION, (sr.life_cycle_state, sr.status_id), now, note=note)
        return None
    _give(sr, policy, chosen, actor, now, skipped)
    return chosen.user


def _waiting_in_group(sr: ServiceRequest) -> bool:
    """Open, owned by a group, and nobody (user or unit) given it by hand."""
    return (
        sr.is_open
        and sr.owned_by_group_id is not None
        and sr.assigned_to_user_id is None
        and sr.assigned_to_unit_id is None
    )


def _lock_policy(group_id: str) -> GroupPolicy | None:
    """The group's policy row, unless MANUAL, locked until commit.

    This lock is what serialises concurrent creations for one group: each waits here for
    the one before to commit, then (READ COMMITTED: every later statement sees what that
    one committed) reads the turn it left and the members' counts including the request it
    assigned. Without it two creations would read the same turn and pick the same member.
    FOR NO KEY UPDATE, as crm.lifecycle.lock: only the turn columns change, so nothing
    needs to be kept from referencing the row. No joins, for the reason given there.
    """
    return (
        GroupPolicy.objects.select_for_update(no_key=True)
        .filter(group_id=group_id)
        .exclude(assignment_policy=AssignmentPolicy.MANUAL)
        .first()
    )


def why_not(member: Member, sr: ServiceRequest) -> str | None:
    """Why this member cannot take the request now, in the words of the event row."""
    name = member.user.username
    if member.access is None:
        return f"{name} inactive"
    if not member.available:
        return f"{name} unavailable"
    if not can_see(member.access, sr):
        # Members see their group's records: what hides it is the privacy level.
        level = sr.privacy_level
        return f"{name} not cleared for {level.name}" if level else f"{name} cannot see it"
    if member.cap is not None and member.open_count >= member.cap:
        return f"{name} at cap {member.cap}"
    return None


def choose(policy: GroupPolicy, eligible: list[Member], members: list[Member]) -> Member | None:
    if not eligible:
        return None
    if policy.assignment_policy == AssignmentPolicy.LEAST_OPEN:
        return min(
            eligible,
            key=lambda m: (m.open_count, m.last_assigned_at or NEVER, member_order(m.user)),
        )
    return _next_in_turn(policy, eligible, members)


def _next_in_turn(policy: GroupPolicy, eligible: list[Member], members: list[Member]) -> Member:
    """The first eligible member after the one chosen last, in user-name order, wrapping
    round; the first of all when the policy has chosen nobody yet."""
    if policy.last_assigned_user_id is None:
        return eligible[0]
    known = {member.user.pk: member.user for member in members}
    # The last one chosen may have left the group since: their name still marks the turn.
    last = known.get(policy.last_assigned_user_id) or policy.last_assigned_user
    after = [member for member in eligible if member_order(member.user) > member_order(last)]
    return (after or eligible)[0]


def _give(sr, policy, chosen: Member, actor: Actor, now: datetime, skipped: list[str]) -> None:
    """Assign as a manual assignment does (the member's default unit), move the turn,
    record who, why and the change, and tell the member."""
    trail = audit.Audit(sr, (ASSIGNEE,))
    assign(sr, chosen.user, None)
    sr.save(update_fields=["assigned_to_user", "assigned_to_unit"])
    policy.last_assigned_user, policy.last_assigned_at = chosen.user, now
    policy.save(update_fields=["last_assigned_user", "last_assigned_at"])
    settings = MemberSetting.objects.filter(group_id=sr.owned_by_group_id, user=chosen.user)
    if not settings.update(last_assigned_at=now):
        MemberSetting.objects.create(
            group_id=sr.owned_by_group_id, user=chosen.user, last_assigned_at=now
        )
    note = _chosen_note(sr, policy, chosen, skipped)
    changes = audit.as_changes(trail.take(sr))
    before = (sr.life_cycle_state, sr.status_id)
    record_event(sr, actor, ACTION, before, now, note=note, changes=changes)
    how = f"by {_label(policy)} in {sr.owned_by_group.name}"
    tell_assignee(sr, before_user_id=None, actor=actor.user, now=now, how=how)


def _chosen_note(sr, policy: GroupPolicy, chosen: Member, skipped: list[str]) -> str:
    group = sr.owned_by_group.name
    note = f"Assigned to {chosen.user.username} by {_label(policy)} in {group}"
    if policy.assignment_policy == AssignmentPolicy.LEAST_OPEN:
        note += f" ({chosen.open_count} open)"
    if skipped:
        note += f"; skipped {', '.join(skipped)}"
    return note


def _label(policy: GroupPolicy) -> str:
    return AssignmentPolicy(policy.assignment_policy).label
