"""Fixtures of the assignment tests: the demo's Field Team (ROUND_ROBIN over agent, field1
and field2) and its users."""

from __future__ import annotations

import pytest

from crm.models import Group, User


@pytest.fixture
def team(demo) -> Group:
    return Group.objects.get(name="Field Team")


@pytest.fixture
def users(demo) -> dict[str, User]:
    return {user.username: user for user in User.objects.all()}
