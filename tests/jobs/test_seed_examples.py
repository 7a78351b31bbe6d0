"""Seed 004's examples, verbatim (token aside), against the demo data: the two creates and
the update of JOB000814, with the documented shape and values."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from crm.api.formats import format_datetime, parse_datetime, time_overdue
from customers.models import Subscription
from jobs.models import Job, JobEvent
from tests.jobs.conftest import CREATE, DS_SHOW, PERIOD_NULL, UPDATE

pytestmark = pytest.mark.django_db

# Example 1 of the create method (its final revision): a PENDING job with every set.
EXAMPLE_1 = {
    "token": "7A47C11648B9499A8903EAEA2E6D9A97",
    "type_identifier": {"name": "Deactivate Subscription"},
    "status_identifier": {"name": "Assigned"},
    "accounts_receivable_identifier": {"number": "ACR001179"},
    "subscription_identifier": {"number": "S60992"},
    "contact_email": "m_antoniadou@crm.com",
    "contact_phone": "99626262",
    "notes": "Requested by subscriber",
    "owned_by_group_identifier": {"name": "Main Group"},
    "estimated_completion_time": {"time_period_value": 3, "time_period_uot": "DAYS"},
    "billing_terms": {
        "billing_term_scheme_identifier": {"code": "PJBTS"},
        "price_plan_identifier": {"code": "BPP0614"},
        "agreement_date": "2016-07-05T14:20:00",
    },
    "assigned_to": {"user_identifier": {"username": "MPAdministrator"}},
    "requested_physical_goods_set": [{"product_identifier": {"code": "Antenna 1"}, "quantity": 1}],
    "requested_expenses_set": [{"product_identifier": {"code": "Expence 2"}}],
    "requested_activity_services_set": [
        {"activity_type_identifier": {"name": "Meeting"}, "product_identifier": {"code": "MFee"}}
    ],
}
# Example 2: a DRAFT job with a start date and a fields_set.
EXAMPLE_2 = {
    "token": "556240FE3F49469F9A2C868A66DE5C05",
    "type_identifier": {"name": "Deactivate Subscription"},
    "status_identifier": {"name": "Draft"},
    "accounts_receivable_identifier": {"number": "ACR001143"},
    "subscription_identifier": {"number": "S60993"},
    "contact_email": "m_antoniadou@crm.com",
    "contact_phone": "99848484",
    "start_date": "2016-07-27T14:00:00",
    "estimated_completion_time": {"time_period_value": 3, "time_period_uot": "DAYS"},
    "billing_terms": {
        "billing_term_scheme_identifier": {"code": "PJBTS"},
        "price_plan_identifier": {"code": "BPP0614"},
        "agreement_date": "2016-07-27T14:00:00",
    },
    "assigned_to": {"user_identifier": {"username": "MPAdministrator"}},
    "fields_set": "id,number,contact_email,contact_phone,life_cycle_state,expected_completion_date,"
    "assigned_to,type,status,subscription,accounts_receivable,owned_by_group,log_information",
}
# The update example: JOB000814 gets other billing terms, a new expected completion date, a
# second requested good, and the removal of its (mandatory) expense.
UPDATE_EXAMPLE = {
    "token": "7A47C11648B9499A8903EAEA2E6D9A97",
    "job_identifier": {"number": "JOB000814"},
    "billing_terms": {
        "billing_term_scheme_identifier": {"code": "L Jobs All Price Plans"},
        "price_plan_identifier": {"code": "Ad2"},
    },
    "expected_completion_date": "2016-07-30T14:00:00",
    "requested_physical_goods_set": [
        {"action": "ADD", "product_identifier": {"code": "Decoders 1"}, "quantity": 1}
    ],
    "requested_expenses_set": [
        {
            "action": "REMOVE",
            "job_requested_expense_identifier": {"product_identifier": {"code": "Expence 2"}},
        }
    ],
}

# Every key of the job object in seed 004's responses.
SEED_KEYS = {
    "id", "number", "notes", "description", "contact_email", "contact_phone",
    "life_cycle_state", "rating_state", "start_date", "expected_completion_date",
    "actual_completed_date", "estimated_completion_time", "time_to_completion", "time_overdue",
    "location", "type", "status", "category", "accounts_receivable", "subscription",
    "service_request", "assigned_to", "owned_by_group", "privacy_level", "billing_terms",
    "requested_physical_goods_set", "requested_expenses_set", "requested_activity_services_set",
    "physical_goods_set", "expenses_set", "activities_set", "log_information",
    *(f"udf_string_{n}" for n in range(1, 9)),
    *(f"udf_float_{n}" for n in range(1, 5)),
    *(f"udf_date_{n}" for n in range(1, 5)),
}  # fmt: skip
# Documented in the reference's job object (R13), not in the seed's examples.
EXTRA_KEYS = {"expiration_date", "scheduled_date"}

UNIT = {
    "id": "48305F8849E3C18B227C5BE3A27BA6DF",
    "name": "Admin Unit",
    "alternative_code": "MG",
    "description": "r1 Test Description for resource  request tab."
    "Test Description for resource  request tab.",
    "group_name": "Main Group",
    "community_name": "Internal Community",
}
MAIN_GROUP = {
    "id": "84F33366CB592BAAE7E2044D93611C6A",
    "name": "Main Group",
    "alternative_code": "MG1",
    "description": "Main Group",
    "community_name": "Internal Community",
}
DS_TYPE = {
    "id": "40F231681B984DA28EDBDA8B698E229E",
    "name": "Deactivate Subscription",
    "alternative_code": "DS",
    "description": None,
    "fulfillment_method": "BASED_ON_ORDERED_ITEMS",
    "fulfillment_scope": "DEACTIVATE_SUBSCRIPTION",
}
ASSIGNED = {
    "id": "6A1F0C2B3D4E5F60718293A4B5C6D7E8",
    "name": "Assigned",
    "alternative_code": "AS",
    "description": None,
    "life_cycle_state": "PENDING",
}
DRAFT = {
    "id": "0F1EE97BD63642699FFAEB461F471147",
    "name": "Draft",
    "alternative_code": "D",
    "description": None,
    "life_cycle_state": "DRAFT",
}
LONDON = {
    "id": "D433A85FB6CD4880A1BCEEB1E164EFA4",
    "name": "London",
    "description": "Subscription for London customers",
    "alternative_code": "LND",
}
PJBTS = {
    "id": "9C0B2B52003EFEEE0864212F34D41229",
    "code": "PJBTS",
    "name": "P Job Billing Term Scheme",
    "life_cycle_state": "EFFECTIVE",
    "classification": "JOBS",
    "billing_type": "NORMAL",
    "billing_method": "PERIOD",
}
ALL_PLANS = {
    "id": "235B7EAC84C2408EAD891ED7077174CE",
    "code": "L Jobs All Price Plans",
    "name": "L Jobs All Price Plans",
    "life_cycle_state": "EFFECTIVE",
    "classification": "JOBS",
    "billing_type": "NORMAL",
    "billing_method": None,
}
AD2 = {
    "id": "1B5FF32B7D6149908FE2C9DA9B124564",
    "code": "Ad2",
    "name": "Ad2",
    "description": None,
    "type": "BASE",
    "effective_date": "2015-12-20T00:00:00",
    "expiration_date": None,
}
MEETING = {
    "id": "F609C9D1CD43463DA810B1EC415BB5E1",
    "name": "Meeting",
    "description": None,
    "alternative_code": "M",
}
EXPENSE_TYPE = {
    "id": "67FA013211E348C58F7CD27F8399AADE",
    "name": "Expense Type",
    "alternative_code": "ET",
    "description": None,
    "classification": "SERVICES",
    "service_type": "EXPENSE",
    "physical_good_type": None,
    "composition_method": "FLAT",
    "used_for_provisioning": False,
}
ACCESSORIES = {
    "id": "0F94B51F175F06A475EB2948B4030074",
    "name": "Accessories",
    "alternative_code": "005",
    "description": "A type which is used for accessories physical goods",
    "classification": "PHYSICALGOODS",
    "service_type": None,
    "physical_good_type": "NONTRACEABLE",
    "composition_method": "FLAT",
    "used_for_provisioning": False,
}
DECODERS = {
    "id": "B4A1396AE3D1384B304A0FEB22F7BA50",
    "name": "Decoders",
    "alternative_code": "D",
    "description": "Decoders",
    "classification": "PHYSICALGOODS",
    "service_type": None,
    "physical_good_type": "TRACEABLE",
    "composition_method": "FLAT",
    "used_for_provisioning": True,
}
PRODUCTS = {  # code: (id, alternative code, description, product type)
    "Antenna 1": ("70FFDF2B2A74466DD7D0D5246ED1DD2D", "ANT1", "Antenna v1", ACCESSORIES),
    "Decoders 1": ("E8672BB71A9B1BD25E30705AC34D7D61", "D1", "Decoders 1", DECODERS),
    "Expence 2": ("81D5550CF6004CE0B206A371F9F3A18A", "exp2", "Expence 2", EXPENSE_TYPE),
    "MFee": ("28709F00389D79015AF4511B4A1BDFF6", "MFee", "Meeting Fees", EXPENSE_TYPE),
}


def verbatim(example: dict) -> dict:
    """The example as a client sends it: the seed's token gives way to ours."""
    return {k: v for k, v in example.items() if k != "token"}


