"""The demo organisation: community, groups, units, privacy levels, roles, users."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission

from crm.demo.base import upsert
from crm.models import Community, Group, PrivacyLevel, Role, Unit, User

UNIT_DESCRIPTION = (
    "r1 Test Description for resource  request tab.Test Description for resource  request tab."
)


AGENT_APPS = ("customers", "products", "servicerequests", "jobs")


AGENT_WRITES = ("servicerequest", "job")


def load_organisation() -> dict:
    community = upsert(Community, {"name": "Internal Community"})
    group = upsert(
        Group,
        {"name": "Main Group"},
        {"alternative_code": "MG1", "description": "Main Group", "community": community},
        id="84F33366CB592BAAE7E2044D93611C6A",
    )
    unit = upsert(
        Unit,
        {"name": "Admin Unit"},
        {"alternative_code": "MG", "description": UNIT_DESCRIPTION, "group": group},
        id="48305F8849E3C18B227C5BE3A27BA6DF",
    )
    public = upsert(PrivacyLevel, {"name": "Public"}, {"number": 1})
    restricted = upsert(PrivacyLevel, {"name": "Restricted"}, {"number": 5})
    return {"group": group, "unit": unit, "public": public, "restricted": restricted}


def load_agent_role() -> Role:
    """Staff who work requests and jobs: read all configuration, write requests and jobs."""
    role = upsert(Role, {"name": "Agents"})
    perms = Permission.objects.filter(content_type__app_label__in=AGENT_APPS).filter(
        codename__regex=r"^view_"
    )
    writes = Permission.objects.filter(
        content_type__app_label__in=AGENT_APPS,
        content_type__model__in=AGENT_WRITES,
        codename__regex=r"^(add|change)_",
    )
    role.permissions.set([*perms, *writes])
    return role


def _user(username: str, values: dict, org: dict, clearance: PrivacyLevel) -> User:
    user = upsert(
        User,
        {"username": username},
        {**values, "default_unit": org["unit"], "clearance": clearance},
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    user.units.set([org["unit"]])
    user.crm_groups.set([org["group"]])
    return user


def load_users(org: dict) -> dict:
    admin = _user(
        "MPAdministrator",
        {
            "person_name": "Marios Lannister",
            "first_name": "Marios",
            "last_name": "Lannister",
            "email": "sakkascy1986@hotmail.com",
            "is_staff": True,
            "is_superuser": True,
        },
        org,
        org["restricted"],
    )
    agent = _user(
        "agent",
        {
            "person_name": "Andreas Agent",
            "first_name": "Andreas",
            "last_name": "Agent",
            "email": "agent@example.com",
            "is_staff": False,
            "is_superuser": False,
        },
        org,
        org["public"],
    )
    agent.groups.set([load_agent_role()])
    return {"admin": admin, "agent": agent}


# -- customers ----------------------------------------------------------------------------------
