"""Conflicting actions at the same moment against the running server: exactly one wins."""

import json
import threading
import urllib.error
import urllib.request

import pytest

from crm.demo import load_demo
from crm.models import ApiToken, User
from crm.services import token_issue
from servicerequests.models import ServiceRequest, ServiceRequestEvent
from tests.factories import make_service_request

pytestmark = pytest.mark.live
CLIENTS = 8


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def all_at_once(url: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    return all_at_once_to(url, [("", body) for body in bodies])


def all_at_once_to(base: str, calls: list[tuple[str, dict]]) -> list[tuple[int, dict]]:
    """Several methods called at the same moment: ``(method, body)`` each."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int) -> None:
        method, body = calls[index]
        barrier.wait()
        results[index] = post(base + method, body)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def setup(live_server, transactional_db):
    load_demo()
    admin = User.objects.get(username="MPAdministrator")
    token = token_issue(user=admin, unit=admin.default_unit, source=ApiToken.Source.LOGIN)
    return live_server.url + "/crmapi/rest/v2/", token


def test_simultaneous_responds_have_one_winner(setup):
    base, token = setup
    sr = make_service_request()
    body = {
        "token": token,
        "service_request_identifier": {"number": sr.number},
        "status_identifier": {"name": "Responded"},
        "response": {
            "category_identifier": {"code": "ACK"},
            "responded_by_identifier": {"username": "MPAdministrator"},
            "response_date": "2026-01-05T10:00:00",
        },
        "fields_set": "number,life_cycle_state",
    }
    results = all_at_once(base + "service_requests/respond", [body] * CLIENTS)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (CLIENTS - 1), results
    losers = [body for status, body in results if status == 409]
    assert {b["status"]["code"] for b in losers} == {"INVALID_LIFE_CYCLE_STATE"}
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "RESPONDED"
    assert ServiceRequestEvent.objects.filter(service_request=sr, action="respond").count() == 1


def test_simultaneous_cancel_and_respond_have_one_winner(setup):
    base, token = setup
    sr = make_service_request()
    target = {"service_request_identifier": {"number": sr.number}, "token": token}
    respond = {
        **target,
        "status_identifier": {"name": "Responded"},
        "response": {
            "category_identifier": {"code": "ACK"},
            "responded_by_identifier": {"username": "agent"},
            "response_date": "2026-01-05T10:00:00",
        },
    }
    barrier_bodies = [respond, target] * (CLIENTS // 2)
    urls = ["service_requests/respond", "service_requests/cancel"] * (CLIENTS // 2)
    barrier = threading.Barrier(CLIENTS)
    results: list = [None] * CLIENTS

    def run(index: int) -> None:
        barrier.wait()
        results[index] = post(base + urls[index], barrier_bodies[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in results) == [200] + [409] * (CLIENTS - 1), results
    final = ServiceRequest.objects.get(pk=sr.pk).life_cycle_state
    assert final in {"RESPONDED", "CANCELLED"}
    moves = ServiceRequestEvent.objects.filter(service_request=sr).exclude(action="create")
    assert moves.count() == 1


def test_simultaneous_creates_get_distinct_numbers(setup):
    base, token = setup
    body = {
        "token": token,
        "type_identifier": {"name": "Technical Support"},
        "accounts_receivable_identifier": {"number": "ACR001143"},
        "status_identifier": {"name": "Pending"},
        "category_identifier": {"code": "TECH"},
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
        "fields_set": "number",
    }
    results = all_at_once(base + "service_requests/create", [body] * CLIENTS)
    assert [status for status, _ in results] == [200] * CLIENTS, results
    numbers = {b["data"]["number"] for _, b in results}
    assert len(numbers) == CLIENTS
    assert ServiceRequest.objects.count() == CLIENTS


def test_crossed_relations_never_deadlock_into_a_500(setup):
    """Update A adding B, update B adding A and a create relating both, all at once, round
    after round: on PostgreSQL these deadlocked at commit (FOR KEY SHARE of each other's
    locked row) and answered 500. Every answer is now 200, or 409 for a lost race."""
    from django.db import connection

    from servicerequests.models import ServiceRequestRelation

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: there is no deadlock to provoke")
    base, token = setup
    a, b = make_service_request(), make_service_request()
    create = {
        "token": token,
        "type_identifier": {"name": "Technical Support"},
        "accounts_receivable_identifier": {"number": "ACR001143"},
        "status_identifier": {"name": "Pending"},
        "category_identifier": {"code": "TECH"},
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
        "related_service_requests_set": [
            {"service_request_identifier": {"number": b.number}},
            {"service_request_identifier": {"number": a.number}},
        ],
        "fields_set": "number",
    }

    def relate(one, other) -> dict:
        return {
            "token": token,
            "service_request_identifier": {"number": one.number},
            "related_service_requests_set": [
                {"action": "ADD", "service_request_identifier": {"number": other.number}}
            ],
            "fields_set": "number",
        }

    answers = []
    for _round in range(12):
        ServiceRequestRelation.objects.filter(service_request__in=[a, b]).delete()
        calls = [
            ("service_requests/update", relate(a, b)),
            ("service_requests/update", relate(b, a)),
            ("service_requests/create", create),
        ] * 2
        answers.extend(all_at_once_to(base, calls))
    codes = {(status, body["status"]["code"]) for status, body in answers}
    # The second of each pair of updates finds the relation already there (422); nothing
    # else may fail, and nothing with a 500.
    assert codes <= {(200, "OK"), (409, "INVALID_LIFE_CYCLE_STATE"), (422, "VALIDATION_ERROR")}
    assert sum(1 for status, _ in answers if status == 200) >= 12 * 4
