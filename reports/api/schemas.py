"""The OpenAPI schemas of the report methods' results (reports.api.views)."""

from reports.queries import BUCKET_NAMES

KEY = {
    "nullable": True,
    "description": (
        "The group: an object with id and name (a user: id, username, person_name), a "
        "string value (life_cycle_state, priority, sla_status), or null."
    ),
    "oneOf": [
        {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        },
        {
            "type": "object",
            "required": ["id", "username", "person_name"],
            "properties": {
                "id": {"type": "string"},
                "username": {"type": "string"},
                "person_name": {"type": "string"},
            },
        },
        {"type": "string"},
    ],
}
COUNT = {"type": "integer", "minimum": 0}
PERIOD_START = {
    "type": "string",
    "example": "2026-12-07T00:00:00",
    "description": "The period's first moment, in the organisation's time zone.",
}


def _rows(properties: dict) -> dict:
    return {
        "type": "array",
        "items": {"type": "object", "required": list(properties), "properties": properties},
    }


SUMMARY = _rows({"key": KEY, "count": COUNT})
AGING = _rows(
    {
        "key": KEY,
        "buckets": {
            "type": "object",
            "required": list(BUCKET_NAMES),
            "properties": dict.fromkeys(BUCKET_NAMES, COUNT),
        },
        "total": COUNT,
    }
)
TREND = _rows(
    {
        "period_start": PERIOD_START,
        "created": COUNT,
        "completed": COUNT,
        "cancelled": COUNT,
        "open_at_end": COUNT,
    }
)
SLA_COMPLIANCE = _rows(
    {
        "key": {**KEY, "description": KEY["description"] + " Only when grouped."},
        "period_start": PERIOD_START,
        "resolved": COUNT,
        "met": COUNT,
        "missed": COUNT,
        "compliance_percentage": {
            "type": "number",
            "nullable": True,
            "description": "met / resolved, in percent, one decimal; null when none.",
        },
    }
)
# Ungrouped rows have no key.
SLA_COMPLIANCE["items"]["required"].remove("key")
