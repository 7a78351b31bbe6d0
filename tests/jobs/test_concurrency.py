"""Concurrent conflicting actions on one job: exactly one wins, the others get
INVALID_LIFE_CYCLE_STATE, and the winner's effects happen once (one event row, one set of
activities, one deactivation). Real threads, each with its own database connection."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from crm.actor import Actor
from crm.demo import load_demo
from crm.exceptions import InvalidLifeCycleState
from customers.models import AccountsReceivable, Subscription, SubscriptionType
from jobs import services
from jobs.models import (
    ActivityType,
    BillingTermScheme,
    Job,
    JobActivity,
    JobEvent,
    JobStatus,
    JobType,
    PricePlan,
)
from products.models import Product
from tests import racing
from tests.conftest import API, token_for

THREADS = 8
pytestmark = pytest.mark.usefixtures("transactional_db")


def race(work, count: int = THREADS) -> list:
    return racing.race(work, count)


@pytest.fixture
def org():
    return load_demo()


def pending_job(org) -> Job:
    account = AccountsReceivable.objects.get(number="ACR001143")
    subscription = Subscription.objects.create(
        number="S77777",
        accounts_receivable=account,
        type=SubscriptionType.objects.get(name="London"),
    )
    meeting = ActivityType.objects.get(name="Meeting")
    return services.job_create(
        actor=Actor.of(org["admin"]),
        type=JobType.objects.get(name="Deactivate Subscription"),
        accounts_receivable=account,
        subscription=subscription,
        assigned_to=services.Assignment(user=org["admin"]),
        status=JobStatus.objects.get(name="Assigned"),
        billing_terms=services.BillingTermsInput(
            BillingTermScheme.objects.get(code="PJBTS"),
            PricePlan.objects.get(code="BPP0614"),
            timezone.now(),
        ),
        sets={
            "requested_activity_services_set": [
                services.ActivityItem(meeting, Product.objects.get(code="MFee"))
            ]
        },
    )


def test_concurrent_start_progress_has_one_winner(org):
    job = pending_job(org)
    actor = Actor.of(org["admin"])

    outcomes = race(lambda i: services.job_start_progress(actor=actor, job=job))

    winners = [o for o in outcomes if isinstance(o, Job)]
    losers = [o for o in outcomes if isinstance(o, InvalidLifeCycleState)]
    assert (len(winners), len(losers)) == (1, THREADS - 1), outcomes
    assert Job.objects.get(pk=job.pk).life_cycle_state == "IN_PROGRESS"
    assert JobEvent.objects.filter(job=job, action="start_progress").count() == 1
    assert JobActivity.objects.filter(job=job).count() == 1  # one requested activity, once


def test_concurrent_completes_deactivate_once(org):
    job = pending_job(org)
    actor = Actor.of(org["admin"])
    services.job_start_progress(actor=actor, job=job)

    outcomes = race(lambda i: services.job_complete(actor=actor, job=job))

    assert sum(isinstance(o, Job) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, InvalidLifeCycleState) for o in outcomes) == THREADS - 1
    assert JobEvent.objects.filter(job=job, action="complete").count() == 1
    subscription = Subscription.objects.get(pk=job.subscription_id)
    assert subscription.life_cycle_state == "NOT_EFFECTIVE"
    assert subscription.deactivated_date == Job.objects.get(pk=job.pk).actual_completed_date


def test_complete_and_cancel_race_through_the_web_api(org):
    job = pending_job(org)
    services.job_start_progress(actor=Actor.of(org["admin"]), job=job)
    token = token_for(org["admin"])

    def call(index: int) -> tuple[int, str]:
        method = "jobs/all_scopes/complete" if index % 2 else "jobs/all_scopes/cancel"
        body = json.dumps({"token": token, "job_identifier": {"number": job.number}})
        response = Client().post(API + method, body, content_type="application/json")
        return response.status_code, json.loads(response.content)["status"]["code"]

    outcomes = race(call)

    assert Counter(outcomes)[(200, "OK")] == 1, outcomes
    assert Counter(outcomes)[(409, "INVALID_LIFE_CYCLE_STATE")] == THREADS - 1
    final = Job.objects.get(pk=job.pk).life_cycle_state
    assert final in {"COMPLETED", "CANCELLED"}
    closing = JobEvent.objects.filter(job=job, action__in=["complete", "cancel"])
    assert [e.to_state for e in closing] == [final]
    deactivated = Subscription.objects.get(pk=job.subscription_id).life_cycle_state
    assert deactivated == ("NOT_EFFECTIVE" if final == "COMPLETED" else "EFFECTIVE")
