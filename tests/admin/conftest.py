"""Fixtures of the admin tests: the demo data and a client signed in as its administrator."""

from __future__ import annotations

import pytest

from crm.models import User

# helpers.py asserts too (errors_of): report its failures as a test module would.
pytest.register_assert_rewrite("tests.admin.helpers")


@pytest.fixture
def demo_data(db) -> dict:
    from crm.demo import load_demo

    return load_demo()


@pytest.fixture
def superuser(demo_data) -> User:
    return User.objects.get(username="MPAdministrator")


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client
