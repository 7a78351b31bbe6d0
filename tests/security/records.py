"""Records the demo agent (clearance 1) must not see, and the walk over every Web API method's
declared parameters that finds where a service request or a job is identified."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from crm.actor import Actor
from crm.api.identifiers import get_kind
from crm.api.params import Ident, ListOf, Obj, Param, SetUpdate
from crm.api.urls import METHODS
from crm.models import PrivacyLevel, User
from customers.models import AccountsReceivable, Subscription, SubscriptionType
from jobs import services as job_services
from jobs.models import ActivityType, BillingTermScheme, Job, JobStatus, JobType, PricePlan
from products.models import Product
from servicerequests.models import (
    FinalResolutionCategory,
    ResponseCategory,
    ServiceRequest,
    ServiceRequestCategory,
    ServiceRequestStatus,
    TemporaryResolutionCategory,
)
from tests.factories import make_service_request

VISIBILITY_KINDS = ("service_request", "job")
_subscription_numbers = itertools.count(1)

# -- where records are identified --------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a parameter path: ``name`` in an object, then, for arrays, ``item``:
    "" for a plain array element, or the ``action`` of an update-set element."""

    name: str
    item: str | None = None

    def __str__(self) -> str:
        if self.item is None:
            return self.name
        return f"{self.name}[{self.item}]"


@dataclass(frozen=True)
class Target:
    """A parameter (top-level or nested) that identifies a record of a visibility kind."""

    method: str
    verb: str
    path: tuple[Step, ...]
    kind: str

    def __str__(self) -> str:
        return f"{self.method}:{'.'.join(map(str, self.path))}"


def _walk(param: Param, path: tuple[Step, ...]) -> Iterator[tuple[tuple[Step, ...], str]]:
    if isinstance(param, Ident):
        yield path, param.kind
        for key, spec in get_kind(param.kind).keys.items():
            if isinstance(spec, Ident):
                yield from _walk(spec, (*path, Step(key)))
    elif isinstance(param, Obj):
        for name, field in param.fields.items():
            yield from _walk(field, (*path, Step(name)))
    elif isinstance(param, ListOf):
        *head, last = path
        yield from _walk(param.item, (*head, Step(last.name, "")))
    elif isinstance(param, SetUpdate):
        *head, last = path
        for action, fields in param.actions.items():
            for name, field in fields.items():
                yield from _walk(field, (*head, Step(last.name, action), Step(name)))


def visibility_targets() -> list[Target]:
    """Every place in every method's declared parameters that takes a service request or a
    job identifier, nested ones included."""
    targets = []
    for view in METHODS:
        for name, param in view.all_params().items():
            for path, kind in _walk(param, (Step(name),)):
                if kind in VISIBILITY_KINDS:
                    targets.append(Target(view.method_name, view.verb, path, kind))
    return targets


def place(body: dict, path: tuple[Step, ...], value) -> dict:
    """``body`` with ``value`` put at ``path`` (creating the objects and arrays on the way)."""
    container = body
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if step.item is None:
            if last:
                container[step.name] = value
            else:
                container = container.setdefault(step.name, {})
            continue
        element = {"action": step.item} if step.item else {}
        container[step.name] = [element]
        container = element
    return body


def list_methods() -> list:
    """Views returning arrays of service requests or jobs (not configuration, and not the
    next-status list, which takes a job identifier and is checked with those)."""
    return [
        view
        for view in METHODS
        if view.many
        and view.method_name.startswith(("service_requests/", "jobs/"))
        and "/configuration/" not in view.method_name
        and not any(kind in VISIBILITY_KINDS for kind in _declared_kinds(view))
    ]


def _declared_kinds(view) -> set[str]:
    return {
        kind
        for name, param in view.all_params().items()
        for _path, kind in _walk(param, (Step(name),))
    }


# -- making records ------------------------------------------------------------------------------


def secret_text(what: str) -> str:
    """A description nobody could guess, to look for in response bodies."""
    return f"CONFIDENTIAL {what} {uuid.uuid4().hex}"


def restricted() -> PrivacyLevel:
    return PrivacyLevel.objects.get(name="Restricted")


