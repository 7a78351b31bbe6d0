"""The demo's "Field Team" (contract section 10): a group that hands out its requests by
round robin among ``agent``, ``field1`` and ``field2``."""

from __future__ import annotations

from django.conf import settings

from assignment.models import AssignmentPolicy, GroupPolicy
from crm.demo.base import upsert
from crm.demo.organisation import load_agent_role
from crm.models import Group, Role, Unit, User

FIELD_AGENTS = {"field1": ("Fiona", "Field"), "field2": ("Felix", "Field")}


def load_field_team(org: dict, users: dict) -> dict:
    team = upsert(
        Group,
        {"name": "Field Team"},
        {
            "alternative_code": "FT1",
            "description": "Field Team",
            "community": org["group"].community,
        },
    )
    unit = upsert(Unit, {"name": "Field Unit"}, {"alternative_code": "FU", "group": team})
    upsert(GroupPolicy, {"group": team}, {"assignment_policy": AssignmentPolicy.ROUND_ROBIN})
    role = load_agent_role()
    members = [
        users["agent"],
        *(_field_agent(name, unit, team, org, role) for name in FIELD_AGENTS),
    ]
    # agent keeps "Main Group" (load_users sets it): the team is added beside it.
    users["agent"].crm_groups.add(team)
    return {"field_team": team, **{user.username: user for user in members}}


def _field_agent(username: str, unit: Unit, team: Group, org: dict, role: Role) -> User:
    first, last = FIELD_AGENTS[username]
    user = upsert(
        User,
        {"username": username},
        {
            "person_name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.com",
            "is_staff": False,
            "is_superuser": False,
            "default_unit": unit,
            "clearance": org["public"],
        },
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    user.units.set([unit])
    user.crm_groups.set([team])
    user.groups.set([role])
    return user