NOTE = re.compile(r"^Marios Lannister\t(\d{1,2})/(\d{1,2})/(\d{4}) (\d\d:\d\d:\d\d)\t(.*)$")


def product_subset(data: dict, code: str) -> None:
    """The product object holds the seed's keys with the seed's values."""
    id, alternative_code, description, product_type = PRODUCTS[code]
    assert data["id"] == id
    assert data["code"] == code
    assert data["alternative_code"] == alternative_code
    assert data["description"] == description
    assert {k: data["product_type"][k] for k in product_type} == product_type


def owner(data: dict, last: str, middle: str, title: str, id_number: str) -> None:
    assert data["type"] == "PERSON"
    assert data["name"] == f"{last} Marina"
    assert (data["first_name"], data["middle_name"], data["last_name"]) == ("Marina", middle, last)
    assert (data["title"], data["life_cycle_state"]) == (title, "FINANCIAL")
    assert (data["company_name"], data["company_profile"]) == (None, None)
    demographics = data["demographics"]
    assert (demographics["gender"], demographics["id_number"]) == ("FEMALE", id_number)
    assert demographics["country_of_residence"]["name"] == "CYPRUS"
    assert demographics["name_day"] == {"month": None, "day": None}
    assert demographics["date_of_birth"] == {"day": None, "month": None, "year": None}