SR_STATUS = {
    "PENDING": "Pending",
    "RESPONDED": "Responded",
    "TEMPORARY_RESOLVED": "Temporary Resolved",
    "FINAL_RESOLVED": "Final Resolved",
    "COMPLETED": "Completed",
    "CANCELLED": "Cancel",
}


# The step whose category asks for customer acceptance, by the state it leads to.
PENDING_STEP = {
    "RESPONDED": ("response_category", ResponseCategory, "CONF"),
    "TEMPORARY_RESOLVED": ("temporary_resolution_category", TemporaryResolutionCategory, "WORK"),
    "FINAL_RESOLVED": ("final_resolution_category", FinalResolutionCategory, "RPC"),
}


def service_request(state: str = "PENDING", *, hidden: bool = True, **overrides):
    """A request of ACR001143 in ``state``; hidden: at privacy level Restricted (number 5).
    The category of its step asks for customer acceptance, so it shows in the
    pending-acceptance lists."""
    step = {}
    if state in PENDING_STEP:
        column, model, code = PENDING_STEP[state]
        step = {column: model.objects.get(code=code)}
    values = {
        **step,
        "status": ServiceRequestStatus.objects.get(name=SR_STATUS[state]),
        "category": ServiceRequestCategory.objects.get(code="COMP"),
        "description": secret_text("service request"),
        "notes": secret_text("service request notes"),
        "expected_completion_date": timezone.now() + timedelta(hours=1),
        "privacy_level": restricted() if hidden else None,
    }
    values.update(overrides)
    return make_service_request(**values)


def _subscription(account: AccountsReceivable) -> Subscription:
    return Subscription.objects.create(
        number=f"S8{next(_subscription_numbers):05d}",
        accounts_receivable=account,
        type=SubscriptionType.objects.get(name="London"),
        life_cycle_state=Subscription.LifeCycleState.EFFECTIVE,
    )


JOB_WALK = {  # state: (status at creation, services that take it there)
    "DRAFT": ("Draft", ()),
    "PENDING": ("Assigned", ()),
    "IN_PROGRESS": ("Assigned", (job_services.job_start_progress,)),
    "COMPLETED": ("Assigned", (job_services.job_start_progress, job_services.job_complete)),
    "CANCELLED": ("Draft", (job_services.job_cancel,)),
}


def job(state: str = "PENDING", *, hidden: bool = True, **create) -> Job:
    """A deactivate-subscription job of ACR001143 made through the job services and walked
    to ``state``; hidden: at privacy level Restricted."""
    admin = User.objects.get(username="MPAdministrator")
    actor = Actor.of(admin)
    account = AccountsReceivable.objects.get(number="ACR001143")
    status, steps = JOB_WALK[state]
    values = {
        "actor": actor,
        "type": JobType.objects.get(name="Deactivate Subscription"),
        "accounts_receivable": account,
        "subscription": _subscription(account),
        "assigned_to": job_services.Assignment(user=admin),
        "status": JobStatus.objects.get(name=status),
        "billing_terms": job_services.BillingTermsInput(
            BillingTermScheme.objects.get(code="PJBTS"),
            PricePlan.objects.get(code="BPP0614"),
            timezone.now() - timedelta(days=1),
        ),
        "sets": {
            "requested_physical_goods_set": [
                job_services.GoodItem(Product.objects.get(code="Antenna 1"), 1)
            ],
            "requested_activity_services_set": [
                job_services.ActivityItem(
                    ActivityType.objects.get(name="Meeting"), Product.objects.get(code="MFee")
                )
            ],
        },
        "expected_completion_date": timezone.now() + timedelta(days=2),
        "attributes": {
            "description": secret_text("job"),
            "notes": secret_text("job notes"),
            "privacy_level": restricted() if hidden else None,
        },
    }
    values.update(create)
    made = job_services.job_create(**values)
    for step in steps:
        made = step(actor=actor, job=made)
    return Job.objects.get(pk=made.pk)


def snapshot(*records) -> list[dict]:
    """Every column of the records, and how many requests and jobs exist: what a refused
    call must leave exactly as it was."""
    rows = [type(r).objects.filter(pk=r.pk).values().get() for r in records]
    return [*rows, {"requests": ServiceRequest.objects.count(), "jobs": Job.objects.count()}]
