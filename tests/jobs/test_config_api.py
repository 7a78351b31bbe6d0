"""``jobs/configuration/<x>/list`` through real requests: the demo objects, errors,
``fields_set``, paging, query counts and permissions (contract sections 2, 4 and 7)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import SubscriptionType
from jobs import models as jm
from tests.conftest import Api, token_for
from tests.factories import (
    JobCancellationReasonFactory,
    JobStatusFactory,
    JobTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TYPES = "jobs/configuration/types/list"
STATUSES = "jobs/configuration/statuses/list"
REASONS = "jobs/configuration/cancellation_reasons/list"
ALL_METHODS = [TYPES, STATUSES, REASONS]
TYPED = [STATUSES, REASONS]

TYPE = "job_type_identifier"
DS = {TYPE: "name=Deactivate Subscription"}
DS_ID = "40F231681B984DA28EDBDA8B698E229E"
OK_STATUS = {"code": "OK", "message": "", "description": ""}

CASES = {"types": (TYPES, {}), "statuses": (STATUSES, DS), "cancellation_reasons": (REASONS, DS)}
PERMISSIONS = {
    TYPES: "jobs.view_jobtype",
    STATUSES: "jobs.view_jobstatus",
    REASONS: "jobs.view_jobcancellationreason",
}
JOB_TYPE_KEYS = {
    "id",
    "name",
    "alternative_code",
    "description",
    "life_cycle_state",
    "billing_directive",
    "fulfillment_scope",
    "fulfillment_method",
    "billing_method",
    "expiration_settings",
    "expiration_days",
    "estimated_completion_time",
    "subscription_type",
}
LONDON = {
    "id": "D433A85FB6CD4880A1BCEEB1E164EFA4",
    "name": "London",
    "description": "Subscription for London customers",
    "alternative_code": "LND",
}
DEACTIVATE_SUBSCRIPTION = {
    "id": DS_ID,
    "name": "Deactivate Subscription",
    "alternative_code": "DS",
    "description": None,
    "life_cycle_state": "EFFECTIVE",
    "billing_directive": "BILLABLE",
    "fulfillment_scope": "DEACTIVATE_SUBSCRIPTION",
    "fulfillment_method": "BASED_ON_ORDERED_ITEMS",
    "billing_method": None,
    "expiration_settings": "NONE",
    "expiration_days": None,
    "estimated_completion_time": {"time_period_value": 3, "time_period_uot": "DAYS"},
    "subscription_type": LONDON,
}
DEMO_STATUSES = {  # name: (id, alternative code, life cycle state, default for its state)
    "Draft": ("0F1EE97BD63642699FFAEB461F471147", "D", "DRAFT", True),
    "Assigned": ("6A1F0C2B3D4E5F60718293A4B5C6D7E8", "AS", "PENDING", True),
    "In Progress": ("7B2E1D3C4B5A69788796A5B4C3D2E1F0", "IP", "IN_PROGRESS", True),
    "Approved": ("8C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F", "2", "IN_PROGRESS", False),
    "Completed": ("9D4E3F2A1B0C9D8E7F6A5B4C3D2E1F0A", "C", "COMPLETED", True),
    "Cancelled": ("AE5F4A3B2C1D0E9F8A7B6C5D4E3F2A1B", "CA", "CANCELLED", True),
}
DEMO_STATUS_ORDER = ["Cancelled", "Completed", "Approved", "In Progress", "Assigned", "Draft"]

_seq = itertools.count(1)


# -- helpers ------------------------------------------------------------------------------------


def ok(response):
    assert response.status_code == 200, response.body
    assert response.body["status"] == OK_STATUS
    return response.data


def assert_error(response, http_status: int, code: str, param: str):
    assert response.status_code == http_status, response.body
    assert response.code == code, response.body
    assert response.data is None
    assert response.body["status"]["message"]
    assert response.description.startswith(param), response.description


def measured(api, method: str, params: dict) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        data = ok(api.get(method, params))
    return data, [query["sql"] for query in ctx.captured_queries]


def method_sql(sqls: list[str]) -> list[str]:
    """The queries of the method itself: without the token lookup every call makes."""
    return [sql for sql in sqls if '"crm_apitoken"' not in sql]


def has_join(sqls: list[str]) -> bool:
    return any(" JOIN " in sql for sql in method_sql(sqls))


def project(rows: list[dict], names: list[str]) -> list[dict]:
    return [{name: row[name] for name in names} for row in rows]


def job_type(name: str = "Deactivate Subscription") -> jm.JobType:
    return jm.JobType.objects.get(name=name)


def status_item(name: str, type_name: str = "Deactivate Subscription") -> dict:
    status_id, alternative_code, state, default = DEMO_STATUSES[name]
    row = jm.JobTypeStatus.objects.get(type__name=type_name, status_id=status_id)
    return {
        "id": row.id,
        "default": default,
        "status": {
            "id": status_id,
            "name": name,
            "alternative_code": alternative_code,
            "description": None,
            "life_cycle_state": state,
        },
    }


def reason_item(name: str, alternative_code: str, default: bool) -> dict:
    return {
        "id": jm.JobCancellationReason.objects.get(name=name).id,
        "name": name,
        "alternative_code": alternative_code,
        "description": None,
        "default": default,
    }


DEMO_REASONS = [("Wrong Input/Missing Information", "WII", False), ("Regret", "R", True)]


def subscription_type() -> SubscriptionType:
    n = next(_seq)
    return SubscriptionType.objects.create(
        name=f"Subscription type {n}", alternative_code=f"SUBT{n}", description=f"Type {n}"
    )


def add_types(n: int) -> None:
    for i in range(n):
        JobTypeFactory(
            subscription_type=subscription_type() if i % 3 else None,
            estimated_completion_value=i + 1,
            estimated_completion_uot="HOURS",
            fulfillment_scope=jm.FulfillmentScope.values[i % len(jm.FulfillmentScope.values)],
        )


def add_statuses(n: int) -> None:
    states = itertools.cycle(jm.JobLifeCycleState.values)
    for _ in range(n):
        status = JobStatusFactory(life_cycle_state=next(states), description="More")
        jm.JobTypeStatus.objects.create(type=job_type(), status=status)


def add_reasons(n: int) -> None:
    for reason in JobCancellationReasonFactory.create_batch(n, description="More"):
        jm.JobTypeCancellationReason.objects.create(type=job_type(), reason=reason)


ADDERS = {"types": add_types, "statuses": add_statuses, "cancellation_reasons": add_reasons}


# -- types --------------------------------------------------------------------------------------


def test_types_are_the_demo_type(api):
    data = ok(api.get(TYPES))
    assert data == [DEACTIVATE_SUBSCRIPTION]
    assert set(data[0]) == JOB_TYPE_KEYS
    assert set(data[0]["subscription_type"]) == {"id", "name", "description", "alternative_code"}


def test_type_object_fields(api):
    generic = JobTypeFactory(
        name="Installation",
        alternative_code="INST",
        description="Install equipment",
        life_cycle_state=jm.JobType.LifeCycleState.NOT_EFFECTIVE,
        billing_directive=jm.JobType.BillingDirective.BILLABLE,
        fulfillment_scope=jm.FulfillmentScope.GENERIC_PURPOSE,
        fulfillment_method=jm.JobType.FulfillmentMethod.BASED_ON_DELIVERED_ITEMS,
        billing_method=jm.JobType.BillingMethod.BILL_ON_COMPLETION,
        expiration_settings=jm.JobType.ExpirationSettings.X_DAYS_AFTER_JOB_CREATION,
        expiration_days=10,
    )
    data = ok(api.get(TYPES))
    assert data == [
        {
            "id": generic.id,
            "name": "Installation",
            "alternative_code": "INST",
            "description": "Install equipment",
            "life_cycle_state": "NOT_EFFECTIVE",
            "billing_directive": "BILLABLE",
            "fulfillment_scope": "GENERIC_PURPOSE",
            "fulfillment_method": "BASED_ON_DELIVERED_ITEMS",
            "billing_method": "BILL_ON_COMPLETION",
            "expiration_settings": "X_DAYS_AFTER_JOB_CREATION",
            "expiration_days": 10,
            # No default estimated completion time: both members null.
            "estimated_completion_time": {"time_period_value": None, "time_period_uot": None},
            "subscription_type": None,
        },
        DEACTIVATE_SUBSCRIPTION,
    ]


@pytest.mark.parametrize(
    "scope", ["DEACTIVATE_SUBSCRIPTION", "deactivate_subscription", " Deactivate_Subscription "]
)
def test_types_filtered_by_fulfillment_scope(api, scope):
    JobTypeFactory(fulfillment_scope=jm.FulfillmentScope.GENERIC_PURPOSE)
    assert ok(api.get(TYPES, {"fulfillment_scope": scope})) == [DEACTIVATE_SUBSCRIPTION]


def test_types_of_another_scope(api):
    generic = JobTypeFactory(fulfillment_scope=jm.FulfillmentScope.GENERIC_PURPOSE)
    JobTypeFactory(fulfillment_scope=jm.FulfillmentScope.CANCEL_SUBSCRIPTION)
    data = ok(api.get(TYPES, {"fulfillment_scope": "GENERIC_PURPOSE", "fields_set": "name"}))
    assert data == [{"name": generic.name}]
    assert ok(api.get(TYPES, {"fulfillment_scope": "SUBSCRIPTION_MAINTAINANCE"})) == []
    assert len(ok(api.get(TYPES))) == 3


@pytest.mark.parametrize(
    "scope", ["DEACTIVATE", "SUBSCRIPTION_MAINTENANCE", "DEACTIVATE SUBSCRIPTION"]
)
def test_types_bad_fulfillment_scope(api, scope):
    response = api.get(TYPES, {"fulfillment_scope": scope})
    assert_error(response, 400, "INVALID_PARAMETER", "fulfillment_scope")
    assert "GENERIC_PURPOSE" in response.description


def test_types_take_no_type_parameter(api):
    assert_error(api.get(TYPES, DS), 400, "INVALID_PARAMETER", TYPE)


# -- statuses -----------------------------------------------------------------------------------


def test_statuses_of_deactivate_subscription(api):
    data = ok(api.get(STATUSES, DS))
    assert data == [status_item(name) for name in DEMO_STATUS_ORDER]
    for row in data:
        assert set(row) == {"id", "default", "status"}
        assert set(row["status"]) == {
            "id",
            "name",
            "alternative_code",
            "description",
            "life_cycle_state",
        }
    defaults = sorted(row["status"]["life_cycle_state"] for row in data if row["default"])
    assert defaults == sorted(jm.JobLifeCycleState.values)


@pytest.mark.parametrize(
    ("state", "names"),
    [
        ("DRAFT", ["Draft"]),
        ("PENDING", ["Assigned"]),
        ("IN_PROGRESS", ["Approved", "In Progress"]),
        ("IN PROGRESS", ["Approved", "In Progress"]),
        ("in progress", ["Approved", "In Progress"]),
        ("In_Progress", ["Approved", "In Progress"]),
        ("COMPLETED", ["Completed"]),
        ("CANCELLED", ["Cancelled"]),
    ],
)
def test_statuses_filtered_by_life_cycle_state(api, state, names):
    data = ok(api.get(STATUSES, {**DS, "life_cycle_state": state}))
    assert data == [status_item(name) for name in names]


@pytest.mark.parametrize("state", ["INPROGRESS", "IN-PROGRESS", "RESPONDED", "EFFECTIVE"])
def test_statuses_bad_life_cycle_state(api, state):
    response = api.get(STATUSES, {**DS, "life_cycle_state": state})
    assert_error(response, 400, "INVALID_PARAMETER", "life_cycle_state")


def test_statuses_are_those_of_the_given_type(api):
    other = JobTypeFactory()
    assert ok(api.get(STATUSES, {TYPE: f"id={other.id}"})) == []
    draft = jm.JobStatus.objects.get(name="Draft")
    row = jm.JobTypeStatus.objects.create(type=other, status=draft, is_default=False)
    assert ok(api.get(STATUSES, {TYPE: f"name={other.name}"})) == [
        {
            "id": row.id,
            "default": False,
            "status": {
                "id": draft.id,
                "name": "Draft",
                "alternative_code": "D",
                "description": None,
                "life_cycle_state": "DRAFT",
            },
        }
    ]
    assert ok(api.get(STATUSES, DS)) == [status_item(name) for name in DEMO_STATUS_ORDER]


# -- cancellation reasons -----------------------------------------------------------------------


def test_cancellation_reasons_with_default(api):
    data = ok(api.get(REASONS, DS))
    assert data == [reason_item(*reason) for reason in DEMO_REASONS]
    for row in data:
        assert set(row) == {"id", "name", "alternative_code", "description", "default"}
    # The reference's example items, as far as it shows them.
    examples = [
        {"default": True, "alternative_code": "R", "name": "Regret"},
        {"default": False, "alternative_code": "WII", "name": "Wrong Input/Missing Information"},
    ]
    for example in examples:
        assert any(example.items() <= row.items() for row in data), example


def test_cancellation_reasons_default_is_per_type(api):
    other = JobTypeFactory()
    wii = jm.JobCancellationReason.objects.get(alternative_code="WII")
    jm.JobTypeCancellationReason.objects.create(type=other, reason=wii, is_default=True)
    data = ok(api.get(REASONS, {TYPE: f"alternative_code={other.alternative_code}"}))
    assert data == [
        {**reason_item("Wrong Input/Missing Information", "WII", False), "default": True}
    ]
    assert ok(api.get(REASONS, DS)) == [reason_item(*reason) for reason in DEMO_REASONS]
    assert ok(api.get(REASONS, {TYPE: f"id={JobTypeFactory().id}"})) == []


# -- the type identifier ------------------------------------------------------------------------


@pytest.mark.parametrize("method", TYPED)
def test_missing_type(api, method):
    response = api.get(method)
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", TYPE)
    assert TYPE in response.body["status"]["message"]
    assert_error(api.get(method, {TYPE: ""}), 400, "MISSING_MANDATORY_PARAMETER", TYPE)


@pytest.mark.parametrize("method", TYPED)
@pytest.mark.parametrize("value", ["name=Nope", "alternative_code=XX", "id=" + "0" * 32])
def test_unknown_type(api, method, value):
    assert_error(api.get(method, {TYPE: value}), 404, "ENTITY_NOT_FOUND", TYPE)


@pytest.mark.parametrize("method", TYPED)
@pytest.mark.parametrize(
    "value", [f"id={DS_ID}", "name=Deactivate Subscription", "alternative_code=DS"]
)
def test_type_by_each_key(api, method, value):
    expected = (
        [status_item(name) for name in DEMO_STATUS_ORDER]
        if method == STATUSES
        else [reason_item(*reason) for reason in DEMO_REASONS]
    )
    assert ok(api.get(method, {TYPE: value})) == expected


@pytest.mark.parametrize("method", TYPED)
@pytest.mark.parametrize("value", ["code=DS", "number=1", "DS", "name="])
def test_bad_type_identifier(api, method, value):
    assert_error(api.get(method, {TYPE: value}), 400, "INVALID_IDENTIFIER", TYPE)


def test_type_identifier_given_twice(api, client, admin_token):
    query = f"{TYPE}=alternative_code%3DDS&{TYPE}=name%3DDeactivate+Subscription"
    response = api._wrap(client.get(f"/crmapi/rest/v2/{STATUSES}?{query}&token={admin_token}"))
    assert_error(response, 400, "INVALID_IDENTIFIER", TYPE)


# -- fields_set ---------------------------------------------------------------------------------

FIELDS = [
    ("types", ["name", "id"]),
    ("types", ["subscription_type"]),
    ("types", ["estimated_completion_time", "fulfillment_scope"]),
    ("statuses", ["status"]),
    ("statuses", ["default", "id"]),
    ("cancellation_reasons", ["default", "name"]),
    ("cancellation_reasons", ["alternative_code"]),
]


@pytest.mark.parametrize(("case", "names"), FIELDS)
def test_fields_set_returns_exactly_those_fields(api, case, names):
    method, params = CASES[case]
    full = ok(api.get(method, params))
    data = ok(api.get(method, {**params, "fields_set": ",".join(names)}))
    assert data == project(full, names)
    assert all(set(row) == set(names) for row in data)
    assert data


def test_fields_set_nested_objects_are_whole(api):
    assert ok(api.get(TYPES, {"fields_set": "subscription_type"})) == [
        {"subscription_type": LONDON}
    ]
    data = ok(api.get(STATUSES, {**DS, "fields_set": "status"}))
    assert data == [{"status": status_item(name)["status"]} for name in DEMO_STATUS_ORDER]


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("value", ["colour", "id,colour", "status.name", "Name"])
def test_fields_set_unknown_name(api, case, value):
    method, params = CASES[case]
    response = api.get(method, {**params, "fields_set": value})
    assert_error(response, 400, "INVALID_PARAMETER", "fields_set")


@pytest.mark.parametrize(
    ("case", "narrow"),
    [("types", "id,name"), ("statuses", "id,default"), ("cancellation_reasons", "default")],
)
def test_narrow_fields_set_drops_joins(api, case, narrow):
    method, params = CASES[case]
    _, full_sql = measured(api, method, params)
    _, narrow_sql = measured(api, method, {**params, "fields_set": narrow})
    assert has_join(full_sql)
    assert not has_join(narrow_sql), method_sql(narrow_sql)
    assert len(narrow_sql) <= len(full_sql)


# -- paging -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_paging(api, case):
    method, params = CASES[case]
    ADDERS[case](4)
    full = ok(api.get(method, {**params, "number_of_results": "500"}))
    assert len(full) >= 5
    assert ok(api.get(method, params)) == full

    def page(**kw):
        return ok(api.get(method, {**params, **{k: str(v) for k, v in kw.items()}}))

    assert page(number_of_results=1) == full[:1]
    assert page(offset=1) == full[1:]
    assert page(offset=2, number_of_results=2) == full[2:4]
    assert page(offset=len(full)) == []
    assert page(offset=len(full) + 100, number_of_results=500) == []
    pages = [page(offset=i, number_of_results=2) for i in range(0, len(full), 2)]
    assert [row for p in pages for row in p] == full


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(
    ("name", "value"),
    [("number_of_results", "0"), ("number_of_results", "501"), ("offset", "-1")],
)
def test_paging_bounds(api, case, name, value):
    method, params = CASES[case]
    assert_error(api.get(method, {**params, name: value}), 400, "INVALID_PARAMETER", name)


def test_default_page_is_50_and_500_is_allowed(api):
    add_types(60)
    assert len(ok(api.get(TYPES))) == 50
    everything = ok(api.get(TYPES, {"number_of_results": "500"}))
    assert len(everything) == 61
    assert ok(api.get(TYPES, {"offset": "50"})) == everything[50:]


def test_newest_first_by_creation(api):
    now = timezone.now()
    old = JobTypeFactory(created_date=now - timedelta(days=3))
    new = JobTypeFactory(created_date=now + timedelta(minutes=1))
    names = [row["name"] for row in ok(api.get(TYPES, {"fields_set": "name"}))]
    assert names == [new.name, "Deactivate Subscription", old.name]
    late = jm.JobTypeStatus.objects.create(
        type=job_type(), status=JobStatusFactory(), created_date=now + timedelta(hours=1)
    )
    early = jm.JobTypeStatus.objects.create(
        type=job_type(), status=JobStatusFactory(), created_date=now - timedelta(days=9)
    )
    ids = [row["id"] for row in ok(api.get(STATUSES, {**DS, "fields_set": "id"}))]
    assert ids == [late.id, *(status_item(n)["id"] for n in DEMO_STATUS_ORDER), early.id]
    reason = JobCancellationReasonFactory()
    jm.JobTypeCancellationReason.objects.create(
        type=job_type(), reason=reason, created_date=now + timedelta(hours=1)
    )
    names = [row["name"] for row in ok(api.get(REASONS, {**DS, "fields_set": "name"}))]
    assert names == [reason.name, "Wrong Input/Missing Information", "Regret"]


# -- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_query_count_does_not_grow_with_rows(api, case):
    method, params = CASES[case]
    before, before_sql = measured(api, method, {**params, "number_of_results": "500"})
    ADDERS[case](50)
    after, after_sql = measured(api, method, {**params, "number_of_results": "500"})
    assert len(after) == len(before) + 50
    assert len(after_sql) == len(before_sql), method_sql(after_sql)
    page, page_sql = measured(api, method, params)
    assert page == after[:50]
    assert len(page_sql) == len(before_sql)


def test_types_query_count_with_and_without_subscription_types(api):
    _, with_sql = measured(api, TYPES, {})
    jm.JobType.objects.filter(pk=DS_ID).update(subscription_type=None)
    data, without_sql = measured(api, TYPES, {})
    assert data == [{**DEACTIVATE_SUBSCRIPTION, "subscription_type": None}]
    assert len(with_sql) == len(without_sql)


# -- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ALL_METHODS)
def test_no_permission_is_denied(client, demo, method):
    nobody = Api(client, token_for(UserFactory()))
    response = nobody.get(method, DS if method in TYPED else {})
    assert_error(response, 403, "PERMISSION_DENIED", "")
    assert PERMISSIONS[method] in response.description
    assert nobody.get(method).code == "PERMISSION_DENIED"


@pytest.mark.parametrize("case", list(CASES))
def test_agent_may_read(api, agent_api, case):
    method, params = CASES[case]
    assert ok(agent_api.get(method, params)) == ok(api.get(method, params))


@pytest.mark.parametrize("method", ALL_METHODS)
def test_without_token(anon_api, demo, method):
    assert_error(anon_api.get(method, DS), 401, "INVALID_TOKEN", "token")


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("value", ["--5", "\u00b2"])
def test_malformed_paging_number_is_invalid_parameter(api, client, case, value):
    client.raise_request_exception = False
    method, params = CASES[case]
    response = api.get(method, {**params, "offset": value})
    assert_error(response, 400, "INVALID_PARAMETER", "offset")