def account(data: dict, number: str) -> None:
    ids = {"ACR001143": "C88FBE77E4504F3791C219A7DCE21843"}
    ids["ACR001179"] = "1D48BF32F4164731AD5755B61838F1E5"
    assert (data["id"], data["number"], data["name"]) == (ids[number], number, number)
    assert data["life_cycle_state"] == "ACTIVE"
    if number == "ACR001143":
        owner(data["account_owner"], "Anton", "N", "Mrs", "8945612")
    else:
        owner(data["account_owner"], "Antoniadou", "L", "Ms", "2365485")


def subscription(data: dict, number: str, account_number: str) -> None:
    ids = {"S60993": "1C921100E32646208E95B3B1263BC5F9"}
    ids["S60992"] = "B8DD89C675A743ABB798351C5BC6DE4E"
    activated = {"S60993": "2016-06-27T17:09:29", "S60992": "2016-06-27T12:54:14"}
    assert (data["id"], data["number"]) == (ids[number], number)
    assert (data["life_cycle_state"], data["rating_state"]) == ("EFFECTIVE", "PENDING")
    assert data["first_activated_date"] == activated[number]
    assert data["type"] == LONDON
    account(data["accounts_receivable"], account_number)


def assigned_to_admin(data: dict) -> None:
    assert data["unit"] == UNIT
    assert {k: data["user"][k] for k in ("username", "person_name", "email")} == {
        "username": "MPAdministrator",
        "person_name": "Marios Lannister",
        "email": "sakkascy1986@hotmail.com",
    }


def log_by_admin(data: dict, created: str | None = None) -> None:
    for who in ("created", "updated"):
        assert data[f"{who}_by_unit"] == UNIT
        user = data[f"{who}_by_user"]
        assert (user["username"], user["person_name"]) == ("MPAdministrator", "Marios Lannister")
    if created:
        assert data["created_date"] == created


def check_note(note: str, moment: datetime, text: str) -> None:
    day, month, year, clock, rest = NOTE.match(note).groups()
    local = timezone.localtime(moment)
    assert (int(day), int(month), int(year)) == (local.day, local.month, local.year)
    assert clock == f"{local:%H:%M:%S}"
    assert rest == text


# -- create, example 1 --------------------------------------------------------------------------


