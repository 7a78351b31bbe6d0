"""Helpers for the job tests: request bodies, jobs walked to any state through the services,
and a snapshot of everything a refused action must leave as it was."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.actor import Actor
from customers.models import AccountsReceivable, Subscription, SubscriptionType
from jobs import services
from jobs.models import (
    ActivityType,
    BillingTermScheme,
    Job,
    JobBillingTerms,
    JobStatus,
    JobType,
    PricePlan,
)
from products.models import Product

CREATE = "jobs/deactivate_subscription/create"
UPDATE = "jobs/deactivate_subscription/update"
DS_SHOW = "jobs/deactivate_subscription/show"
SHOW = "jobs/all_scopes/show"
START = "jobs/all_scopes/start_progress"
COMPLETE = "jobs/all_scopes/complete"
CANCEL = "jobs/all_scopes/cancel"
NEXT = "jobs/all_scopes/get_next_status_sequence"

DRAFT_ID = "0F1EE97BD63642699FFAEB461F471147"
ASSIGNED_ID = "6A1F0C2B3D4E5F60718293A4B5C6D7E8"
DS_TYPE_ID = "40F231681B984DA28EDBDA8B698E229E"
TYPE = {"name": "Deactivate Subscription"}
BILLING = {
    "billing_term_scheme_identifier": {"code": "PJBTS"},
    "price_plan_identifier": {"code": "BPP0614"},
    "agreement_date": "2016-07-27T14:00:00",
}
ME = {"user_identifier": {"username": "MPAdministrator"}}
PERIOD_NULL = {"time_period_value": None, "time_period_uot": None}
SET_RELATIONS = (
    "requested_physical_goods",
    "requested_expenses",
    "requested_activity_services",
    "physical_goods",
    "expenses",
    "activities",
    "events",
)
_numbers = itertools.count(1)


def create_body(subscription: Subscription | None = None, **overrides) -> dict:
    """A minimal valid create body (a Draft job of ACR001143 on S60993 unless told)."""
    body = {
        "type_identifier": TYPE,
        "status_identifier": {"name": "Draft"},
        "accounts_receivable_identifier": {"number": "ACR001143"},
        "subscription_identifier": {"number": subscription.number if subscription else "S60993"},
        "billing_terms": BILLING,
        "assigned_to": ME,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def job_ref(job: Job) -> dict:
    return {"job_identifier": {"number": job.number}}


def new_subscription(account_number: str = "ACR001143") -> Subscription:
    """A fresh effective subscription, so that completing a job does not affect others."""
    return Subscription.objects.create(
        number=f"S9{next(_numbers):05d}",
        accounts_receivable=AccountsReceivable.objects.get(number=account_number),
        type=SubscriptionType.objects.get(name="London"),
        life_cycle_state=Subscription.LifeCycleState.EFFECTIVE,
    )


def product(code: str) -> Product:
    return Product.objects.get(code=code)


def standard_sets() -> dict:
    """One requested item of each kind (Expence 2 is the type's mandatory expense)."""
    return {
        "requested_physical_goods_set": [services.GoodItem(product("Antenna 1"), 2)],
        "requested_expenses_set": [services.ExpenseItem(product("Expence 2"))],
        "requested_activity_services_set": [
            services.ActivityItem(ActivityType.objects.get(name="Meeting"), product("MFee"))
        ],
    }


# The services each state is reached through, after a create in DRAFT or PENDING.
WALK = {
    "DRAFT": ("Draft", []),
    "PENDING": ("Assigned", []),
    "IN_PROGRESS": ("Assigned", ["start"]),
    "COMPLETED": ("Assigned", ["start", "complete"]),
    "CANCELLED": ("Draft", ["cancel"]),
}


@pytest.fixture
def actor(demo) -> Actor:
    return Actor.of(demo["admin"])


@pytest.fixture
def make_job(demo, actor):
    """``make_job(state, **create_kwargs)``: a job created and walked to ``state`` through
    the services, on a subscription of its own."""

    def make(state: str = "DRAFT", *, account: str = "ACR001143", **kwargs) -> Job:
        status_name, steps = WALK[state]
        values = {
            "actor": actor,
            "type": JobType.objects.get(name="Deactivate Subscription"),
            "accounts_receivable": AccountsReceivable.objects.get(number=account),
            "subscription": new_subscription(account),
            "assigned_to": services.Assignment(user=demo["admin"]),
            "status": JobStatus.objects.get(name=status_name),
            "billing_terms": services.BillingTermsInput(
                BillingTermScheme.objects.get(code="PJBTS"),
                PricePlan.objects.get(code="BPP0614"),
                timezone.now() - timedelta(days=1),
            ),
            "sets": standard_sets(),
        }
        values.update(kwargs)
        job = services.job_create(**values)
        for step in steps:
            job = {
                "start": services.job_start_progress,
                "complete": services.job_complete,
                "cancel": services.job_cancel,
            }[step](actor=actor, job=job)
        return Job.objects.get(pk=job.pk)

    return make


def snapshot(job: Job) -> dict:
    """Everything an action on ``job`` could change: the row, its terms, its sets, its
    events and its subscription."""
    job = Job.objects.get(pk=job.pk)
    state = {
        "job": {f.attname: getattr(job, f.attname) for f in Job._meta.concrete_fields},
        "terms": list(JobBillingTerms.objects.filter(job=job).values()),
        "subscription": list(Subscription.objects.filter(pk=job.subscription_id).values()),
    }
    for relation in SET_RELATIONS:
        state[relation] = list(getattr(job, relation).order_by("pk").values())
    return state
