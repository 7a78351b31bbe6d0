"""The business rules of job creates and updates: the type, the subscription, statuses,
who may set what, assignment and billing terms. Each raises VALIDATION_ERROR (or
MISSING_MANDATORY_PARAMETER) naming the parameter; none writes, except ``save_terms``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import Any

from django.utils import timezone

from crm.access import access_for
from crm.actor import Actor
from crm.exceptions import MissingParameter, ValidationFailed
from crm.rules import check_assignment
from customers.models import AccountsReceivable, Subscription
from jobs.models import (
    BillingTermScheme,
    Job,
    JobBillingTerms,
    JobStatus,
    JobType,
    JobTypeStatus,
    PricePlan,
)
from jobs.scopes import CREATABLE, scope_of
from jobs.services.inputs import Assignment, BillingTermsInput

# Plain columns create and update take as they are (absent: unchanged, None: cleared).
PLAIN = frozenset(
    {
        "category",
        "description",
        "notes",
        "contact_email",
        "contact_phone",
        "owned_by_group",
        "privacy_level",
        *(f"udf_string_{n}" for n in range(1, 9)),
        *(f"udf_float_{n}" for n in range(1, 5)),
        *(f"udf_date_{n}" for n in range(1, 5)),
    }
)
CREATE_ONLY = frozenset({"service_request"})


def check_type(job_type: JobType) -> None:
    if not scope_of(job_type).creatable:
        creatable = " or ".join(sorted(CREATABLE))
        raise ValidationFailed(
            f"The job type is not of fulfilment scope {creatable}.",
            param="type_identifier",
            detail=f"{job_type.name} is of scope {job_type.fulfillment_scope}",
        )
    if job_type.life_cycle_state != JobType.LifeCycleState.EFFECTIVE:
        raise ValidationFailed(
            "The job type is not effective.",
            param="type_identifier",
            detail=f"{job_type.name} is {job_type.life_cycle_state}",
        )


def check_subscription(subscription: Subscription, account: AccountsReceivable) -> None:
    if subscription.accounts_receivable_id != account.pk:
        raise ValidationFailed(
            "The subscription does not belong to the accounts receivable.",
            param="subscription_identifier",
            detail=f"{subscription.number} is not a subscription of {account.number}",
        )
    if subscription.life_cycle_state != Subscription.LifeCycleState.EFFECTIVE:
        raise ValidationFailed(
            "The subscription is not effective.",
            param="subscription_identifier",
            detail=f"{subscription.number} is {subscription.life_cycle_state}",
        )


def default_status(job_type: JobType, states: Sequence[str], *, param: str) -> JobStatus:
    """The type's default status of the first of ``states`` that has one."""
    rows = JobTypeStatus.objects.filter(type=job_type, is_default=True, life_cycle_state__in=states)
    by_state = {row.life_cycle_state: row.status for row in rows.select_related("status")}
    for state in states:
        if state in by_state:
            return by_state[state]
    raise ValidationFailed(
        "The job type has no default status for this action.",
        param=param,
        detail=f"no default {' or '.join(states)} status for {job_type.name}; give one",
    )


def check_status(job_type: JobType, status: JobStatus, states, *, param: str) -> None:
    """``status`` must be allowed for the type and of one of ``states``."""
    if not JobTypeStatus.objects.filter(type=job_type, status=status).exists():
        raise ValidationFailed(
            "The status is not allowed for the job type.",
            param=param,
            detail=f"{status.name} is not a status of {job_type.name}",
        )
    if status.life_cycle_state not in states:
        raise ValidationFailed(
            "The status does not belong to the life cycle state this action leads to.",
            param=param,
            detail=f"{status.name} is {status.life_cycle_state}; "
            f"expected {' or '.join(sorted(states))}",
        )


