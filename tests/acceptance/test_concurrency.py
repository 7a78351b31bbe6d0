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
    barrier = threading.Barrier(len(bodies))
    results: list = [None] * len(bodies)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = post(url, bodies[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
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
