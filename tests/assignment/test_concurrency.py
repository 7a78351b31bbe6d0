"""Concurrent creations for one policy group serialise on the group's policy row: sixteen
requests raised at the same moment over three members differ by at most one per member.
Real threads, each with its own database connection (PostgreSQL only)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from crm.demo import load_demo
from crm.models import Group
from servicerequests import models as sm
from tests.assignment.helpers import raise_request
from tests.racing import race

REQUESTS = 16
pytestmark = pytest.mark.usefixtures("transactional_db")


def test_concurrent_creations_take_turns():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: there is no race to provoke")
    load_demo()
    team = Group.objects.get(name="Field Team")
    outcomes = race(lambda _: raise_request(owned_by_group=team).number, REQUESTS)
    assert all(isinstance(outcome, str) for outcome in outcomes), outcomes
    rows = sm.ServiceRequest.objects.filter(number__in=outcomes).select_related("assigned_to_user")
    counts = Counter(row.assigned_to_user.username for row in rows)
    # Round robin from the start of the turn: 16 = 3 x 5 + 1, the extra one to agent.
    assert counts == {"agent": 6, "field1": 5, "field2": 5}
    assert sm.ServiceRequestEvent.objects.filter(action="assign_by_policy").count() == REQUESTS
