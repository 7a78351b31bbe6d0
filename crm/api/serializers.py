"""Objects every Web API entity embeds: users, units, groups, privacy levels,
``log_information`` and ``assigned_to`` (reference section 1.12), and the user-defined fields.
"""

from crm.api.formats import stored_period, time_overdue, time_to_completion
from crm.api.representation import (
    DATE_SCHEMA,
    TIME_PERIOD_SCHEMA,
    Attr,
    Choice,
    Computed,
    Date,
    Field,
    Id,
    Nested,
    Plan,
    Representation,
    attrs,
)
from crm.models import Group, PrivacyLevel, Unit, User

ID = {"type": "string", "example": "48305F8849E3C18B227C5BE3A27BA6DF"}


class UserRepr(Representation):
    """A user as ``log_information`` shows it."""

    model = User
    fields = {
        "id": Id(ID),
        **attrs("username", "person_name"),
    }


class AssignedUserRepr(Representation):
    """A user as ``assigned_to`` shows it."""

    model = User
    fields = {**UserRepr.fields, "email": Attr("email")}


class UnitRepr(Representation):
    model = Unit
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
        "group_name": Computed(
            lambda unit, ctx: unit.group.name, columns=["group", "group__name"], select=["group"]
        ),
        "community_name": Computed(
            lambda unit, ctx: unit.group.community.name,
            columns=["group", "group__community", "group__community__name"],
            select=["group__community"],
        ),
    }


class GroupRepr(Representation):
    model = Group
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
        "community_name": Computed(
            lambda group, ctx: group.community.name,
            columns=["community", "community__name"],
            select=["community"],
        ),
    }


class PrivacyLevelRepr(Representation):
    model = PrivacyLevel
    fields = {
        "id": Id(ID),
        "name": Attr("name"),
        "number": Attr("number", schema={"type": "integer"}),
        "description": Attr("description"),
    }


class Composite(Field):
    """An object made of other fields of the same row (``log_information``, ...)."""

    def __init__(self, parts: dict[str, Field], *, empty_as_null: bool = False, **kwargs):
        kwargs.setdefault("nullable", empty_as_null)
        super().__init__(**kwargs)
        self.parts = parts
        self.empty_as_null = empty_as_null

    def plan(self) -> Plan:
        plan = Plan()
        for part in self.parts.values():
            sub = part.plan()
            plan.columns += sub.columns
            plan.select += sub.select
            plan.prefetch += sub.prefetch
        return plan

    def render(self, obj, ctx):
        value = {name: part.render(obj, ctx) for name, part in self.parts.items()}
        if self.empty_as_null and all(v is None for v in value.values()):
            return None
        return value

    def schema(self) -> dict:
        schema = {
            "type": "object",
            "properties": {name: part.schema() for name, part in self.parts.items()},
        }
        if self.nullable:
            schema["nullable"] = True
        return schema

    def nested(self):
        return [rep for part in self.parts.values() for rep in part.nested()]


def log_information() -> Composite:
    return Composite(
        {
            "created_date": Date("created_date"),
            "updated_date": Date("updated_date"),
            "created_by_user": Nested("created_by_user", UserRepr),
            "updated_by_user": Nested("updated_by_user", UserRepr),
            "created_by_unit": Nested("created_by_unit", UnitRepr, prefetch=True),
            "updated_by_unit": Nested("updated_by_unit", UnitRepr, prefetch=True),
        }
    )


def assigned_to() -> Composite:
    """``{unit, user}``; null when the record is assigned to nobody."""
    return Composite(
        {
            "unit": Nested("assigned_to_unit", UnitRepr, prefetch=True),
            "user": Nested("assigned_to_user", AssignedUserRepr),
        },
        empty_as_null=True,
    )


def estimated_completion_time() -> Computed:
    return Computed(
        lambda row, ctx: stored_period(
            row.estimated_completion_value, row.estimated_completion_uot
        ),
        columns=["estimated_completion_value", "estimated_completion_uot"],
        schema=TIME_PERIOD_SCHEMA,
        nullable=False,
    )


def time_to_completion_field() -> Computed:
    """Time left until the expected completion, measured when the response is built."""
    return Computed(
        lambda row, ctx: (
            time_to_completion(row.expected_completion_date, ctx.now)
            if row.is_open
            else time_to_completion(None)
        ),
        columns=["expected_completion_date", "life_cycle_state"],
        schema=TIME_PERIOD_SCHEMA,
        nullable=False,
    )


def time_overdue_field() -> Computed:
    """How long an open record is past its expected completion; null members otherwise."""
    return Computed(
        lambda row, ctx: time_overdue(row.expected_completion_date, row.is_open, ctx.now),
        columns=["expected_completion_date", "life_cycle_state"],
        schema=TIME_PERIOD_SCHEMA,
        nullable=False,
    )


def udf_fields() -> dict[str, Field]:
    """``udf_string_1..8``, ``udf_float_1..4``, ``udf_date_1..4``."""
    fields: dict[str, Field] = {}
    for n in range(1, 9):
        fields[f"udf_string_{n}"] = Attr(f"udf_string_{n}")
    for n in range(1, 5):
        fields[f"udf_float_{n}"] = Attr(f"udf_float_{n}", schema={"type": "number"})
    for n in range(1, 5):
        fields[f"udf_date_{n}"] = Attr(f"udf_date_{n}", schema=DATE_SCHEMA)
    return fields


# -- configuration objects both apps have ------------------------------------------------------


def _representation(name: str, model, fields: dict, description: str = "") -> type:
    attrs = {"model": model, "fields": fields, "description": description}
    return type(name, (Representation,), attrs)


def status_repr(name: str, model, states, id_schema: dict) -> type[Representation]:
    """A status: ``{id, name, alternative_code, description, life_cycle_state}``."""
    return _representation(
        name,
        model,
        {
            "id": Id(id_schema),
            **attrs("name", "alternative_code", "description"),
            "life_cycle_state": Choice("life_cycle_state", states, nullable=False),
        },
    )


def type_status_repr(name: str, model, status, id_schema: dict) -> type[Representation]:
    """An allowed status of a type: ``{id, default, status}``."""
    return _representation(
        name,
        model,
        {
            "id": Id(id_schema),
            "default": Attr("is_default", schema={"type": "boolean"}, nullable=False),
            "status": Nested("status", status, nullable=False),
        },
    )


def _reason(attr: str):
    return Computed(
        lambda row, ctx: getattr(row.reason, attr),
        columns=["reason", f"reason__{attr}"],
        select=["reason"],
        schema={"type": "string"},
    )


def type_reason_repr(name: str, model, id_schema: dict) -> type[Representation]:
    """A cancellation reason of a type, flagged if it is the type's default."""
    return _representation(
        name,
        model,
        {
            "id": Attr("reason_id", schema=id_schema, nullable=False),
            "name": _reason("name"),
            "alternative_code": _reason("alternative_code"),
            "description": _reason("description"),
            "default": Attr("is_default", schema={"type": "boolean"}, nullable=False),
        },
    )
