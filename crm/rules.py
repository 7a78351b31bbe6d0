"""Business rules shared by service requests and jobs."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from crm.access import access_for, can_see
from crm.exceptions import InvalidParameter, ValidationFailed
from crm.models import Unit, User
from crm.timeperiods import PeriodOverflow, TimePeriod, add_period, period_between


def check_assignment(user: User | None, unit: Unit | None, *, param: str = "assigned_to") -> None:
    """A user given with a unit must belong to it."""
    if user is None or unit is None:
        return
    if user.default_unit_id == unit.pk or user.units.filter(pk=unit.pk).exists():
        return
    raise ValidationFailed(
        "The assigned user does not belong to the assigned unit.",
        param=param,
        detail=f"{user.username} is not a member of {unit.name}",
    )


def check_assignee_sees(user: User | None, record, *, param: str = "assigned_to") -> None:
    """Nobody is given a record they could not see (contract section 6): checked when the
    assignee, the privacy level or the owning group changes, so a reclassification that
    would hide a record from its assignee is refused too."""
    if user is None:
        return
    access = access_for(user)
    if can_see(access, record):
        return
    if record.privacy_level_id is not None and (
        record.privacy_level_id not in access.privacy_level_ids
    ):
        detail = f"{user.username}'s clearance is below the record's privacy level"
    else:
        detail = f"{user.username} is not a member of the record's owning group"
    raise ValidationFailed(
        f"{user.display_name} could not see this record, so it cannot be assigned to them.",
        param=param,
        detail=detail,
    )


def completion(
    *,
    start: datetime,
    expected: datetime | None,
    estimated: TimePeriod | None,
    default: TimePeriod | None,
    expected_param: str = "expected_completion_date",
    add=add_period,
) -> tuple[datetime | None, TimePeriod | None]:
    """``expected_completion_date`` and ``estimated_completion_time`` from each other.

    Give one and the other is computed from ``start``; give neither and ``default`` (the
    type's target) applies; both together are refused by the method's rules beforehand.
    ``add(start, value, uot)`` reaches a target (a business calendar counts working time;
    the default, around the clock).
    """
    given = estimated is not None
    if estimated is None and expected is None:
        estimated = default
    if estimated is not None:
        try:
            return add(start, estimated.value, estimated.uot), estimated
        except (PeriodOverflow, ValueError) as exc:
            raise InvalidParameter(
                "The expected completion date would be past the calendar.",
                param="estimated_completion_time" if given else "start_date",
                detail=str(exc),
            ) from None
    if expected <= start:
        raise InvalidParameter(
            "The expected completion date must be after the start date.",
            param=expected_param,
            detail="expected_completion_date must be later than start_date",
        )
    return expected, period_between(start, expected)


def stamped_note(author: User, text: str, moment: datetime | None = None) -> str:
    """A note as CRM.COM stores it: ``Person Name<TAB>D/M/YYYY HH:MM:SS<TAB>text``."""
    local = timezone.localtime(moment or timezone.now())
    when = f"{local.day}/{local.month}/{local.year} {local:%H:%M:%S}"
    return f"{author.display_name}\t{when}\t{text}"
