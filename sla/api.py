"""The ``sla`` object of a service request in the Web API (contract section 8)."""

from __future__ import annotations

from crm.api.formats import format_datetime, stored_period
from crm.api.representation import DATE_SCHEMA, TIME_PERIOD_SCHEMA, Computed
from sla import clock
from sla.calendars import of_type

_STATUS = {"type": "string", "enum": list(clock.STATUSES), "nullable": True}
_SECONDS = {"type": "integer", "nullable": True}
SCHEMA = {
    "type": "object",
    "description": "The service level, worked out when read: the clock (from the status), "
    "the status against the target, and the working time elapsed, paused and remaining.",
    "properties": {
        "clock": {"type": "string", "enum": list(clock.CLOCK.values())},
        "status": _STATUS,
        "calendar": {"type": "string", "nullable": True},
        "target": TIME_PERIOD_SCHEMA,
        "elapsed_seconds": {"type": "integer"},
        "paused_seconds": {"type": "integer"},
        "remaining_seconds": _SECONDS,
        "at_risk_date": DATE_SCHEMA,
        "breach_date": DATE_SCHEMA,
        "response": {
            "type": "object",
            "nullable": True,
            "properties": {"status": _STATUS, "due_date": DATE_SCHEMA},
        },
    },
}
COLUMNS = [
    "start_date",
    "expected_completion_date",
    "estimated_completion_value",
    "estimated_completion_uot",
    "life_cycle_state",
    "sla_at_risk_date",
    "sla_paused_since",
    "sla_paused_seconds",
    "sla_stopped_at",
    "sla_response_due_date",
    "sla_responded_at",
    "status",
    "status__clock_effect",
    "type",
    "type__at_risk_percentage",
    "type__calendar",
    "type__calendar__name",
    "type__calendar__time_zone",
    "type__calendar__version",
]


def facts(row) -> clock.Facts:
    """The clock facts a request row stores."""
    return clock.Facts(
        start=row.start_date,
        due=row.expected_completion_date,
        at_risk=row.sla_at_risk_date,
        paused_since=row.sla_paused_since,
        paused_seconds=row.sla_paused_seconds,
        stopped_at=row.sla_stopped_at,
        response_due=row.sla_response_due_date,
        responded_at=row.sla_responded_at,
    )


def reading(row, now) -> clock.Reading:
    """The clock of a request row at ``now``."""
    return clock.read(
        facts(row),
        effect=clock.effect_for(row.life_cycle_state, row.status.clock_effect),
        state=row.life_cycle_state,
        calendar=of_type(row.type),
        now=now,
        percentage=row.type.at_risk_percentage,
    )


def render(row, ctx) -> dict:
    now = reading(row, ctx.now)
    calendar_row = row.type.calendar
    response = None
    if row.sla_response_due_date is not None:
        response = {
            "status": now.response_status,
            "due_date": format_datetime(row.sla_response_due_date),
        }
    return {
        "clock": now.clock,
        "status": now.status,
        "calendar": calendar_row.name if calendar_row else None,
        "target": stored_period(row.estimated_completion_value, row.estimated_completion_uot),
        "elapsed_seconds": now.elapsed_seconds,
        "paused_seconds": now.paused_seconds,
        "remaining_seconds": now.remaining_seconds,
        "at_risk_date": format_datetime(row.sla_at_risk_date),
        "breach_date": format_datetime(row.expected_completion_date),
        "response": response,
    }


def sla_field() -> Computed:
    return Computed(
        render, columns=COLUMNS, select=["status", "type__calendar"], schema=SCHEMA, nullable=False
    )
