"""The demo job configuration and billing, and job JOB000814 of seed 004."""

from __future__ import annotations

from crm.demo.base import local, upsert
from crm.models import Unit, User
from crm.numbering import advance_to
from customers.models import AccountsReceivable, Subscription
from jobs import models as jm
from products.models import Product

J = jm.JobLifeCycleState


JOB_STATUSES = [  # id, name, alternative code, state, default for its state
    ("0F1EE97BD63642699FFAEB461F471147", "Draft", "D", J.DRAFT, True),
    ("6A1F0C2B3D4E5F60718293A4B5C6D7E8", "Assigned", "AS", J.PENDING, True),
    ("7B2E1D3C4B5A69788796A5B4C3D2E1F0", "In Progress", "IP", J.IN_PROGRESS, True),
    ("8C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F", "Approved", "2", J.IN_PROGRESS, False),
    ("9D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A", "Completed", "C", J.COMPLETED, True),
    ("AE5F4A3B2C1D0E9F8A7B6C5D4E3F2A1B", "Cancelled", "CA", J.CANCELLED, True),
]


STATUS_SEQUENCE = [  # from, to, default
    ("Draft", "Assigned", True),
    ("Assigned", "In Progress", True),
    ("Assigned", "Approved", False),
    ("In Progress", "Completed", True),
    ("Approved", "Completed", True),
]


JOB_REASONS = [("Regret", "R", True), ("Wrong Input/Missing Information", "WII", False)]


DEMO_JOB_ID = "74B83598E4954CD080CBE45959A77B68"


DEMO_JOB_ITEMS = [  # model, seed id, values
    (jm.JobRequestedPhysicalGood, "FDA513D23A3C491FAE634F255A8F23D9", {"quantity": 1}),
    (jm.JobRequestedExpense, "152A42D1CA8340989006B3A67DB93898", {}),
    (jm.JobRequestedActivityService, "D1C03E626C8A4875AD3D76FC70A4A0B8", {}),
]


DEMO_JOB_PRODUCTS = ["Antenna 1", "Expence 2", "MFee"]


def load_billing() -> list:
    # PJBTS and BPP0614 as seed 004's create response shows them.
    bpp0614 = upsert(
        jm.PricePlan,
        {"code": "BPP0614"},
        {
            "name": "BPP0614",
            "description": "Base Price PLan June 14 for Subscription Test Case 6",
            "effective_date": local("2016-04-08T00:00:00"),
        },
    )
    ad2 = upsert(
        jm.PricePlan,
        {"code": "Ad2"},
        {"name": "Ad2", "effective_date": local("2015-12-20T00:00:00")},
        id="1B5FF32B7D6149908FE2C9DA9B124564",
    )
    pjbts = upsert(
        jm.BillingTermScheme,
        {"code": "PJBTS"},
        {
            "name": "P Job Billing Term Scheme",
            "billing_method": jm.BillingTermScheme.BillingMethod.PERIOD,
        },
        id="9C0B2B52003EFEEE0864212F34D41229",
    )
    pjbts.price_plans.set([bpp0614])
    all_plans = upsert(
        jm.BillingTermScheme,
        {"code": "L Jobs All Price Plans"},
        {"name": "L Jobs All Price Plans"},
        id="235B7EAC84C2408EAD891ED7077174CE",
    )
    all_plans.price_plans.set([bpp0614, ad2])
    return [pjbts, all_plans]


def _job_type_items(job_type, products) -> None:
    for code in ("Antenna 1", "Decoders 1"):
        upsert(jm.JobTypePhysicalGood, {"type": job_type, "product": products[code]})
    # Mandatory: seed 004's update removes it and the response still lists it (mandatory
    # items are added automatically, so removing one leaves it in place).
    upsert(
        jm.JobTypeExpense,
        {"type": job_type, "product": products["Expence 2"]},
        {"mandatory": True},
    )
    meeting = upsert(
        jm.ActivityType,
        {"name": "Meeting"},
        {"alternative_code": "M"},
        id="F609C9D1CD43463DA810B1EC415BB5E1",
    )
    upsert(
        jm.JobTypeActivityService,
        {"type": job_type, "activity_type": meeting, "product": products["MFee"]},
    )


