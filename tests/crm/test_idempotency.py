"""Idempotency-Key on creating POSTs: retries replay, other bodies are refused, concurrent
duplicates create one record."""

import json
import threading
import urllib.error
import urllib.request

import pytest

from crm.demo import load_demo
from crm.models import IdempotencyKey
from servicerequests.models import ServiceRequest
from tests.conftest import Api, token_for

CREATE = "service_requests/create"
BODY = {
    "type_identifier": {"name": "Technical Support"},
    "accounts_receivable_identifier": {"number": "ACR001143"},
    "status_identifier": {"name": "Pending"},
    "category_identifier": {"code": "TECH"},
    "urgency_level": "URGENCY2",
    "impact_level": "IMPACT2",
    "fields_set": "id,number",
}


def create(api, body=BODY, key="key-1", **headers):
    return api.post(CREATE, body, HTTP_IDEMPOTENCY_KEY=key, **headers)


@pytest.mark.django_db
def test_same_key_and_body_replays_the_first_response(api):
    first = create(api)
    again = create(api)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused(api):
    create(api)
    other = create(api, {**BODY, "description": "something else"})
    assert other.status_code == 400
    assert other.code == "INVALID_PARAMETER"
    assert other.description.startswith("Idempotency-Key")
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_another_key_or_no_key_creates_again(api):
    create(api, key="a")
    create(api, key="b")
    api.post(CREATE, BODY)
    api.post(CREATE, BODY)
    assert ServiceRequest.objects.count() == 4


@pytest.mark.django_db
def test_keys_belong_to_their_user(api, agent_api):
    create(api)
    create(agent_api)
    assert ServiceRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_request_gives_the_key_back(api):
    refused = create(api, {**BODY, "category_identifier": {"code": "NOPE"}})
    assert refused.status_code == 404
    assert not IdempotencyKey.objects.exists()
    assert create(api, {**BODY, "category_identifier": {"code": "NOPE"}}).status_code == 404
    fixed = create(api, {**BODY, "category_identifier": {"code": "BILL"}})
    assert fixed.status_code == 200


@pytest.mark.django_db
def test_invalid_key(api):
    response = create(api, key="x" * 256)
    assert response.status_code == 400
    assert response.description.startswith("Idempotency-Key")
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_the_token_is_not_part_of_the_request(client, demo):
    admin = demo["admin"]
    first = create(Api(client, token_for(admin)))
    again = create(Api(client, token_for(admin)))
    assert again.data == first.data
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_jobs_create_honours_the_key_too(api):
    body = {
        "type_identifier": {"name": "Deactivate Subscription"},
        "accounts_receivable_identifier": {"number": "ACR001143"},
        "subscription_identifier": {"number": "S60993"},
        "billing_terms": {
            "billing_term_scheme_identifier": {"code": "PJBTS"},
            "price_plan_identifier": {"code": "BPP0614"},
            "agreement_date": "2026-01-05T00:00:00",
        },
        "assigned_to": {"user_identifier": {"username": "MPAdministrator"}},
        "fields_set": "number",
    }
    first = api.post("jobs/deactivate_subscription/create", body, HTTP_IDEMPOTENCY_KEY="j")
    again = api.post("jobs/deactivate_subscription/create", body, HTTP_IDEMPOTENCY_KEY="j")
    assert first.status_code == 200, first.body
    assert again.data == first.data


@pytest.mark.live
@pytest.mark.usefixtures("transactional_db")
def test_concurrent_duplicates_create_one_record(live_server):
    demo = load_demo()
    token = token_for(demo["admin"])
    url = live_server.url + "/crmapi/rest/v2/" + CREATE
    payload = json.dumps({**BODY, "token": token}).encode()
    barrier = threading.Barrier(6)
    results = []

    def post():
        request = urllib.request.Request(url, data=payload, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", "same-key")
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                results.append((response.status, json.loads(response.read())))
        except urllib.error.HTTPError as error:
            results.append((error.code, json.loads(error.read())))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in results] == [200] * 6, results
    assert len({body["data"]["number"] for _, body in results}) == 1
    assert ServiceRequest.objects.count() == 1


# -- a crash between the record and the response ------------------------------------------------


class DatabaseGone(Exception):
    """Stands in for the server stopping mid-request."""


def fail_storing_the_response(monkeypatch):
    """The write that records the response fails, as if the database stopped right after the
    record was written: the record must not outlive its claim."""
    from django.db.models.query import QuerySet

    real_update = QuerySet.update

    def update(self, **kwargs):
        if self.model is IdempotencyKey and "response_status" in kwargs:
            from django.db import OperationalError

            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)


@pytest.mark.usefixtures("transactional_db")
def test_a_crash_before_the_response_is_stored_leaves_nothing_created(client, monkeypatch):
    api = Api(client, token_for(load_demo()["admin"]))
    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        fail_storing_the_response(patch)
        crashed = create(api)
    assert crashed.status_code == 500
    assert ServiceRequest.objects.count() == 0
    assert not IdempotencyKey.objects.exists()

    retry = create(api)
    assert retry.status_code == 200, retry.body
    assert "Idempotent-Replayed" not in retry.headers
    assert ServiceRequest.objects.count() == 1


@pytest.mark.usefixtures("transactional_db")
def test_a_crash_after_commit_replays_on_retry(client, monkeypatch):
    """The response is lost after the transaction committed (the client never hears back):
    the retry replays it instead of creating again."""
    from crm.api import views

    api = Api(client, token_for(load_demo()["admin"]))
    client.raise_request_exception = False
    real_run_once = views.idempotency.run_once

    def run_then_crash(*args, **kwargs):
        real_run_once(*args, **kwargs)
        raise DatabaseGone("connection lost before the response was written")

    with monkeypatch.context() as patch:
        patch.setattr(views.idempotency, "run_once", run_then_crash)
        lost = create(api)
    assert lost.status_code == 500
    assert ServiceRequest.objects.count() == 1

    retry = create(api)
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.data["number"] == ServiceRequest.objects.get().number
    assert ServiceRequest.objects.count() == 1
