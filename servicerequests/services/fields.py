"""Fields a create and an update set alike: completion dates, assignment, caller contact."""

from __future__ import annotations

from crm.exceptions import MissingParameter
from crm.rules import check_assignee_sees, check_assignment, completion
from crm.timeperiods import TimePeriod
from servicerequests import rules
from servicerequests.models import ServiceRequest
from sla import services as sla

# Plain columns a create and an update take as they are.
PLAIN_FIELDS = (
    "description",
    "notes",
    "owned_by_group",
    "privacy_level",
    "referring_to_subscription",
    "referring_to_job",
    *[f"udf_string_{n}" for n in range(1, 9)],
    *[f"udf_float_{n}" for n in range(1, 5)],
    *[f"udf_date_{n}" for n in range(1, 5)],
)


def set_completion(sr: ServiceRequest, expected, estimated: TimePeriod | None) -> None:
    """Expected completion and estimated time from each other, else the type's target
    (counted on the type's business calendar, if it has one); the at-risk moment follows."""
    default = rules.default_completion(sr.type, sr.priority)
    given = expected is not None
    expected, estimated = completion(
        start=sr.start_date,
        expected=expected,
        estimated=estimated,
        default=default,
        add=sla.add_target(sr.type),
    )
    # A date given is the target as it is; one worked out from an estimate is counted
    # from the start, so the pauses so far (paused time does not count) move it.
    sr.expected_completion_date = expected if given else sla.shift_by_pauses(sr, expected)
    sr.estimated_completion_value = estimated.value if estimated else None
    sr.estimated_completion_uot = estimated.uot if estimated else None
    sla.retarget(sr)


def assign(sr: ServiceRequest, user, unit) -> None:
    """A user alone works in their default unit; a user given with a unit must be in it."""
    if user is not None and unit is None:
        unit = user.default_unit
    check_assignment(user, unit)
    sr.assigned_to_user, sr.assigned_to_unit = user, unit


def check_assignee(sr: ServiceRequest) -> None:
    check_assignee_sees(sr.assigned_to_user, sr)


def contact_defaults(sr: ServiceRequest, fields: dict) -> None:
    """Caller email and phone default to the caller's; the type may require them."""
    sr.caller_email = fields.get("caller_email") or sr.caller.email or None
    sr.caller_phone = fields.get("caller_phone") or sr.caller.phone or None
    check_contact(sr)


def check_contact(sr: ServiceRequest) -> None:
    """A type that emails (texts) the caller needs the caller's email (phone)."""
    if sr.type.email_customer_on_status_change and not sr.caller_email:
        raise MissingParameter(
            f"{sr.type.name} emails the caller; caller_email is mandatory.",
            param="caller_email",
            detail="the type emails the caller on every status change",
        )
    if sr.type.sms_customer_on_status_change and not sr.caller_phone:
        raise MissingParameter(
            f"{sr.type.name} texts the caller; caller_phone is mandatory.",
            param="caller_phone",
            detail="the type texts the caller on every status change",
        )
