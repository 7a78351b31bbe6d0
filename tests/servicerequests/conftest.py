"""Fixtures of the service request tests: signed-in clients for the staff pages, and a
request with every clearable field and one item in each set for the update tests."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.servicerequests.helpers import ADMIN, D1, MD, START, create


@pytest.fixture
def admin_client(client, demo) -> Client:
    client.force_login(demo["admin"])
    return client


@pytest.fixture
def agent_client(demo) -> Client:
    client = Client()
    client.force_login(demo["agent"])
    return client


@pytest.fixture
def rich(api, demo) -> dict:
    """A PENDING request with every clearable field set, a service, a good and a relation."""
    other = create(api, description="Other")
    return create(
        api,
        caller_email="x@example.com",
        caller_phone="99000001",
        description="No signal",
        notes="Called twice",
        owned_by_group_identifier={"name": "Main Group"},
        privacy_level_identifier={"name": "Public"},
        assigned_to={"user_identifier": ADMIN},
        referring_to={"subscription_identifier": {"number": "S60993"}},
        start_date=START,
        estimated_completion_time={"time_period_value": 2, "time_period_uot": "DAYS"},
        udf_string_1="one",
        udf_float_1=1.5,
        udf_date_1="2030-05-05T05:05:05",
        services_set=[{"product_identifier": MD}],
        physical_goods_set=[{"product_identifier": D1, "serial_number": "SN1"}],
        related_service_requests_set=[
            {"service_request_identifier": {"number": other["number"]}, "description": "Same"}
        ],
    )
