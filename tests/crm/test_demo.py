"""seed_demo: idempotent, and the organisation contract section 7 describes."""

import pytest
from django.apps import apps
from django.core.management import call_command

from crm.models import User

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"crm", "customers", "products", "servicerequests", "jobs"}
    }


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert first["crm.User"] == 4  # MPAdministrator, agent, and field1, field2 (section 10)


def test_demo_users_and_clearance(demo):
    admin = User.objects.get(username="MPAdministrator")
    agent = User.objects.get(username="agent")
    assert admin.person_name == "Marios Lannister"
    assert admin.default_unit.name == "Admin Unit"
    assert list(admin.crm_groups.values_list("name", flat=True)) == ["Main Group"]
    assert admin.clearance.number == 5
    assert agent.clearance.number == 1
    assert not agent.is_superuser
    assert not agent.is_staff
    assert list(agent.crm_groups.values_list("name", flat=True)) == ["Field Team", "Main Group"]
    assert admin.check_password("demo")
    assert agent.check_password("demo")


def test_seed_demo_restores_changed_values(demo):
    from customers.models import Subscription

    Subscription.objects.filter(number="S60993").update(life_cycle_state="NOT_EFFECTIVE")
    call_command("seed_demo")
    assert Subscription.objects.get(number="S60993").life_cycle_state == "EFFECTIVE"


def test_demo_field_team_takes_turns(demo):
    """Contract section 10: "Field Team", ROUND_ROBIN, members agent, field1 and field2,
    each cleared for level 1, with the Agents role and the demo password."""
    from assignment.models import GroupPolicy

    policy = GroupPolicy.objects.get(group__name="Field Team")
    assert policy.assignment_policy == "ROUND_ROBIN"
    members = User.objects.filter(crm_groups=policy.group).order_by("username")
    assert [user.username for user in members] == ["agent", "field1", "field2"]
    for user in members:
        assert user.clearance.number == 1
        assert list(user.groups.values_list("name", flat=True)) == ["Agents"]
        assert user.check_password("demo")
        assert not user.is_staff
    assert User.objects.get(username="field1").default_unit.group == policy.group
