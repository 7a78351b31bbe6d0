"""Which webhook events each write emits (contract section 11): exactly the contract's set,
each once, one PENDING delivery per subscribed webhook, written in the write's transaction
and handed to the worker only after it commits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm import flagging, registry
from crm.actor import Actor
from crm.models import User
from jobs.models import Job
from servicerequests import models as sm
from servicerequests.services import service_request_reopen
from servicerequests.tasks import TARGET
from tests.factories import make_service_request
from tests.jobs.conftest import create_body as job_body
from tests.servicerequests.helpers.api import call, create, final_obj, response_obj
from webhooks import outbox
from webhooks.models import EVENTS, Delivery, Webhook

pytestmark = pytest.mark.django_db

CREATED = "service_request.created"
UPDATED = "service_request.updated"
STATE = "service_request.life_cycle_state_changed"
ASSIGNED = "service_request.assigned"
AT_RISK = "service_request.at_risk"
BREACHED = "service_request.breached"
JOB_CREATED = "job.created"
JOB_STATE = "job.life_cycle_state_changed"
ADMIN = {"username": "MPAdministrator"}


@pytest.fixture
def hook(demo) -> Webhook:
    """A webhook subscribed to every event."""
    return Webhook.objects.create(
        url="https://example.com/all",
        events=list(EVENTS),
        secret="s" * 64,
        created_by_user=User.objects.get(username="MPAdministrator"),
    )


@pytest.fixture
def enqueued(monkeypatch) -> list[list[str]]:
    """The delivery ids each after-commit callback would hand to the worker."""
    calls: list[list[str]] = []
    monkeypatch.setattr("webhooks.tasks.deliver.delay", lambda ids: calls.append(list(ids)))
    return calls


class Emitted:
    """The deliveries written since the last look, as (event, record id) pairs."""

    def __init__(self):
        self.seen = set(Delivery.objects.values_list("id", flat=True))

    def new(self) -> list[tuple[str, str]]:
        rows = list(
            Delivery.objects.exclude(id__in=self.seen).values_list(
                "id", "event", "service_request_id", "job_id"
            )
        )
        self.seen |= {row[0] for row in rows}
        return sorted((event, sr or job) for _, event, sr, job in rows)

    def events(self) -> list[str]:
        return [event for event, _ in self.new()]


@pytest.fixture
def emitted(hook) -> Emitted:
    return Emitted()


def sr_of(data: dict) -> sm.ServiceRequest:
    return sm.ServiceRequest.objects.get(number=data["number"])


# -- creation ---------------------------------------------------------------------------------


def test_a_plain_create_emits_created_only(api, emitted, hook, enqueued):
    data = create(api)
    sr = sr_of(data)
    assert emitted.new() == [(CREATED, sr.pk)]
    delivery = Delivery.objects.get(service_request=sr)
    assert (delivery.webhook_id, delivery.status, delivery.attempt_count) == (
        hook.pk,
        "PENDING",
        0,
    )
    assert delivery.occurred_date == delivery.next_attempt_at == delivery.created_at
    assert delivery.occurred_date == sr.created_date
    assert delivery.body is None
    assert delivery.job_id is None


def test_a_create_with_an_assignee_also_emits_assigned(api, emitted):
    create(api, assigned_to={"user_identifier": ADMIN})
    assert emitted.events() == [ASSIGNED, CREATED]


def test_a_create_that_walks_to_responded_emits_created_only(api, emitted):
    data = create(api, status_identifier={"name": "Responded"}, response=response_obj())
    assert data["life_cycle_state"] == "RESPONDED"
    assert emitted.events() == [CREATED]


def test_a_create_assigned_by_the_groups_policy_emits_assigned(api, emitted):
    data = create(api, owned_by_group_identifier={"name": "Field Team"})
    assert data["assigned_to"]["user"] is not None  # the round robin gave it to a member
    assert emitted.events() == [ASSIGNED, CREATED]


# -- update -----------------------------------------------------------------------------------


def test_an_update_of_fields_only_emits_updated(api, emitted):
    number = create(api)["number"]
    emitted.new()
    response = call(api, "update", number, description="New words", udf_string_1="x")
    assert response.status_code == 200, response.body
    assert emitted.events() == [UPDATED]


def test_an_update_that_changes_nothing_emits_nothing(api, emitted):
    number = create(api, description="Same")["number"]
    emitted.new()
    assert call(api, "update", number, description="Same").status_code == 200
    assert emitted.events() == []


def test_an_update_of_the_status_only_emits_state_changed(api, emitted):
    number = create(api)["number"]
    emitted.new()
    response = call(
        api, "update", number, status_identifier={"name": "Responded"}, response=response_obj()
    )
    assert response.data["life_cycle_state"] == "RESPONDED", response.body
    assert emitted.events() == [STATE]


def test_an_update_walking_two_steps_emits_state_changed_once(api, emitted):
    number = create(api)["number"]
    emitted.new()
    response = call(
        api,
        "update",
        number,
        status_identifier={"name": "Final Resolved"},
        response=response_obj(),
        final_resolution=final_obj(),
    )
    assert response.data["life_cycle_state"] == "FINAL_RESOLVED", response.body
    assert emitted.events() == [STATE]


def test_an_update_of_the_status_and_a_field_emits_both(api, emitted):
    number = create(api)["number"]
    emitted.new()
    response = call(
        api,
        "update",
        number,
        status_identifier={"name": "Responded"},
        response=response_obj(),
        notes="Called back",
    )
    assert response.status_code == 200, response.body
    assert emitted.events() == [STATE, UPDATED]


def test_an_update_that_assigns_emits_assigned_only(api, emitted):
    number = create(api)["number"]
    emitted.new()
    response = call(api, "update", number, assigned_to={"user_identifier": ADMIN})
    assert response.status_code == 200, response.body
    assert emitted.events() == [ASSIGNED]


def test_an_update_that_unassigns_emits_updated(api, emitted):
    number = create(api, assigned_to={"user_identifier": ADMIN})["number"]
    emitted.new()
    assert call(api, "update", number, assigned_to=None).status_code == 200
    assert emitted.events() == [UPDATED]


def test_a_group_change_assigned_by_the_policy_emits_updated_and_assigned(api, emitted):
    number = create(api)["number"]
    emitted.new()
    response = call(api, "update", number, owned_by_group_identifier={"name": "Field Team"})
    assert response.data["assigned_to"]["user"] is not None, response.body
    assert emitted.events() == [ASSIGNED, UPDATED]


# -- actions ----------------------------------------------------------------------------------


def responded(api, emitted, **response) -> str:
    number = create(api)["number"]
    body = {"status_identifier": {"name": "Responded"}, "response": response_obj(**response)}
    assert call(api, "respond", number, **body).status_code == 200
    emitted.new()
    return number


def test_respond_emits_state_changed(api, emitted):
    number = create(api)["number"]
    emitted.new()
    body = {"status_identifier": {"name": "Responded"}, "response": response_obj()}
    assert call(api, "respond", number, **body).status_code == 200
    assert emitted.events() == [STATE]


def test_respond_with_notes_also_emits_updated(api, emitted):
    number = create(api)["number"]
    emitted.new()
    body = {"status_identifier": {"name": "Responded"}, "response": response_obj()}
    assert call(api, "respond", number, notes="Said hello", **body).status_code == 200
    assert emitted.events() == [STATE, UPDATED]


def test_an_acceptance_emits_updated(api, emitted):
    number = responded(api, emitted, category_identifier={"code": "CONF"})
    response = call(api, "response_accept", number, accepted_by_identifier={"id_number": "8945612"})
    assert response.status_code == 200, response.body
    assert emitted.events() == [UPDATED]


def test_final_resolve_and_complete_each_emit_state_changed(api, emitted):
    number = responded(api, emitted)
    body = {"status_identifier": {"name": "Final Resolved"}, "final_resolution": final_obj()}
    assert call(api, "final_resolve", number, **body).status_code == 200
    assert emitted.events() == [STATE]
    complete = call(api, "complete", number, status_identifier={"name": "Completed"})
    assert complete.status_code == 200, complete.body
    assert emitted.events() == [STATE]


def test_cancel_emits_state_changed(api, emitted):
    number = create(api)["number"]
    emitted.new()
    assert call(api, "cancel", number).status_code == 200
    assert emitted.events() == [STATE]


def test_reopen_emits_state_changed(api, emitted, admin_user):
    number = responded(api, emitted)
    body = {"status_identifier": {"name": "Final Resolved"}, "final_resolution": final_obj()}
    assert call(api, "final_resolve", number, **body).status_code == 200
    assert call(api, "complete", number, status_identifier={"name": "Completed"}).code == "OK"
    emitted.new()
    sr = sm.ServiceRequest.objects.get(number=number)
    service_request_reopen(service_request=sr, actor=Actor.of(admin_user), reason="Not fixed")
    assert emitted.events() == [STATE]


def test_a_refused_action_emits_nothing(api, emitted):
    number = create(api)["number"]
    emitted.new()
    response = call(api, "complete", number, status_identifier={"name": "Completed"})
    assert response.code == "INVALID_LIFE_CYCLE_STATE", response.body
    assert emitted.events() == []


# -- subscriptions, rollback, commit ----------------------------------------------------------


def test_only_active_subscribed_webhooks_get_deliveries(api, emitted, hook, admin_user):
    created_only = Webhook.objects.create(
        url="https://example.com/created",
        events=[CREATED],
        secret="c" * 64,
        created_by_user=admin_user,
    )
    Webhook.objects.create(
        url="https://example.com/off",
        events=list(EVENTS),
        secret="o" * 64,
        created_by_user=admin_user,
        is_active=False,
    )
    Webhook.objects.create(
        url="https://example.com/jobs",
        events=[JOB_CREATED],
        secret="j" * 64,
        created_by_user=admin_user,
    )
    sr = sr_of(create(api, assigned_to={"user_identifier": ADMIN}))
    rows = Delivery.objects.filter(service_request=sr).values_list("webhook_id", "event")
    assert sorted(rows) == sorted(
        [(hook.pk, CREATED), (hook.pk, ASSIGNED), (created_only.pk, CREATED)]
    )


def test_the_worker_is_told_after_commit_once_per_write(
    api, emitted, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sr = sr_of(create(api, assigned_to={"user_identifier": ADMIN}))
    ids = set(Delivery.objects.filter(service_request=sr).values_list("id", flat=True))
    assert len(ids) == 2
    assert [set(call_ids) for call_ids in enqueued] == [ids]


def test_no_subscriber_no_delivery_and_no_task(
    api, demo, enqueued, django_capture_on_commit_callbacks
):
    Webhook.objects.create(
        url="https://example.com/jobs",
        events=[JOB_CREATED],
        secret="j" * 64,
        created_by_user=User.objects.get(username="MPAdministrator"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        create(api)
    assert Delivery.objects.count() == 0
    assert enqueued == []


def test_a_write_that_rolls_back_leaves_no_delivery(emitted, enqueued, admin_user):
    sr = make_service_request()
    inside = []

    @transaction.atomic
    def failing_write():
        outbox.emit(sr, [UPDATED, UPDATED], now=timezone.now())
        inside.append(Delivery.objects.filter(service_request=sr).count())
        raise RuntimeError("the write failed after emitting")

    with pytest.raises(RuntimeError):
        failing_write()
    assert inside == [1]  # each event once, then gone with the transaction
    assert Delivery.objects.filter(service_request=sr).count() == 0
    assert enqueued == []


def test_a_failed_service_write_leaves_no_delivery(api, emitted):
    number = create(api)["number"]
    emitted.new()
    # A status of another state without the response it takes: refused after the lock.
    response = call(api, "update", number, description="x", status_identifier={"name": "Responded"})
    assert response.code == "MISSING_MANDATORY_PARAMETER", response.body
    assert emitted.events() == []


def test_create_costs_one_query_more_without_webhooks_than_without_the_app(api, demo, monkeypatch):
    """With no webhook configured, a create reads the webhooks once and writes nothing."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            create(api)
        return len(queries)

    count()  # warm caches (content types, configuration)
    with_outbox = count()
    monkeypatch.setattr(outbox, "subscribers", lambda events: {})
    without_reading = count()
    assert with_outbox == without_reading + 1


