"""Concurrent creations for one policy group serialise on the group's policy row: sixteen
requests raised at the same moment over three members differ by at most one per member.
Real threads, each with its own database connection (PostgreSQL only)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection

from crm.demo import load_demo
from crm.models import Group
from servicerequests import models as sm
from tests.assignment.helpers import raise_request

REQUESTS = 16
pytestmark = pytest.mark.usefixtures("transactional_db")


def race(work, count: int) -> list:
    """Run ``work(index)`` in ``count`` threads released at once; their outcomes in order."""
    outcomes: list = [None] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work(index)
        except BaseException as exc:  # the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


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
