"""Fixtures of the page tests: signed-in clients and jobs walked through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.jobs.conftest import actor, make_job  # noqa: F401  (fixtures, shared)


@pytest.fixture
def admin_client(client, demo) -> Client:
    client.force_login(demo["admin"])
    return client