def test_create_example_1_pending_job_with_every_set(api):
    response = api.post(CREATE, verbatim(EXAMPLE_1))
    assert (response.status_code, response.code) == (200, "OK")
    assert response.body["status"] == {"code": "OK", "message": "", "description": ""}
    data = response.data
    assert set(data) == SEED_KEYS | EXTRA_KEYS
    assert re.fullmatch(r"JOB\d{6}", data["number"])
    assert re.fullmatch(r"[0-9A-F]{32}", data["id"])
    job = Job.objects.get(number=data["number"])
    assert data["id"] == job.pk
    assert (data["life_cycle_state"], data["rating_state"]) == ("PENDING", "PENDING")
    assert data["status"] == ASSIGNED
    assert data["type"] == DS_TYPE
    assert (data["contact_email"], data["contact_phone"]) == ("m_antoniadou@crm.com", "99626262")
    assert (data["description"], data["category"], data["location"]) == (None, None, None)
    assert (data["service_request"], data["privacy_level"]) == (None, None)
    assert (data["actual_completed_date"], data["expiration_date"]) == (None, None)
    account(data["accounts_receivable"], "ACR001179")
    subscription(data["subscription"], "S60992", "ACR001179")
    assigned_to_admin(data["assigned_to"])
    assert data["owned_by_group"] == MAIN_GROUP
    assert all(data[f"udf_{kind}_{n}"] is None for kind, n in [("string", 1), ("date", 4)])
    check_times_from_now(data, job)
    check_example_1_terms(data["billing_terms"], job)
    check_example_1_sets(data)
    check_note(data["notes"], job.created_date, "Requested by subscriber")
    log_by_admin(data["log_information"], created=data["start_date"])


def check_times_from_now(data: dict, job: Job) -> None:
    """No start date was given: the job starts now, due 3 days later, all 3 days to go."""
    start = parse_datetime(data["start_date"])
    assert abs(start - timezone.now()) < timedelta(minutes=1)
    assert data["start_date"] == format_datetime(job.start_date)
    assert data["expected_completion_date"] == format_datetime(job.start_date + timedelta(days=3))
    assert data["estimated_completion_time"] == {"time_period_value": 3, "time_period_uot": "DAYS"}
    assert data["time_to_completion"] == {"time_period_value": 3, "time_period_uot": "DAYS"}
    assert data["time_overdue"] == PERIOD_NULL
    assert data["log_information"]["updated_date"] == data["start_date"]


def check_example_1_terms(terms: dict, job: Job) -> None:
    assert terms["id"] == job.billing_terms.pk
    # The agreement date is stored as a date; the terms take effect on the job's start day.
    assert terms["agreement_date"] == "2016-07-05T00:00:00"
    assert terms["effective_date"] == f"{timezone.localtime(job.start_date):%Y-%m-%d}T00:00:00"
    for key in ("expiration_date", "allowed_cancel_date", "billing_frequency"):
        assert terms[key] is None
    assert (terms["billing_cycle_day"], terms["binding_information"]) == (None, None)
    pricing = {"concurrent_usage": None, "rate_percentage": None}
    assert terms["concurrent_usage_based_pricing"] == pricing
    assert terms["billing_term_scheme"] == PJBTS
    plan = terms["price_plan"]
    assert (plan["code"], plan["name"], plan["type"]) == ("BPP0614", "BPP0614", "BASE")
    assert plan["description"] == "Base Price PLan June 14 for Subscription Test Case 6"
    assert (plan["effective_date"], plan["expiration_date"]) == ("2016-04-08T00:00:00", None)


def check_example_1_sets(data: dict) -> None:
    (good,) = data["requested_physical_goods_set"]
    assert good["quantity"] == 1
    product_subset(good["product"], "Antenna 1")
    (expense,) = data["requested_expenses_set"]
    product_subset(expense["product"], "Expence 2")
    (activity,) = data["requested_activity_services_set"]
    assert activity["activity_type"] == MEETING
    product_subset(activity["product"], "MFee")
    assert (data["physical_goods_set"], data["expenses_set"], data["activities_set"]) == (
        [],
        [],
        [],
    )


def test_create_example_1_writes_one_event(api, admin_user):
    number = api.post(CREATE, verbatim(EXAMPLE_1)).data["number"]
    (event,) = JobEvent.objects.filter(job__number=number)
    assert (event.action, event.from_state, event.to_state) == ("create", None, "PENDING")
    assert (event.from_status_id, event.to_status_id) == (None, ASSIGNED["id"])
    assert (event.user, event.unit.name) == (admin_user, "Admin Unit")


# -- create, example 2 --------------------------------------------------------------------------


