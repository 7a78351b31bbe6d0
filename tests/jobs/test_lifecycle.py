"""The job life cycle: the table, every transition through real requests, every refused one
(which changes nothing), the subscription deactivation and the next status sequence."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crm.exceptions import InvalidLifeCycleState
from customers.models import Subscription
from jobs import lifecycle
from jobs.models import (
    JobActivity,
    JobEvent,
    JobStatus,
    JobStatusSequence,
    JobTypeCancellationReason,
    JobTypeStatus,
)
from jobs.models import JobLifeCycleState as S
from tests.factories import JobCancellationReasonFactory, JobStatusFactory, JobTypeFactory
from tests.jobs.conftest import (
    CANCEL,
    COMPLETE,
    NEXT,
    START,
    UPDATE,
    job_ref,
    snapshot,
)

pytestmark = pytest.mark.django_db

OPEN = [S.DRAFT, S.PENDING, S.IN_PROGRESS]
ALL = [*OPEN, S.COMPLETED, S.CANCELLED]


# -- the table ----------------------------------------------------------------------------------


def test_the_table():
    table = {
        action: (sorted(t.sources), t.target, t.by_update)
        for action, t in lifecycle.TRANSITIONS.items()
    }
    assert table == {
        "submit": (["DRAFT"], "PENDING", True),
        "start_progress": (["PENDING"], "IN_PROGRESS", False),
        "complete": (["IN_PROGRESS"], "COMPLETED", False),
        "cancel": (["DRAFT", "IN_PROGRESS", "PENDING"], "CANCELLED", False),
    }


@pytest.mark.parametrize("state", ALL)
def test_check_follows_the_table(state):
    for action, transition in lifecycle.TRANSITIONS.items():
        if state in transition.sources:
            assert lifecycle.LIFE_CYCLE.check(action, state) is transition
        else:
            with pytest.raises(InvalidLifeCycleState):
                lifecycle.LIFE_CYCLE.check(action, state)


def test_what_an_update_may_do_to_the_state():
    assert lifecycle.update_transition(S.DRAFT, S.DRAFT, param="p") is None
    assert lifecycle.update_transition(S.DRAFT, S.PENDING, param="p").action == "submit"
    for state, target in [
        (S.PENDING, S.DRAFT),
        (S.DRAFT, S.IN_PROGRESS),
        (S.PENDING, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.COMPLETED),
        (S.PENDING, S.CANCELLED),
    ]:
        with pytest.raises(InvalidLifeCycleState):
            lifecycle.update_transition(state, target, param="p")


def test_next_states_and_actions():
    assert lifecycle.next_states(S.DRAFT) == {"DRAFT", "PENDING", "CANCELLED"}
    assert lifecycle.next_states(S.PENDING) == {"PENDING", "IN_PROGRESS", "CANCELLED"}
    assert lifecycle.next_states(S.IN_PROGRESS) == {"IN_PROGRESS", "COMPLETED", "CANCELLED"}
    assert lifecycle.next_states(S.COMPLETED) == set()
    assert [t.action for t in lifecycle.LIFE_CYCLE.actions(S.PENDING)] == [
        "start_progress",
        "cancel",
    ]


# -- transitions --------------------------------------------------------------------------------


def events(job) -> list[tuple]:
    return [
        (e.action, e.from_state, e.to_state, e.from_status.name if e.from_status else None)
        for e in JobEvent.objects.filter(job=job).select_related("from_status")
    ]


def test_draft_to_pending_by_an_update_with_a_pending_status(api, make_job):
    job = make_job("DRAFT")
    response = api.post(UPDATE, {**job_ref(job), "status_identifier": {"name": "Assigned"}})
    assert response.code == "OK"
    assert response.data["life_cycle_state"] == "PENDING"
    assert response.data["status"]["name"] == "Assigned"
    assert events(job)[-1] == ("submit", "DRAFT", "PENDING", "Draft")


def test_start_progress_turns_requested_activities_into_activities(api, make_job, admin_user):
    job = make_job("PENDING")
    response = api.post(
        START, {**job_ref(job), "fields_set": "life_cycle_state,status,activities_set"}
    )
    assert response.code == "OK"
    data = response.data
    assert data["life_cycle_state"] == "IN_PROGRESS"
    assert data["status"]["name"] == "In Progress"  # the type's default IN_PROGRESS status
    (activity,) = data["activities_set"]
    assert activity["activity_type"]["name"] == "Meeting"
    assert activity["product"]["code"] == "MFee"
    assert JobActivity.objects.filter(job=job).count() == 1
    event = JobEvent.objects.filter(job=job).last()
    assert (event.action, event.from_state, event.to_state) == (
        "start_progress",
        "PENDING",
        "IN_PROGRESS",
    )
    assert (event.user, event.unit.name) == (admin_user, "Admin Unit")


def test_start_progress_with_another_in_progress_status(api, make_job):
    job = make_job("PENDING")
    response = api.post(START, {**job_ref(job), "status_identifier": {"name": "Approved"}})
    assert (response.data["life_cycle_state"], response.data["status"]["name"]) == (
        "IN_PROGRESS",
        "Approved",
    )


def test_complete_deactivates_the_subscription(api, make_job, admin_user):
    job = make_job("IN_PROGRESS")
    before = timezone.now()
    response = api.post(COMPLETE, job_ref(job))
    assert response.code == "OK"
    data = response.data
    assert (data["life_cycle_state"], data["status"]["name"]) == ("COMPLETED", "Completed")
    assert data["actual_completed_date"] is not None
    assert data["subscription"]["life_cycle_state"] == "NOT_EFFECTIVE"
    assert (
        data["time_to_completion"]
        == data["time_overdue"]
        == {
            "time_period_value": None,
            "time_period_uot": None,
        }
    )
    subscription = Subscription.objects.get(pk=job.subscription_id)
    assert subscription.life_cycle_state == "NOT_EFFECTIVE"
    assert subscription.deactivated_by == admin_user
    assert before <= subscription.deactivated_date <= timezone.now()
    job.refresh_from_db()
    assert job.actual_completed_date == subscription.deactivated_date
    assert events(job)[-1] == ("complete", "IN_PROGRESS", "COMPLETED", "In Progress")


def test_complete_refused_when_the_subscription_is_no_longer_effective(api, make_job):
    job = make_job("IN_PROGRESS")
    Subscription.objects.filter(pk=job.subscription_id).update(life_cycle_state="NOT_EFFECTIVE")
    before = snapshot(job)
    response = api.post(COMPLETE, job_ref(job))
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert response.description.startswith("job_identifier:")
    assert snapshot(job) == before


@pytest.mark.parametrize("state", OPEN)
def test_cancel_from_every_open_state(api, make_job, state):
    job = make_job(state)
    response = api.post(CANCEL, job_ref(job))
    assert response.code == "OK"
    assert (response.data["life_cycle_state"], response.data["status"]["name"]) == (
        "CANCELLED",
        "Cancelled",
    )
    job.refresh_from_db()
    assert job.cancellation_reason.name == "Regret"  # the type's default reason
    assert job.cancelled_date is not None
    assert JobEvent.objects.filter(job=job).last().note == "Regret"
    # Cancelling does not touch the subscription.
    assert Subscription.objects.get(pk=job.subscription_id).life_cycle_state == "EFFECTIVE"


def test_cancel_with_a_reason_and_provided_items(api, make_job):
    job = make_job("IN_PROGRESS")
    add = {"action": "ADD", "product_identifier": {"code": "Decoders 1"}, "quantity": 1}
    api.post(UPDATE, {**job_ref(job), "physical_goods_set": [add]})
    body = {
        **job_ref(job),
        "cancellation_reason_identifier": {"alternative_code": "WII"},
        "cancel_provided_items": True,
    }
    response = api.post(CANCEL, body)
    assert response.code == "OK"
    assert response.data["physical_goods_set"] == []
    job.refresh_from_db()
    assert job.cancellation_reason.name == "Wrong Input/Missing Information"


def test_cancel_keeps_provided_items_by_default(api, make_job):
    job = make_job("IN_PROGRESS")
    add = {"action": "ADD", "product_identifier": {"code": "Decoders 1"}, "quantity": 1}
    api.post(UPDATE, {**job_ref(job), "physical_goods_set": [add]})
    response = api.post(CANCEL, job_ref(job))
    assert [g["product"]["code"] for g in response.data["physical_goods_set"]] == ["Decoders 1"]


# -- refused transitions ------------------------------------------------------------------------

REFUSED = (
    [(START, state) for state in ALL if state != S.PENDING]
    + [(COMPLETE, state) for state in ALL if state != S.IN_PROGRESS]
    + [
        (CANCEL, S.COMPLETED),
        (CANCEL, S.CANCELLED),
    ]
)


@pytest.mark.parametrize(("method", "state"), REFUSED)
def test_refused_actions_change_nothing(api, make_job, method, state):
    job = make_job(state)
    before = snapshot(job)
    response = api.post(method, job_ref(job))
    assert (response.status_code, response.code) == (409, "INVALID_LIFE_CYCLE_STATE")
    assert response.data is None
    assert response.description.startswith("job_identifier:")
    assert snapshot(job) == before


@pytest.mark.parametrize("state", [S.COMPLETED, S.CANCELLED])
def test_closed_jobs_cannot_be_updated(api, make_job, state):
    job = make_job(state)
    before = snapshot(job)
    response = api.post(UPDATE, {**job_ref(job), "description": "Too late"})
    assert (response.status_code, response.code) == (409, "INVALID_LIFE_CYCLE_STATE")
    assert snapshot(job) == before


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (S.DRAFT, "In Progress"),
        (S.DRAFT, "Completed"),
        (S.DRAFT, "Cancelled"),
        (S.PENDING, "Draft"),
        (S.PENDING, "Approved"),
        (S.PENDING, "Cancelled"),
        (S.IN_PROGRESS, "Completed"),
        (S.IN_PROGRESS, "Assigned"),
    ],
)
def test_an_update_cannot_take_other_transitions(api, make_job, state, status):
    job = make_job(state)
    before = snapshot(job)
    body = {**job_ref(job), "status_identifier": {"name": status}, "description": "changed"}
    response = api.post(UPDATE, body)
    assert (response.status_code, response.code) == (409, "INVALID_LIFE_CYCLE_STATE")
    assert response.description.startswith("status_identifier:")
    assert snapshot(job) == before


def test_an_update_may_change_the_status_within_the_state(api, make_job):
    job = make_job("IN_PROGRESS")
    response = api.post(UPDATE, {**job_ref(job), "status_identifier": {"name": "Approved"}})
    assert (response.data["life_cycle_state"], response.data["status"]["name"]) == (
        "IN_PROGRESS",
        "Approved",
    )
    assert events(job)[-1] == ("update", "IN_PROGRESS", "IN_PROGRESS", "In Progress")


@pytest.mark.parametrize(
    ("method", "state", "status"),
    [
        (START, S.PENDING, "Completed"),  # a status of another state than the action's
        (COMPLETE, S.IN_PROGRESS, "Approved"),
        (CANCEL, S.DRAFT, "Draft"),
    ],
)
def test_action_status_must_belong_to_the_target_state(api, make_job, method, state, status):
    job = make_job(state)
    before = snapshot(job)
    response = api.post(method, {**job_ref(job), "status_identifier": {"name": status}})
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert response.description.startswith("status_identifier:")
    assert snapshot(job) == before


@pytest.mark.parametrize(("method", "state"), [(START, S.PENDING), (UPDATE, S.DRAFT)])
def test_status_must_be_allowed_for_the_type(api, make_job, method, state):
    JobStatusFactory(
        name="Foreign", life_cycle_state=S.IN_PROGRESS if method == START else S.PENDING
    )
    job = make_job(state)
    before = snapshot(job)
    response = api.post(method, {**job_ref(job), "status_identifier": {"name": "Foreign"}})
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert "not a status of Deactivate Subscription" in response.description
    assert snapshot(job) == before


def test_no_default_status_for_the_action(api, make_job):
    job = make_job("PENDING")
    JobTypeStatus.objects.filter(type=job.type, life_cycle_state=S.IN_PROGRESS).update(
        is_default=False
    )
    before = snapshot(job)
    response = api.post(START, job_ref(job))
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert snapshot(job) == before


def test_cancellation_reason_must_be_allowed_for_the_type(api, make_job):
    JobCancellationReasonFactory(name="Unrelated")
    job = make_job("PENDING")
    before = snapshot(job)
    body = {**job_ref(job), "cancellation_reason_identifier": {"name": "Unrelated"}}
    response = api.post(CANCEL, body)
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert response.description.startswith("cancellation_reason_identifier:")
    assert snapshot(job) == before


def test_cancel_without_a_default_reason_leaves_it_empty(api, make_job):
    job = make_job("DRAFT")
    JobTypeCancellationReason.objects.filter(type=job.type).update(is_default=False)
    assert api.post(CANCEL, job_ref(job)).code == "OK"
    job.refresh_from_db()
    assert job.cancellation_reason is None


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("scheduled_date", "2026-12-01T10:00:00"),
        ("performed_on", "2026-12-01T10:00:00"),
        ("performed_by_user_identifier", {"username": "agent"}),
    ],
)
def test_complete_options_of_other_scopes_are_refused(api, make_job, param, value):
    job = make_job("IN_PROGRESS")
    before = snapshot(job)
    response = api.post(COMPLETE, {**job_ref(job), param: value})
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert response.description.startswith(f"{param}:")
    assert snapshot(job) == before


def test_the_whole_walk_leaves_one_event_per_change(api, make_job):
    job = make_job("DRAFT")
    api.post(UPDATE, {**job_ref(job), "status_identifier": {"name": "Assigned"}})
    api.post(START, job_ref(job))
    api.post(COMPLETE, job_ref(job))
    assert events(job) == [
        ("create", None, "DRAFT", None),
        ("submit", "DRAFT", "PENDING", "Draft"),
        ("start_progress", "PENDING", "IN_PROGRESS", "Assigned"),
        ("complete", "IN_PROGRESS", "COMPLETED", "In Progress"),
    ]


# -- get_next_status_sequence -------------------------------------------------------------------


def next_statuses(api, job) -> list[tuple]:
    response = api.get(NEXT, {"job_identifier": f"number={job.number}"})
    assert response.code == "OK", response.body
    return sorted((row["status"]["name"], row["default"]) for row in response.data)


def test_next_status_sequence_follows_the_types_sequence(api, make_job):
    assert next_statuses(api, make_job("DRAFT")) == [("Assigned", True)]
    assert next_statuses(api, make_job("PENDING")) == [("Approved", False), ("In Progress", True)]
    assert next_statuses(api, make_job("IN_PROGRESS")) == [("Completed", True)]
    assert next_statuses(api, make_job("COMPLETED")) == []
    assert next_statuses(api, make_job("CANCELLED")) == []


def test_next_status_sequence_objects(api, make_job):
    job = make_job("DRAFT")
    (row,) = api.get(NEXT, {"job_identifier": f"id={job.pk}"}).data
    assigned = JobStatus.objects.get(name="Assigned")
    assert row == {
        "id": JobTypeStatus.objects.get(type=job.type, status=assigned).pk,
        "default": True,
        "status": {
            "id": assigned.pk,
            "name": "Assigned",
            "alternative_code": "AS",
            "description": None,
            "life_cycle_state": "PENDING",
        },
    }
    (only,) = api.get(NEXT, {"job_identifier": f"id={job.pk}", "fields_set": "default"}).data
    assert only == {"default": True}


def test_next_statuses_leave_out_what_the_life_cycle_does_not_reach(api, make_job):
    job = make_job("DRAFT")
    draft, completed = JobStatus.objects.get(name="Draft"), JobStatus.objects.get(name="Completed")
    JobStatusSequence.objects.create(type=job.type, from_status=draft, to_status=completed)
    assert next_statuses(api, job) == [("Assigned", True)]


def test_without_a_sequence_every_status_the_life_cycle_reaches(api, make_job):
    job = make_job("PENDING")
    JobStatusSequence.objects.filter(type=job.type).delete()
    assert next_statuses(api, job) == [
        ("Approved", False),
        ("Cancelled", True),
        ("In Progress", True),
    ]


def test_next_statuses_of_a_type_without_statuses(api, make_job):
    job = make_job("DRAFT")
    other = JobTypeFactory()
    job.type = other
    job.save(update_fields=["type"])
    assert next_statuses(api, job) == []
