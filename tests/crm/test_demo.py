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
    assert first["crm.User"] == 2


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
    assert list(agent.crm_groups.values_list("name", flat=True)) == ["Main Group"]
    assert admin.check_password("demo")
    assert agent.check_password("demo")


def test_seed_demo_restores_changed_values(demo):
    from customers.models import Subscription

    Subscription.objects.filter(number="S60993").update(life_cycle_state="NOT_EFFECTIVE")
    call_command("seed_demo")
    assert Subscription.objects.get(number="S60993").life_cycle_state == "EFFECTIVE"