def test_create_example_2_draft_job_with_fields_set(api):
    response = api.post(CREATE, verbatim(EXAMPLE_2))
    assert (response.status_code, response.code) == (200, "OK")
    data = response.data
    assert set(data) == set(EXAMPLE_2["fields_set"].split(","))
    assert re.fullmatch(r"JOB\d{6}", data["number"])
    assert data["expected_completion_date"] == "2016-07-30T14:00:00"
    assert (data["life_cycle_state"], data["status"]) == ("DRAFT", DRAFT)
    assert (data["contact_email"], data["contact_phone"]) == ("m_antoniadou@crm.com", "99848484")
    assert data["type"] == DS_TYPE
    assigned_to_admin(data["assigned_to"])
    # No owned_by_group given: the group of the unit the token acts for (seed 004).
    assert data["owned_by_group"] == MAIN_GROUP
    account(data["accounts_receivable"], "ACR001143")
    subscription(data["subscription"], "S60993", "ACR001143")
    log_by_admin(data["log_information"])
    job = Job.objects.get(number=data["number"])
    assert data["id"] == job.pk
    assert format_datetime(job.start_date) == "2016-07-27T14:00:00"
    assert job.billing_terms.effective_date == parse_datetime("2016-07-27T00:00:00")
    assert (job.estimated_completion_value, job.estimated_completion_uot) == (3, "DAYS")


def test_both_examples_get_increasing_numbers(api):
    first = api.post(CREATE, verbatim(EXAMPLE_2)).data["number"]
    second = api.post(CREATE, verbatim(EXAMPLE_1)).data["number"]
    assert int(second[3:]) == int(first[3:]) + 1
    # The demo's JOB000814 comes first, as in the organisation the seed comes from.
    assert int(first[3:]) > 814


# -- JOB000814 and the update example -----------------------------------------------------------


def test_demo_job_is_example_1s_result(api):
    data = api.get(DS_SHOW, {"job_identifier": "number=JOB000814"}).data
    assert set(data) == SEED_KEYS | EXTRA_KEYS
    assert (data["id"], data["number"]) == ("74B83598E4954CD080CBE45959A77B68", "JOB000814")
    assert data["notes"] == "Marios Lannister\t28/7/2016 12:01:40\tRequested by subscriber"
    assert data["start_date"] == "2016-07-28T13:31:40"
    assert data["expected_completion_date"] == "2016-07-31T13:31:40"
    assert data["estimated_completion_time"] == {"time_period_value": 3, "time_period_uot": "DAYS"}
    assert (data["life_cycle_state"], data["status"]) == ("PENDING", ASSIGNED)
    terms = data["billing_terms"]
    assert terms["id"] == "97E8673FECA345CEB170712DFA745C4D"
    assert (terms["agreement_date"], terms["effective_date"]) == (
        "2016-07-05T00:00:00",
        "2016-07-28T00:00:00",
    )
    assert terms["billing_term_scheme"] == PJBTS
    assert [g["id"] for g in data["requested_physical_goods_set"]] == [
        "FDA513D23A3C491FAE634F255A8F23D9"
    ]
    assert [e["id"] for e in data["requested_expenses_set"]] == ["152A42D1CA8340989006B3A67DB93898"]
    assert [a["id"] for a in data["requested_activity_services_set"]] == [
        "D1C03E626C8A4875AD3D76FC70A4A0B8"
    ]
    log = data["log_information"]
    assert (log["created_date"], log["updated_date"]) == (
        "2016-07-28T13:31:40",
        "2016-07-28T13:31:41",
    )