# -- the scan ---------------------------------------------------------------------------------


def test_the_scan_emits_at_risk_and_breached_in_bulk(emitted, demo):
    sm.ServiceRequestType.objects.update(at_risk_percentage=100)
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=30)
    soon = [
        make_service_request(start_date=start, expected_completion_date=now + timedelta(hours=2))
        for _ in range(3)
    ]
    late = [
        make_service_request(start_date=start, expected_completion_date=now - timedelta(hours=2))
        for _ in range(2)
    ]
    with CaptureQueriesContext(connection) as queries:
        flagging.scan(TARGET, now=now)
    expected = [(AT_RISK, sr.pk) for sr in soon] + [(BREACHED, sr.pk) for sr in late]
    assert emitted.new() == sorted(expected)
    # One read of the webhooks and one insert per flagged batch (one batch per kind here).
    webhook_reads = [q for q in queries if '"webhooks_webhook"' in q["sql"]]
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "webhooks_delivery"')]
    assert (len(webhook_reads), len(inserts)) == (2, 2)
    assert {d.occurred_date for d in Delivery.objects.all()} == {now}


def test_flags_of_jobs_emit_nothing(emitted):
    job = Job.objects.first()
    for listener in registry.FLAG_LISTENERS:
        listener(
            model=Job,
            kind="OVERDUE",
            rows=[{"id": job.pk, "number": job.number}],
            now=timezone.now(),
        )
    assert emitted.events() == []


# -- jobs -------------------------------------------------------------------------------------


def test_job_create_and_every_transition_emit_once(api, emitted):
    created = api.post("jobs/deactivate_subscription/create", job_body())
    assert created.status_code == 200, created.body
    job = {"job_identifier": {"number": created.data["number"]}}
    assert emitted.new() == [(JOB_CREATED, created.data["id"])]

    edited = api.post("jobs/deactivate_subscription/update", {**job, "description": "more"})
    assert edited.status_code == 200, edited.body
    assert emitted.events() == []  # jobs have no event for other changes

    submitted = api.post(
        "jobs/deactivate_subscription/update", {**job, "status_identifier": {"name": "Assigned"}}
    )
    assert submitted.data["life_cycle_state"] == "PENDING", submitted.body
    assert emitted.events() == [JOB_STATE]
    assert api.post("jobs/all_scopes/start_progress", job).code == "OK"
    assert emitted.events() == [JOB_STATE]
    assert api.post("jobs/all_scopes/cancel", job).code == "OK"
    assert emitted.new() == [(JOB_STATE, created.data["id"])]
