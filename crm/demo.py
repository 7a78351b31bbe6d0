"""The demo organisation of contract section 7: every example of the seed pages runs
verbatim against it. Loading is idempotent: rows are found by their natural keys and
brought back to the values below.

Where the seed pages show a 32-character hex id for a row, the demo row gets that id, so
responses look like the documentation's.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from crm.models import Community, Group, PrivacyLevel, Role, Unit, User
from crm.numbering import advance_to
from customers.models import AccountsReceivable, Contact, Country, Subscription, SubscriptionType
from jobs import models as jm
from products.models import Product, ProductType
from servicerequests import models as sm


def upsert(model, lookup: dict, values: dict | None = None, *, id: str | None = None):
    """Find ``model`` by ``lookup`` and set ``values``; create it (with ``id``) if missing."""
    values = values or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        if id:
            obj.id = id
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return obj


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), timezone.get_default_timezone())


# -- organisation -------------------------------------------------------------------------------

UNIT_DESCRIPTION = (
    "r1 Test Description for resource  request tab.Test Description for resource  request tab."
)


def load_organisation() -> dict:
    community = upsert(Community, {"name": "Internal Community"})
    group = upsert(
        Group,
        {"name": "Main Group"},
        {"alternative_code": "MG1", "description": "Main Group", "community": community},
        id="84F33366CB592BAAE7E2044D93611C6A",
    )
    unit = upsert(
        Unit,
        {"name": "Admin Unit"},
        {"alternative_code": "MG", "description": UNIT_DESCRIPTION, "group": group},
        id="48305F8849E3C18B227C5BE3A27BA6DF",
    )
    public = upsert(PrivacyLevel, {"name": "Public"}, {"number": 1})
    restricted = upsert(PrivacyLevel, {"name": "Restricted"}, {"number": 5})
    return {"group": group, "unit": unit, "public": public, "restricted": restricted}


AGENT_APPS = ("customers", "products", "servicerequests", "jobs")
AGENT_WRITES = ("servicerequest", "job")


def load_agent_role() -> Role:
    """Staff who work requests and jobs: read all configuration, write requests and jobs."""
    role = upsert(Role, {"name": "Agents"})
    perms = Permission.objects.filter(content_type__app_label__in=AGENT_APPS).filter(
        codename__regex=r"^view_"
    )
    writes = Permission.objects.filter(
        content_type__app_label__in=AGENT_APPS,
        content_type__model__in=AGENT_WRITES,
        codename__regex=r"^(add|change)_",
    )
    role.permissions.set([*perms, *writes])
    return role


def _user(username: str, values: dict, org: dict, clearance: PrivacyLevel) -> User:
    user = upsert(
        User,
        {"username": username},
        {**values, "default_unit": org["unit"], "clearance": clearance},
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    user.units.set([org["unit"]])
    user.crm_groups.set([org["group"]])
    return user


def load_users(org: dict) -> dict:
    admin = _user(
        "MPAdministrator",
        {
            "person_name": "Marios Lannister",
            "first_name": "Marios",
            "last_name": "Lannister",
            "email": "sakkascy1986@hotmail.com",
            "is_staff": True,
            "is_superuser": True,
        },
        org,
        org["restricted"],
    )
    agent = _user(
        "agent",
        {
            "person_name": "Andreas Agent",
            "first_name": "Andreas",
            "last_name": "Agent",
            "email": "agent@example.com",
            "is_staff": False,
            "is_superuser": False,
        },
        org,
        org["public"],
    )
    agent.groups.set([load_agent_role()])
    return {"admin": admin, "agent": agent}


# -- customers ----------------------------------------------------------------------------------


def _person(id: str, values: dict, country: Country) -> Contact:
    return upsert(
        Contact,
        {"id_number": values.pop("id_number"), "type": Contact.Type.PERSON},
        {
            **values,
            "country_of_residence": country,
            "gender": Contact.Gender.FEMALE,
            "life_cycle_state": Contact.LifeCycleState.FINANCIAL,
        },
        id=id,
    )


def load_customers() -> dict:
    cyprus = upsert(
        Country, {"two_character_code": "CY"}, {"name": "CYPRUS", "three_character_code": "CYP"}
    )
    anton = _person(
        "EE621BE231714DFE8CE370261BF6DB25",
        {
            "id_number": "8945612",
            "title": "Mrs",
            "first_name": "Marina",
            "middle_name": "N",
            "last_name": "Anton",
            "email": "m_antoniadou@crm.com",
            "phone": "99848484",
        },
        cyprus,
    )
    antoniadou = _person(
        "FA4A9EF8D7BD4D819B70E8CB1B8FA963",
        {
            "id_number": "2365485",
            "title": "Ms",
            "first_name": "Marina",
            "middle_name": "L",
            "last_name": "Antoniadou",
            "email": "m_antoniadou@crm.com",
            "phone": "99626262",
        },
        cyprus,
    )
    # A relative who may call about, and accept on behalf of, ACR001143.
    relative = _person(
        "0D0D6C1F6A4B4F1E9D2C3B4A59687766",
        {
            "id_number": "8945613",
            "title": "Mr",
            "first_name": "Andreas",
            "middle_name": "",
            "last_name": "Anton",
            "email": "a_anton@crm.com",
            "phone": "99848485",
        },
        cyprus,
    )
    acr1143 = upsert(
        AccountsReceivable,
        {"number": "ACR001143"},
        {"name": "ACR001143", "owner": anton},
        id="C88FBE77E4504F3791C219A7DCE21843",
    )
    acr1143.related_contacts.set([relative])
    acr1179 = upsert(
        AccountsReceivable,
        {"number": "ACR001179"},
        {"name": "ACR001179", "owner": antoniadou},
        id="1D48BF32F4164731AD5755B61838F1E5",
    )
    london = upsert(
        SubscriptionType,
        {"name": "London"},
        {"alternative_code": "LND", "description": "Subscription for London customers"},
        id="D433A85FB6CD4880A1BCEEB1E164EFA4",
    )
    effective = Subscription.LifeCycleState.EFFECTIVE
    upsert(
        Subscription,
        {"number": "S60993"},
        {
            "accounts_receivable": acr1143,
            "type": london,
            "life_cycle_state": effective,
            "first_activated_date": local("2016-06-27T17:09:29"),
            "deactivated_date": None,
            "deactivated_by": None,
        },
        id="1C921100E32646208E95B3B1263BC5F9",
    )
    upsert(
        Subscription,
        {"number": "S60992"},
        {
            "accounts_receivable": acr1179,
            "type": london,
            "life_cycle_state": effective,
            "first_activated_date": local("2016-06-27T12:54:14"),
            "deactivated_date": None,
            "deactivated_by": None,
        },
        id="B8DD89C675A743ABB798351C5BC6DE4E",
    )
    return {"london": london}


# -- products -----------------------------------------------------------------------------------

PT = ProductType
PRODUCT_TYPES = [
    (
        "7EDF537A938DECAB1352E6EEAD54A5D0",
        "One Time Services - Flat",
        "OTS-F",
        "A type which is used for one time services",
        PT.Classification.SERVICES,
        PT.ServiceType.ONETIME,
        None,
        False,
    ),
    (
        "67FA013211E348C58F7CD27F8399AADE",
        "Expense Type",
        "ET",
        None,
        PT.Classification.SERVICES,
        PT.ServiceType.EXPENSE,
        None,
        False,
    ),
    (
        "0F94B51F175F06A475EB2948B4030074",
        "Accessories",
        "005",
        "A type which is used for accessories physical goods",
        PT.Classification.PHYSICALGOODS,
        None,
        PT.PhysicalGoodType.NONTRACEABLE,
        False,
    ),
    (
        "B4A1396AE3D1384B304A0FEB22F7BA50",
        "Decoders",
        "D",
        "Decoders",
        PT.Classification.PHYSICALGOODS,
        None,
        PT.PhysicalGoodType.TRACEABLE,
        True,
    ),
]
PRODUCTS = [
    (
        "362AF22847BA4ED0CDED5CDFF8BABBC1",
        "Material Delivery",
        "MD",
        "Delivery of Materials Service Charge",
        "One Time Services - Flat",
    ),
    ("28709F00389D79015AF4511B4A1BDFF6", "MFee", "MFee", "Meeting Fees", "Expense Type"),
    ("81D5550CF6004CE0B206A371F9F3A18A", "Expence 2", "exp2", "Expence 2", "Expense Type"),
    ("70FFDF2B2A74466DD7D0D5246ED1DD2D", "Antenna 1", "ANT1", "Antenna v1", "Accessories"),
    ("E8672BB71A9B1BD25E30705AC34D7D61", "Decoders 1", "D1", "Decoders 1", "Decoders"),
]


def load_products() -> dict[str, Product]:
    types = {}
    for id, name, alt, description, classification, service, good, provisioning in PRODUCT_TYPES:
        types[name] = upsert(
            ProductType,
            {"name": name},
            {
                "alternative_code": alt,
                "description": description,
                "classification": classification,
                "service_type": service,
                "physical_good_type": good,
                "composition_method": PT.CompositionMethod.FLAT,
                "used_for_provisioning": provisioning,
            },
            id=id,
        )
    return {
        code: upsert(
            Product,
            {"code": code},
            {"alternative_code": alt, "description": description, "product_type": types[type_name]},
            id=id,
        )
        for id, code, alt, description, type_name in PRODUCTS
    }


# -- service request configuration --------------------------------------------------------------

S = sm.LifeCycleState
SR_STATUSES = [  # name, alternative code, state, default for its state
    ("Pending", "PEN", S.PENDING, True),
    ("Waiting for Customer", "WFC", S.PENDING, False),
    ("Responded", "RES", S.RESPONDED, True),
    ("Temporary Resolved", "TRS", S.TEMPORARY_RESOLVED, True),
    ("Final Resolved", "FRS", S.FINAL_RESOLVED, True),
    ("Completed", "COM", S.COMPLETED, True),
    ("Cancel", "CAN", S.CANCELLED, True),
]
SR_CATEGORIES = [  # model, name, code, requires customer acceptance
    (sm.ServiceRequestCategory, "Technical Issue", "TECH", False),
    (sm.ServiceRequestCategory, "Billing Enquiry", "BILL", False),
    (sm.ServiceRequestCategory, "Complaint", "COMP", True),
    (sm.ResponseCategory, "Acknowledged", "ACK", False),
    (sm.ResponseCategory, "Needs Confirmation", "CONF", True),
    (sm.TemporaryResolutionCategory, "Temporary Fix", "TFIX", False),
    (sm.TemporaryResolutionCategory, "Workaround Applied", "WORK", True),
    (sm.FinalResolutionCategory, "Resolved", "RSLV", False),
    (sm.FinalResolutionCategory, "Resolved Pending Confirmation", "RPC", True),
]
SR_REASONS = [
    (
        "1A6C2C6E0D8B4F0B9A1E2D3C4B5A6978",
        "Cancellation Reason A",
        "CRA",
        "The customer withdrew the request",
    ),
    (
        "FB4A0B28CF194EF7819B0888B64B4210",
        "Cancellation Reason B",
        "CRB",
        "A second cancellation reason for testing",
    ),
    ("5E7D9C1B3A2F4E6D8C0B1A2F3E4D5C6B", "Cancellation Reason C", "CRC", "Raised by mistake"),
]
# name, alternative code, description, estimated (value, unit), warning (value, unit), email
SR_TYPES = [
    ("Technical Support", "TS", "Faults and technical questions", (3, "DAYS"), (1, "DAYS"), False),
    ("Customer Complaint", "CC", "Complaints about the service", (5, "DAYS"), (12, "HOURS"), True),
]
LEVELS = ["1", "2", "3"]
# Completion target per priority for each type, in hours.
TARGET_HOURS = {"P1": 4, "P2": 24, "P3": 72, "P4": 120, "P5": 240}
SERVICE_ROW_ID = "12073204AEAF56BB11E900D26C7CCAA8"  # seed 003's services/list row


def load_priority_matrix() -> None:
    for impact in LEVELS:
        for urgency in LEVELS:
            priority = f"P{int(impact) + int(urgency) - 1}"
            upsert(
                sm.PriorityRule,
                {"impact_level": f"IMPACT{impact}", "urgency_level": f"URGENCY{urgency}"},
                {"priority": priority},
            )


def _allow_statuses(sr_type, statuses) -> None:
    for name, _alt, _state, default in SR_STATUSES:
        upsert(
            sm.ServiceRequestTypeStatus,
            {"type": sr_type, "status": statuses[name]},
            {"is_default": default},
        )


def _allow_products(sr_type, products, service_row_id: str | None) -> None:
    upsert(
        sm.ServiceRequestTypeService,
        {"type": sr_type, "product": products["Material Delivery"]},
        id=service_row_id,
    )
    upsert(sm.ServiceRequestTypePhysicalGood, {"type": sr_type, "product": products["Decoders 1"]})


def _allow_reasons(sr_type, reasons) -> None:
    for index, reason in enumerate(reasons):
        upsert(
            sm.ServiceRequestTypeCancellationReason,
            {"type": sr_type, "reason": reason},
            {"is_default": index == 0},
        )


def load_service_request_config(products: dict[str, Product]) -> None:
    statuses = {
        name: upsert(
            sm.ServiceRequestStatus,
            {"name": name},
            {"alternative_code": alt, "life_cycle_state": state},
        )
        for name, alt, state, _default in SR_STATUSES
    }
    categories = [
        upsert(model, {"name": name}, {"code": code, "requires_customer_acceptance": accept})
        for model, name, code, accept in SR_CATEGORIES
    ]
    reasons = [
        upsert(
            sm.CancellationReason,
            {"name": name},
            {"alternative_code": alt, "description": description},
            id=id,
        )
        for id, name, alt, description in SR_REASONS
    ]
    load_priority_matrix()
    for index, (name, alt, description, estimated, warning, email) in enumerate(SR_TYPES):
        sr_type = upsert(
            sm.ServiceRequestType,
            {"name": name},
            {
                "alternative_code": alt,
                "description": description,
                "estimated_completion_value": estimated[0],
                "estimated_completion_uot": estimated[1],
                "warning_period_value": warning[0],
                "warning_period_uot": warning[1],
                "email_customer_on_status_change": email,
            },
        )
        _allow_statuses(sr_type, statuses)
        sr_type.categories.set([c for c in categories if isinstance(c, sm.ServiceRequestCategory)])
        _allow_products(sr_type, products, SERVICE_ROW_ID if index == 0 else None)
        _allow_reasons(sr_type, reasons)
        for priority, hours in TARGET_HOURS.items():
            upsert(
                sm.CompletionTarget,
                {"type": sr_type, "priority": priority},
                {"time_period_value": hours, "time_period_uot": "HOURS"},
            )


# -- job configuration --------------------------------------------------------------------------

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
DEMO_JOB_ID = "74B83598E4954CD080CBE45959A77B68"
DEMO_JOB_ITEMS = [  # model, seed id, values
    (jm.JobRequestedPhysicalGood, "FDA513D23A3C491FAE634F255A8F23D9", {"quantity": 1}),
    (jm.JobRequestedExpense, "152A42D1CA8340989006B3A67DB93898", {}),
    (jm.JobRequestedActivityService, "D1C03E626C8A4875AD3D76FC70A4A0B8", {}),
]
DEMO_JOB_PRODUCTS = ["Antenna 1", "Expence 2", "MFee"]


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


@transaction.atomic
def load_demo() -> dict:
    org = load_organisation()
    users = load_users(org)
    customers = load_customers()
    products = load_products()
    load_service_request_config(products)
    load_job_config(products, customers)
    return {**org, **users}