def check_attributes(actor: Actor, values: Mapping[str, Any], account, allowed) -> None:
    """Who may set what: a privacy level up to one's clearance, a request of the account."""
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"not job attributes here: {', '.join(sorted(unknown))}")
    level = values.get("privacy_level")
    if level is not None and level.pk not in access_for(actor.user).privacy_level_ids:
        raise ValidationFailed(
            "The privacy level is above your clearance.",
            param="privacy_level_identifier",
            detail=f"{level.name} ({level.number}) is above your clearance",
        )
    request = values.get("service_request")
    if request is not None and request.accounts_receivable_id != account.pk:
        raise ValidationFailed(
            "The service request is of another accounts receivable.",
            param="service_request_identifier",
            detail=f"{request.number} is not a request of {account.number}",
        )


def assignment_columns(assignment: Assignment) -> dict:
    if assignment.user is None and assignment.unit is None:
        raise MissingParameter(
            "The parameter assigned_to needs a user or a unit.",
            param="assigned_to",
            detail="give user_identifier, unit_identifier or both",
        )
    unit = assignment.unit
    if unit is None:
        unit = assignment.user.default_unit
    check_assignment(assignment.user, unit, param="assigned_to")
    return {"assigned_to_user": assignment.user, "assigned_to_unit": unit}


# -- billing terms ------------------------------------------------------------------------------


def midnight(moment: datetime) -> datetime:
    """The start of ``moment``'s day in the organisation's time zone (seed 004 stores the
    agreement date and the effective date as dates)."""
    day = timezone.localtime(moment).date()
    return timezone.make_aware(datetime.combine(day, time()))


def check_terms_applicable(job_type: JobType, given: bool) -> None:
    if given and not job_type.is_billable:
        raise ValidationFailed(
            "Billing terms apply only to billable jobs.",
            param="billing_terms",
            detail=f"{job_type.name} is not billable",
        )


def check_terms(job_type: JobType, scheme: BillingTermScheme, plan: PricePlan) -> None:
    """The scheme must be effective and allowed by the type; the plan one of the scheme's."""
    if not job_type.billing_term_schemes.filter(pk=scheme.pk).exists():
        raise ValidationFailed(
            "The billing term scheme is not allowed for the job type.",
            param="billing_terms.billing_term_scheme_identifier",
            detail=f"{scheme.code} is not a scheme of {job_type.name}",
        )
    if scheme.life_cycle_state != BillingTermScheme.LifeCycleState.EFFECTIVE:
        raise ValidationFailed(
            "The billing term scheme is not effective.",
            param="billing_terms.billing_term_scheme_identifier",
            detail=f"{scheme.code} is {scheme.life_cycle_state}",
        )
    if not scheme.price_plans.filter(pk=plan.pk).exists():
        raise ValidationFailed(
            "The price plan does not belong to the billing term scheme.",
            param="billing_terms.price_plan_identifier",
            detail=f"{plan.code} is not a price plan of {scheme.code}",
        )


def check_new_terms(job_type: JobType, terms: BillingTermsInput | None) -> None:
    """A create's billing terms: mandatory for billable types, refused for the others."""
    check_terms_applicable(job_type, terms is not None)
    if terms is None:
        if job_type.is_billable:
            raise MissingParameter(
                "The parameter billing_terms is mandatory for billable jobs.",
                param="billing_terms",
                detail=f"{job_type.name} is billable",
            )
        return
    check_terms(job_type, terms.billing_term_scheme, terms.price_plan)


def save_terms(job: Job, terms: BillingTermsInput) -> None:
    """Create or change the job's terms; absent members keep their stored values."""
    row = JobBillingTerms.objects.filter(job=job).select_related(
        "billing_term_scheme", "price_plan"
    ).first() or JobBillingTerms(job=job)
    scheme = terms.billing_term_scheme or (
        row.billing_term_scheme if not row._state.adding else None
    )
    plan = terms.price_plan or (row.price_plan if not row._state.adding else None)
    if scheme is None or plan is None:
        missing = "billing_term_scheme_identifier" if scheme is None else "price_plan_identifier"
        raise MissingParameter(
            f"The parameter billing_terms.{missing} is mandatory.",
            param=f"billing_terms.{missing}",
            detail="the job has no billing terms yet",
        )
    check_terms(job.type, scheme, plan)
    row.billing_term_scheme, row.price_plan = scheme, plan
    if terms.agreement_date is not None:
        row.agreement_date = midnight(terms.agreement_date)
    row.effective_date = midnight(job.start_date)
    row.save()