def test_update_example(api):
    response = api.post(UPDATE, verbatim(UPDATE_EXAMPLE))
    assert (response.status_code, response.code) == (200, "OK")
    data = response.data
    assert set(data) == SEED_KEYS | EXTRA_KEYS
    assert (data["id"], data["number"]) == ("74B83598E4954CD080CBE45959A77B68", "JOB000814")
    assert data["notes"] == "Marios Lannister\t28/7/2016 12:01:40\tRequested by subscriber"
    assert (data["life_cycle_state"], data["status"]) == ("PENDING", ASSIGNED)
    assert data["start_date"] == "2016-07-28T13:31:40"
    assert data["expected_completion_date"] == "2016-07-30T14:00:00"
    # Recomputed from the start: 2 days and 28 minutes is {2, DAYS}.
    assert data["estimated_completion_time"] == {"time_period_value": 2, "time_period_uot": "DAYS"}
    # Read now, years after the seed: nothing left to go, and overdue since July 2016.
    assert data["time_to_completion"] == PERIOD_NULL
    expected = parse_datetime("2016-07-30T14:00:00")
    assert data["time_overdue"] == time_overdue(expected, True, timezone.now())
    assert data["time_overdue"]["time_period_uot"] == "YEARS"
    check_update_terms(data["billing_terms"])
    check_update_sets(data)
    account(data["accounts_receivable"], "ACR001179")
    subscription(data["subscription"], "S60992", "ACR001179")
    assigned_to_admin(data["assigned_to"])
    assert (data["owned_by_group"], data["privacy_level"]) == (MAIN_GROUP, None)
    assert (data["service_request"], data["category"], data["location"]) == (None, None, None)
    assert (data["contact_email"], data["contact_phone"]) == ("m_antoniadou@crm.com", "99626262")
    log = data["log_information"]
    log_by_admin(log, created="2016-07-28T13:31:40")
    assert abs(parse_datetime(log["updated_date"]) - timezone.now()) < timedelta(minutes=1)


def check_update_terms(terms: dict) -> None:
    """Scheme and plan changed; the absent agreement date kept; the same terms row."""
    assert terms["id"] == "97E8673FECA345CEB170712DFA745C4D"
    assert terms["agreement_date"] == "2016-07-05T00:00:00"
    assert terms["effective_date"] == "2016-07-28T00:00:00"
    assert terms["billing_term_scheme"] == ALL_PLANS
    assert terms["price_plan"] == AD2
    pricing = {"concurrent_usage": None, "rate_percentage": None}
    assert terms["concurrent_usage_based_pricing"] == pricing


def check_update_sets(data: dict) -> None:
    goods = {g["product"]["code"]: g for g in data["requested_physical_goods_set"]}
    assert set(goods) == {"Decoders 1", "Antenna 1"}
    assert goods["Antenna 1"]["id"] == "FDA513D23A3C491FAE634F255A8F23D9"
    assert (goods["Decoders 1"]["quantity"], goods["Antenna 1"]["quantity"]) == (1, 1)
    product_subset(goods["Decoders 1"]["product"], "Decoders 1")
    product_subset(goods["Antenna 1"]["product"], "Antenna 1")
    # Expence 2 is mandatory for the type: the REMOVE keeps it, as the seed's response shows.
    (expense,) = data["requested_expenses_set"]
    assert expense["id"] == "152A42D1CA8340989006B3A67DB93898"
    product_subset(expense["product"], "Expence 2")
    (activity,) = data["requested_activity_services_set"]
    assert activity["id"] == "D1C03E626C8A4875AD3D76FC70A4A0B8"
    assert activity["activity_type"] == MEETING
    empty = (data["physical_goods_set"], data["expenses_set"], data["activities_set"])
    assert empty == ([], [], [])


def test_update_example_writes_an_update_event(api, admin_user):
    api.post(UPDATE, verbatim(UPDATE_EXAMPLE))
    (event,) = JobEvent.objects.filter(job__number="JOB000814")
    assert (event.action, event.from_state, event.to_state) == ("update", "PENDING", "PENDING")
    assert event.user == admin_user
    # What changed, field by field, in words (crm.audit); the mandatory expense stays.
    changes = {row["name"]: (row["old"], row["new"]) for row in event.change_list}
    assert changes == {
        "expected_completion_date": ("2016-07-31 13:31", "2016-07-30 14:00"),
        "estimated_completion_time": ("3 days", "2 days"),
        "billing_terms": ("PJBTS / BPP0614", "L Jobs All Price Plans / Ad2"),
        "requested_physical_goods_set": ("Antenna 1 x1", "Antenna 1 x1, Decoders 1 x1"),
    }


def test_seed_demo_brings_job000814_back(api):
    from django.core.management import call_command

    api.post(UPDATE, verbatim(UPDATE_EXAMPLE))
    call_command("seed_demo")
    data = api.get(DS_SHOW, {"job_identifier": "number=JOB000814"}).data
    assert data["expected_completion_date"] == "2016-07-31T13:31:40"
    assert [g["product"]["code"] for g in data["requested_physical_goods_set"]] == ["Antenna 1"]
    assert data["billing_terms"]["billing_term_scheme"]["code"] == "PJBTS"
    assert Subscription.objects.get(number="S60992").life_cycle_state == "EFFECTIVE"