def load_job_config(products: dict[str, Product], customers: dict) -> None:
    statuses = {
        name: upsert(
            jm.JobStatus,
            {"name": name},
            {"alternative_code": alt, "life_cycle_state": state},
            id=id,
        )
        for id, name, alt, state, _default in JOB_STATUSES
    }
    job_type = upsert(
        jm.JobType,
        {"name": "Deactivate Subscription"},
        {
            "alternative_code": "DS",
            "billing_directive": jm.JobType.BillingDirective.BILLABLE,
            "fulfillment_scope": jm.FulfillmentScope.DEACTIVATE_SUBSCRIPTION,
            "fulfillment_method": jm.JobType.FulfillmentMethod.BASED_ON_ORDERED_ITEMS,
            "estimated_completion_value": 3,
            "estimated_completion_uot": "DAYS",
            "warning_period_value": 1,
            "warning_period_uot": "DAYS",
            "subscription_type": customers["london"],
        },
        id="40F231681B984DA28EDBDA8B698E229E",
    )
    for _id, name, _alt, _state, default in JOB_STATUSES:
        upsert(
            jm.JobTypeStatus, {"type": job_type, "status": statuses[name]}, {"is_default": default}
        )
    for source, target, default in STATUS_SEQUENCE:
        upsert(
            jm.JobStatusSequence,
            {"type": job_type, "from_status": statuses[source], "to_status": statuses[target]},
            {"is_default": default},
        )
    for name, alt, default in JOB_REASONS:
        reason = upsert(jm.JobCancellationReason, {"name": name}, {"alternative_code": alt})
        upsert(
            jm.JobTypeCancellationReason,
            {"type": job_type, "reason": reason},
            {"is_default": default},
        )
    upsert(jm.JobCategory, {"name": "Customer Request"}, {"code": "CR"})
    job_type.billing_term_schemes.set(load_billing())
    _job_type_items(job_type, products)
    load_demo_job(job_type, statuses["Assigned"], products)


# JOB000814 as seed 004's first create example left it; its update example changes it.


def _demo_job_row(job_type, status) -> jm.Job:
    admin = User.objects.get(username="MPAdministrator")
    unit = Unit.objects.get(name="Admin Unit")
    created = local("2016-07-28T13:31:40")
    values = {
        "number": "JOB000814",
        "type": job_type,
        "status": status,
        "life_cycle_state": status.life_cycle_state,
        "rating_state": jm.Job.RatingState.PENDING,
        "category": None,
        "accounts_receivable": AccountsReceivable.objects.get(number="ACR001179"),
        "subscription": Subscription.objects.get(number="S60992"),
        "service_request": None,
        "contact_email": "m_antoniadou@crm.com",
        "contact_phone": "99626262",
        "description": None,
        "notes": "Marios Lannister\t28/7/2016 12:01:40\tRequested by subscriber",
        "start_date": created,
        "expected_completion_date": local("2016-07-31T13:31:40"),
        "estimated_completion_value": 3,
        "estimated_completion_uot": "DAYS",
        "actual_completed_date": None,
        "cancelled_date": None,
        "cancellation_reason": None,
        "owned_by_group": unit.group,
        "privacy_level": None,
        "assigned_to_user": admin,
        "assigned_to_unit": unit,
        "created_date": created,
        "updated_date": local("2016-07-28T13:31:41"),
        **{f"{who}_by_user": admin for who in ("created", "updated")},
        **{f"{who}_by_unit": unit for who in ("created", "updated")},
    }
    return upsert(jm.Job, {"id": DEMO_JOB_ID}, values)


def load_demo_job(job_type, status, products: dict[str, Product]) -> jm.Job:
    """JOB000814, brought back to its seed state: terms, requested items, no others."""
    job = _demo_job_row(job_type, status)
    upsert(
        jm.JobBillingTerms,
        {"id": "97E8673FECA345CEB170712DFA745C4D"},
        {
            "job": job,
            "billing_term_scheme": jm.BillingTermScheme.objects.get(code="PJBTS"),
            "price_plan": jm.PricePlan.objects.get(code="BPP0614"),
            "agreement_date": local("2016-07-05T00:00:00"),
            "effective_date": local("2016-07-28T00:00:00"),
        },
    )
    meeting = jm.ActivityType.objects.get(name="Meeting")
    for (model, id, values), code in zip(DEMO_JOB_ITEMS, DEMO_JOB_PRODUCTS, strict=True):
        if model is jm.JobRequestedActivityService:
            values = {**values, "activity_type": meeting}
        model.objects.filter(job=job).exclude(id=id).delete()
        upsert(model, {"id": id}, {"job": job, "product": products[code], **values})
    for related in ("physical_goods", "expenses", "activities", "events"):
        getattr(job, related).all().delete()
    # New jobs are numbered after it, as in the organisation the seed comes from.
    advance_to("job", 814)
    return job
