"""``service_requests/show``, ``list`` and every ``get_*`` list through real requests: the
object, computed periods, ``fields_set``, membership of each list, order, paging and errors
(contract sections 2 and 3, reference section 2.4).

The helpers at the top are shared by the other ``test_api_*`` modules of this package.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.api.formats import format_datetime
from crm.models import User
from servicerequests import models as sm
from tests.factories import make_service_request

pytestmark = pytest.mark.django_db

S = sm.LifeCycleState
SR = "service_request_identifier"
OWNER = {"id_number": "8945612"}  # Marina Anton, owner of ACR001143
RELATIVE = {"id_number": "8945613"}  # Andreas Anton, related to ACR001143
STRANGER = {"id_number": "2365485"}  # Marina Antoniadou, owner of ACR001179
ADMIN = {"username": "MPAdministrator"}
WHEN = "2030-01-01T11:00:00"
NULL_PERIOD = {"time_period_value": None, "time_period_uot": None}

# -- shared helpers -----------------------------------------------------------------------------


def create_body(**overrides) -> dict:
    """A valid create body: a Technical Support request of ACR001143, IMPACT2 x URGENCY2."""
    body = {
        "type_identifier": {"name": "Technical Support"},
        "accounts_receivable_identifier": {"number": "ACR001143"},
        "status_identifier": {"name": "Pending"},
        "category_identifier": {"code": "TECH"},
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
    }
    body.update(overrides)
    return body


def create(api, **overrides) -> dict:
    response = api.post("service_requests/create", create_body(**overrides))
    assert response.status_code == 200, response.body
    return response.data


def response_obj(category: str = "ACK", **extra) -> dict:
    return {
        "category_identifier": {"code": category},
        "responded_by_identifier": ADMIN,
        "response_date": WHEN,
        **extra,
    }


def temporary_obj(category: str = "TFIX", **extra) -> dict:
    return {
        "category_identifier": {"code": category},
        "temporary_resolved_by_identifier": ADMIN,
        "temporary_resolution_date": WHEN,
        **extra,
    }


def final_obj(category: str = "RSLV", **extra) -> dict:
    return {
        "category_identifier": {"code": category},
        "final_resolved_by_identifier": ADMIN,
        "final_resolution_date": WHEN,
        **extra,
    }


def call(api, method: str, number: str, /, **body):
    """POST ``service_requests/<method>`` for the request ``number``."""
    return api.post(f"service_requests/{method}", {SR: {"number": number}, **body})


def show(api, number: str, fields_set: str | None = None):
    params = {SR: f"number={number}"}
    if fields_set:
        params["fields_set"] = fields_set
    return api.get("service_requests/show", params)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.body
    return [row["number"] for row in response.data]


def assert_error(response, status: int, code: str, param: str | None = None) -> None:
    assert response.status_code == status, response.body
    assert response.code == code
    assert response.data is None
    if param is not None:
        assert response.description.startswith(f"{param}: "), response.description


def snapshot(number: str) -> dict:
    """Everything a write could touch: the row, its events and its three sets."""
    row = sm.ServiceRequest.objects.get(number=number)
    return {
        "row": {
            f.attname: getattr(row, f.attname) for f in sm.ServiceRequest._meta.concrete_fields
        },
        "events": sm.ServiceRequestEvent.objects.filter(service_request=row).count(),
        "services": sorted(row.services.values_list("id", "product_id")),
        "goods": sorted(row.physical_goods.values_list("id", "product_id", "serial_number")),
        "relations": sorted(row.relations.values_list("id", "related_id", "description")),
    }


def totals() -> dict:
    """Row counts of every table a create writes."""
    return {
        model.__name__: model.objects.count()
        for model in (
            sm.ServiceRequest,
            sm.ServiceRequestEvent,
            sm.ServiceRequestService,
            sm.ServiceRequestPhysicalGood,
            sm.ServiceRequestRelation,
        )
    }


FORWARD = [S.PENDING, S.RESPONDED, S.TEMPORARY_RESOLVED, S.FINAL_RESOLVED]


def _event_order(event) -> tuple:
    """Events of one write share its time: the create first, then the steps along the
    table, the update that took them last."""
    if event.action == "create":
        rank = -1
    elif event.action == "update":
        rank = 9
    else:
        rank = FORWARD.index(event.from_state)
    return (event.created_at, rank)


def events(number: str) -> list[tuple]:
    """(action, from state, to state, from status, to status, user, unit) of each event."""
    rows = sm.ServiceRequestEvent.objects.filter(service_request__number=number)
    rows = rows.select_related("from_status", "to_status", "user", "unit")
    return [
        (
            e.action,
            e.from_state,
            e.to_state,
            e.from_status.name if e.from_status_id else None,
            e.to_status.name,
            e.user.username if e.user_id else None,
            e.unit.name if e.unit_id else None,
        )
        for e in sorted(rows, key=_event_order)
    ]


def make_job(account: str = "ACR001143"):
    """A DRAFT deactivate-subscription job of ``account``, straight in the database."""
    from crm.numbering import next_number
    from customers.models import Subscription
    from jobs import models as jm

    subscription = Subscription.objects.get(accounts_receivable__number=account)
    status = jm.JobStatus.objects.get(name="Draft")
    now = timezone.now()
    return jm.Job.objects.create(
        number=next_number("job"),
        type=jm.JobType.objects.get(name="Deactivate Subscription"),
        status=status,
        life_cycle_state=status.life_cycle_state,
        accounts_receivable=subscription.accounts_receivable,
        subscription=subscription,
        start_date=now,
        created_date=now,
        updated_date=now,
    )


STATUS_OF = {
    S.PENDING: "Pending",
    S.RESPONDED: "Responded",
    S.TEMPORARY_RESOLVED: "Temporary Resolved",
    S.FINAL_RESOLVED: "Final Resolved",
    S.COMPLETED: "Completed",
    S.CANCELLED: "Cancel",
}
STEP_MODELS = {
    "response": (sm.ResponseCategory, "responded_by"),
    "temporary_resolution": (sm.TemporaryResolutionCategory, "temporary_resolved_by"),
    "final_resolution": (sm.FinalResolutionCategory, "final_resolved_by"),
}


def make_sr(
    state: str = S.PENDING,
    *,
    response: str | None = None,
    temporary: str | None = None,
    final: str | None = None,
    accepted: tuple[str, ...] = (),
    category: str = "TECH",
    **overrides,
) -> sm.ServiceRequest:
    """A request in ``state`` straight in the database, with the steps that state implies
    (response ACK, final resolution RSLV unless given); ``accepted`` names steps the owner
    accepted."""
    later = state not in (S.PENDING, S.CANCELLED)
    steps = {
        "response": response or ("ACK" if later else None),
        "temporary_resolution": temporary or ("TFIX" if state == S.TEMPORARY_RESOLVED else None),
        "final_resolution": final or ("RSLV" if state in (S.FINAL_RESOLVED, S.COMPLETED) else None),
    }
    admin = User.objects.get(username="MPAdministrator")
    now = timezone.now()
    values = {
        "status": sm.ServiceRequestStatus.objects.get(name=STATUS_OF[state]),
        "category": sm.ServiceRequestCategory.objects.get(code=category),
        "created_by_user": admin,
        "updated_by_user": admin,
    }
    for name, code in steps.items():
        if code is None:
            continue
        model, by = STEP_MODELS[name]
        values[f"{name}_category"] = model.objects.get(code=code)
        values[by] = admin
        values[f"{name}_date"] = now
        if name in accepted:
            values[f"{name}_accepted_by_id"] = "EE621BE231714DFE8CE370261BF6DB25"  # the owner
            values[f"{name}_accepted_date"] = now
    if state == S.COMPLETED:
        values["completed_date"] = now
    if state == S.CANCELLED:
        values["cancelled_date"] = now
    values.update(overrides)
    return make_service_request(**values)


# -- show ---------------------------------------------------------------------------------------

ALL_FIELDS = [
    "id",
    "number",
    "life_cycle_state",
    "type",
    "status",
    "category",
    "accounts_receivable",
    "caller",
    "caller_email",
    "caller_phone",
    "description",
    "notes",
    "urgency_level",
    "impact_level",
    "priority",
    "owned_by_group",
    "privacy_level",
    "assigned_to",
    "start_date",
    "expected_completion_date",
    "estimated_completion_time",
    "time_to_completion",
    "time_overdue",
    "approaching_completion",
    "referring_to",
    "response",
    "temporary_resolution",
    "final_resolution",
    "cancellation_reason",
    "services_set",
    "physical_goods_set",
    "related_service_requests_set",
    *[f"udf_string_{n}" for n in range(1, 9)],
    *[f"udf_float_{n}" for n in range(1, 5)],
    *[f"udf_date_{n}" for n in range(1, 5)],
    "log_information",
    # Part two: new read-only keys come after CRM.COM's own (contract section 8).
    "sla",
]


@pytest.fixture
def full(api, demo) -> dict:
    """A request created with every optional field given."""
    other = create(api, description="The other one")
    return create(
        api,
        contact_information_identifier=RELATIVE,
        caller_email="andreas@example.com",
        caller_phone="99000001",
        description="No signal",
        notes="Called twice",
        urgency_level="URGENCY1",
        impact_level="IMPACT1",
        owned_by_group_identifier={"name": "Main Group"},
        privacy_level_identifier={"number": "1"},
        assigned_to={"user_identifier": ADMIN},
        start_date="2030-01-01T10:00:00",
        estimated_completion_time={"time_period_value": 2, "time_period_uot": "DAYS"},
        referring_to={"subscription_identifier": {"number": "S60993"}},
        services_set=[{"product_identifier": {"code": "Material Delivery"}}],
        physical_goods_set=[{"product_identifier": {"code": "Decoders 1"}, "serial_number": "SN1"}],
        related_service_requests_set=[
            {"service_request_identifier": {"number": other["number"]}, "description": "Same"}
        ],
        udf_string_1="text",
        udf_float_2=2.5,
        udf_date_3="2030-02-01T08:30:00",
    )


def test_show_returns_every_field_in_order(api, full):
    response = show(api, full["number"])
    assert response.status_code == 200
    assert response.body["status"] == {"code": "OK", "message": "", "description": ""}
    assert list(response.data) == ALL_FIELDS
    assert response.data == full  # create answers with the same object


def test_show_values_of_a_full_request(api, full, demo):
    sr = sm.ServiceRequest.objects.get(number=full["number"])
    data = show(api, full["number"]).data
    assert data["id"] == sr.id
    assert data["number"] == sr.number
    assert data["life_cycle_state"] == "PENDING"
    assert data["type"] == {
        "id": sr.type_id,
        "name": "Technical Support",
        "alternative_code": "TS",
        "description": "Faults and technical questions",
    }
    assert data["status"] == {
        "id": sr.status_id,
        "name": "Pending",
        "alternative_code": "PEN",
        "description": None,
        "life_cycle_state": "PENDING",
    }
    assert data["category"] == {
        "id": sr.category_id,
        "name": "Technical Issue",
        "code": "TECH",
        "description": None,
        "requires_customer_acceptance": False,
    }
    assert data["accounts_receivable"]["number"] == "ACR001143"
    assert data["accounts_receivable"]["account_owner"]["demographics"]["id_number"] == "8945612"
    assert data["caller"]["id"] == "0D0D6C1F6A4B4F1E9D2C3B4A59687766"
    assert data["caller"]["name"] == "Anton Andreas"
    assert (data["caller_email"], data["caller_phone"]) == ("andreas@example.com", "99000001")
    assert (data["description"], data["notes"]) == ("No signal", "Called twice")
    assert (data["urgency_level"], data["impact_level"], data["priority"]) == (
        "URGENCY1",
        "IMPACT1",
        "P1",
    )
    assert data["owned_by_group"] == {
        "id": demo["group"].id,
        "name": "Main Group",
        "alternative_code": "MG1",
        "description": "Main Group",
        "community_name": "Internal Community",
    }
    assert data["privacy_level"] == {
        "id": demo["public"].id,
        "name": "Public",
        "number": 1,
        "description": "",
    }
    assert data["assigned_to"]["user"] == {
        "id": demo["admin"].id,
        "username": "MPAdministrator",
        "person_name": "Marios Lannister",
        "email": "sakkascy1986@hotmail.com",
    }
    assert data["assigned_to"]["unit"]["name"] == "Admin Unit"  # the user's default unit
    assert data["start_date"] == "2030-01-01T10:00:00"
    assert data["expected_completion_date"] == "2030-01-03T10:00:00"
    assert data["estimated_completion_time"] == {"time_period_value": 2, "time_period_uot": "DAYS"}
    assert data["time_overdue"] == NULL_PERIOD
    assert data["approaching_completion"] is None
    assert data["referring_to"]["job"] is None
    assert data["referring_to"]["subscription"]["number"] == "S60993"
    assert data["response"] is None
    assert data["temporary_resolution"] is None
    assert data["final_resolution"] is None
    assert data["cancellation_reason"] is None
    assert [(s["id"], s["product"]["code"]) for s in data["services_set"]] == [
        (sr.services.get().id, "Material Delivery")
    ]
    assert [
        (g["id"], g["product"]["code"], g["serial_number"]) for g in data["physical_goods_set"]
    ] == [(sr.physical_goods.get().id, "Decoders 1", "SN1")]
    relation = sr.relations.get()
    assert data["related_service_requests_set"] == [
        {
            "id": relation.id,
            "service_request": {
                "id": relation.related_id,
                "number": relation.related.number,
                "description": "The other one",
                "life_cycle_state": "PENDING",
                "type": data["type"],
                "status": data["status"],
                "start_date": format_datetime(relation.related.start_date),
                "expected_completion_date": format_datetime(
                    relation.related.start_date + timedelta(hours=72)
                ),
            },
            "description": "Same",
        }
    ]
    assert (data["udf_string_1"], data["udf_float_2"], data["udf_date_3"]) == (
        "text",
        2.5,
        "2030-02-01T08:30:00",
    )
    assert data["udf_string_2"] is None
    log = data["log_information"]
    assert log["created_by_user"]["username"] == "MPAdministrator"
    assert log["created_by_unit"]["name"] == "Admin Unit"
    assert log["created_date"] == log["updated_date"]


def test_show_by_id_in_any_case(api, demo):
    sr = make_sr()
    for value in (sr.id, sr.id.lower()):
        response = api.get("service_requests/show", {SR: f"id={value}", "fields_set": "id,number"})
        assert response.data == {"id": sr.id, "number": sr.number}


def test_show_fields_set_returns_exactly_those_keys(api, demo):
    sr = make_sr()
    response = show(api, sr.number, "number, life_cycle_state,priority,number")
    assert response.data == {"number": sr.number, "life_cycle_state": "PENDING", "priority": None}


def test_time_to_completion_and_overdue_are_computed_at_read_time(api, demo):
    now = timezone.now()
    due = make_sr(expected_completion_date=now + timedelta(days=5, hours=1))
    late = make_sr(expected_completion_date=now - timedelta(days=2, hours=1))
    closed = make_sr(S.COMPLETED, expected_completion_date=now - timedelta(days=2, hours=1))
    fields = "time_to_completion,time_overdue"
    assert show(api, due.number, fields).data == {
        "time_to_completion": {"time_period_value": 5, "time_period_uot": "DAYS"},
        "time_overdue": NULL_PERIOD,
    }
    assert show(api, late.number, fields).data == {
        "time_to_completion": NULL_PERIOD,
        "time_overdue": {"time_period_value": 2, "time_period_uot": "DAYS"},
    }
    assert show(api, closed.number, fields).data == {
        "time_to_completion": NULL_PERIOD,
        "time_overdue": NULL_PERIOD,
    }


def test_show_step_objects(api, demo):
    sr = make_sr(S.FINAL_RESOLVED, temporary="WORK", accepted=("temporary_resolution",))
    data = show(api, sr.number, "response,temporary_resolution,final_resolution").data
    date = data["response"]["response_date"]
    admin = {
        "id": demo["admin"].id,
        "username": "MPAdministrator",
        "person_name": "Marios Lannister",
    }
    assert data["response"] == {
        "category": {
            "id": sr.response_category_id,
            "name": "Acknowledged",
            "code": "ACK",
            "description": None,
            "requires_customer_acceptance": False,
        },
        "responded_by": admin,
        "response_date": date,
        "description": None,
        "accepted_by": None,
        "accepted_date": None,
    }
    temporary = data["temporary_resolution"]
    assert temporary["category"]["code"] == "WORK"
    assert temporary["category"]["requires_customer_acceptance"] is True
    assert temporary["temporary_resolved_by"] == admin
    assert temporary["temporary_resolution_date"] == date
    assert temporary["accepted_by"]["id"] == "EE621BE231714DFE8CE370261BF6DB25"
    assert temporary["accepted_date"] == date
    assert data["final_resolution"]["category"]["code"] == "RSLV"
    assert data["final_resolution"]["final_resolved_by"] == admin
    assert data["final_resolution"]["accepted_by"] is None


@pytest.mark.parametrize(
    ("params", "status", "code", "param"),
    [
        ({}, 400, "MISSING_MANDATORY_PARAMETER", SR),
        ({SR: "number=SR99999999"}, 404, "ENTITY_NOT_FOUND", SR),
        ({SR: "id=0123456789ABCDEF0123456789ABCDEF"}, 404, "ENTITY_NOT_FOUND", SR),
        ({SR: "code=SR1"}, 400, "INVALID_IDENTIFIER", SR),
        ({SR: "SR00000001"}, 400, "INVALID_IDENTIFIER", SR),
        (
            {SR: "number=SR00000001", "fields_set": "number,colour"},
            400,
            "INVALID_PARAMETER",
            "fields_set",
        ),
        ({SR: "number=SR00000001", "colour": "red"}, 400, "INVALID_PARAMETER", "colour"),
    ],
)
def test_show_errors(api, demo, params, status, code, param):
    make_sr()  # SR00000001
    assert_error(api.get("service_requests/show", params), status, code, param)


def test_show_identifier_with_two_keys_is_invalid(api, demo):
    sr = make_sr()
    response = api.get("service_requests/show", {SR: [f"number={sr.number}", f"id={sr.id}"]})
    assert_error(response, 400, "INVALID_IDENTIFIER", SR)


def test_show_without_token_is_invalid_token(anon_api, demo):
    sr = make_sr()
    assert_error(show(anon_api, sr.number), 401, "INVALID_TOKEN")


# -- list ---------------------------------------------------------------------------------------

ACCOUNT = "accounts_receivable_identifier"
CALLER = "caller_identifier"


@pytest.fixture
def callers(demo) -> dict[str, sm.ServiceRequest]:
    """Requests of ACR001143 (by its owner and by the related contact) and of ACR001179."""
    from customers.models import AccountsReceivable, Contact

    other = AccountsReceivable.objects.get(number="ACR001179")
    relative = Contact.objects.get(id_number="8945613")
    complaint = sm.ServiceRequestType.objects.get(name="Customer Complaint")
    rows = {}
    rows["owner"] = make_sr()
    rows["relative"] = make_sr(caller=relative)
    rows["other_account"] = make_sr(accounts_receivable=other, caller=other.owner)
    rows["complaint"] = make_sr(type=complaint)
    rows["billing"] = make_sr(category="BILL")
    return rows


def newest_first(rows: dict, *names: str) -> list[str]:
    """The numbers of ``names`` newest first (rows are created in the dict's order)."""
    return [rows[name].number for name in reversed(rows) if name in names]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({ACCOUNT: "number=ACR001143"}, ["owner", "relative", "complaint", "billing"]),
        ({ACCOUNT: "name=ACR001179"}, ["other_account"]),
        ({CALLER: "id_number=8945612"}, ["owner", "complaint", "billing"]),
        ({CALLER: "id_number=8945613"}, ["relative"]),
        ({CALLER: "id_number=2365485"}, ["other_account"]),
        (
            {ACCOUNT: "number=ACR001143", "type_identifier": "name=Customer Complaint"},
            ["complaint"],
        ),
        ({ACCOUNT: "number=ACR001143", "category_identifier": "code=BILL"}, ["billing"]),
        ({CALLER: "id_number=8945613", "category_identifier": "code=BILL"}, []),
    ],
)
def test_list_by_account_or_caller(api, callers, params, expected):
    response = api.get("service_requests/list", {**params, "fields_set": "number"})
    assert numbers(response) == newest_first(callers, *expected)
    assert all(list(row) == ["number"] for row in response.data)


@pytest.mark.parametrize(
    ("params", "status", "code", "param"),
    [
        ({}, 400, "MISSING_MANDATORY_PARAMETER", ACCOUNT),
        ({ACCOUNT: ""}, 400, "MISSING_MANDATORY_PARAMETER", ACCOUNT),
        (
            {ACCOUNT: "number=ACR001143", CALLER: "id_number=8945612"},
            400,
            "INVALID_PARAMETER",
            CALLER,
        ),
        ({ACCOUNT: "number=ACR000000"}, 404, "ENTITY_NOT_FOUND", ACCOUNT),
        ({CALLER: "id_number=0000000"}, 404, "ENTITY_NOT_FOUND", CALLER),
        ({CALLER: "number=1"}, 400, "INVALID_IDENTIFIER", CALLER),
        (
            {ACCOUNT: "number=ACR001143", "type_identifier": "name=Nope"},
            404,
            "ENTITY_NOT_FOUND",
            "type_identifier",
        ),
        ({ACCOUNT: "number=ACR001143", "state": "PENDING"}, 400, "INVALID_PARAMETER", "state"),
    ],
)
def test_list_errors(api, callers, params, status, code, param):
    assert_error(api.get("service_requests/list", params), status, code, param)


# -- the state lists ----------------------------------------------------------------------------


@pytest.fixture
def zoo(demo) -> dict[str, sm.ServiceRequest]:
    """One request per situation the list methods tell apart, oldest first."""
    now = timezone.now()
    past, soon, later = now - timedelta(days=2), now + timedelta(hours=1), now + timedelta(days=3)
    R, T, F = S.RESPONDED, S.TEMPORARY_RESOLVED, S.FINAL_RESOLVED
    rows = {}
    rows["pending"] = make_sr(expected_completion_date=later)
    rows["pending_overdue"] = make_sr(expected_completion_date=past)
    rows["pending_soon"] = make_sr(expected_completion_date=soon)
    rows["waiting"] = make_sr(
        status=sm.ServiceRequestStatus.objects.get(name="Waiting for Customer")
    )
    rows["responded_ack"] = make_sr(R)
    rows["responded_conf"] = make_sr(R, response="CONF")
    rows["responded_conf_accepted"] = make_sr(R, response="CONF", accepted=("response",))
    rows["responded_complaint"] = make_sr(R, category="COMP")
    rows["responded_complaint_accepted"] = make_sr(R, category="COMP", accepted=("response",))
    rows["responded_overdue"] = make_sr(R, expected_completion_date=past)
    rows["temporary_tfix"] = make_sr(T)
    rows["temporary_work"] = make_sr(T, temporary="WORK")
    rows["temporary_work_accepted"] = make_sr(
        T, temporary="WORK", accepted=("temporary_resolution",)
    )
    rows["temporary_complaint"] = make_sr(T, category="COMP", accepted=("response",))
    rows["temporary_soon"] = make_sr(T, expected_completion_date=soon)
    rows["final_rslv"] = make_sr(F)
    rows["final_rpc"] = make_sr(F, final="RPC")
    rows["final_rpc_accepted"] = make_sr(F, final="RPC", accepted=("final_resolution",))
    rows["final_complaint"] = make_sr(F, category="COMP", accepted=("response",))
    rows["final_overdue"] = make_sr(F, expected_completion_date=past)
    rows["completed"] = make_sr(S.COMPLETED)
    rows["completed_overdue"] = make_sr(S.COMPLETED, expected_completion_date=past)
    rows["completed_soon"] = make_sr(S.COMPLETED, expected_completion_date=soon)
    rows["cancelled"] = make_sr(S.CANCELLED)
    rows["cancelled_overdue"] = make_sr(S.CANCELLED, expected_completion_date=past)
    rows["cancelled_soon"] = make_sr(S.CANCELLED, expected_completion_date=soon)
    return rows


def of_state(rows: dict, prefix: str) -> list[str]:
    return [name for name in rows if name.startswith(prefix)]


STATE_LISTS = {
    "get_pending": lambda z: [*of_state(z, "pending"), "waiting"],
    "get_responded": lambda z: of_state(z, "responded"),
    # Pending acceptance follows the step's own category only (seed 000), never the
    # request's category ("complaint" rows with an ACK response are not pending).
    "get_responded_pending_acceptance": lambda z: ["responded_conf"],
    "get_temporary_resolved": lambda z: of_state(z, "temporary"),
    "get_temporary_resolved_pending_acceptance": lambda z: ["temporary_work"],
    "get_final_resolved": lambda z: of_state(z, "final"),
    "get_final_resolved_pending_acceptance": lambda z: ["final_rpc"],
    "get_completed": lambda z: of_state(z, "completed"),
    "get_cancelled": lambda z: of_state(z, "cancelled"),
    "get_overdue": lambda z: ["pending_overdue", "responded_overdue", "final_overdue"],
}


@pytest.mark.parametrize("method", list(STATE_LISTS))
def test_state_list_membership_newest_first(api, zoo, method):
    response = api.get(f"service_requests/{method}", {"fields_set": "number,life_cycle_state"})
    assert numbers(response) == newest_first(zoo, *STATE_LISTS[method](zoo))


@pytest.mark.parametrize(
    ("period", "uot", "expected"),
    [
        ("2", "HOURS", ["pending_soon", "temporary_soon"]),
        ("30", "MINUTES", []),
        ("4", "DAYS", ["pending", "pending_soon", "temporary_soon"]),
        ("1", "weeks", ["pending", "pending_soon", "temporary_soon"]),
        ("0", "HOURS", []),
    ],
)
def test_close_to_estimated_completion_time(api, zoo, period, uot, expected):
    response = api.get(
        "service_requests/get_close_to_estimated_completion_time",
        {"period": period, "uot": uot, "fields_set": "number"},
    )
    assert numbers(response) == newest_first(zoo, *expected)


@pytest.mark.parametrize(
    ("params", "status", "code", "param"),
    [
        ({"uot": "HOURS"}, 400, "MISSING_MANDATORY_PARAMETER", "period"),
        ({"period": "2"}, 400, "MISSING_MANDATORY_PARAMETER", "uot"),
        ({"period": "2", "uot": "SECONDS"}, 400, "INVALID_PARAMETER", "uot"),
        ({"period": "two", "uot": "HOURS"}, 400, "INVALID_PARAMETER", "period"),
        ({"period": "-1", "uot": "HOURS"}, 400, "INVALID_PARAMETER", "period"),
        (
            {"period": "2", "uot": "HOURS", CALLER: "id_number=8945612"},
            400,
            "INVALID_PARAMETER",
            CALLER,
        ),
    ],
)
def test_close_to_estimated_completion_time_errors(api, demo, params, status, code, param):
    response = api.get("service_requests/get_close_to_estimated_completion_time", params)
    assert_error(response, status, code, param)


@pytest.mark.parametrize("uot", ["YEARS", "MONTHS"])
def test_close_to_estimated_completion_time_beyond_the_calendar(api, demo, uot):
    # A period past the calendar: every open request due from now on is close enough.
    due = make_service_request(expected_completion_date=timezone.now() + timedelta(days=4000))
    make_service_request(expected_completion_date=timezone.now() - timedelta(hours=1))
    response = api.get(
        "service_requests/get_close_to_estimated_completion_time",
        {"period": "100000", "uot": uot, "fields_set": "number"},
    )
    assert response.status_code == 200
    assert response.data == [{"number": due.number}]


def test_close_to_estimated_completion_time_filters(api, zoo):
    from customers.models import AccountsReceivable

    other = AccountsReceivable.objects.get(number="ACR001179")
    soon = timezone.now() + timedelta(hours=1)
    mine = make_sr(
        accounts_receivable=other,
        caller=other.owner,
        type=sm.ServiceRequestType.objects.get(name="Customer Complaint"),
        expected_completion_date=soon,
    )
    method = "service_requests/get_close_to_estimated_completion_time"
    base = {"period": "2", "uot": "HOURS", "fields_set": "number"}
    assert numbers(api.get(method, {**base, ACCOUNT: "number=ACR001179"})) == [mine.number]
    assert numbers(api.get(method, {**base, "type_identifier": "alternative_code=CC"})) == [
        mine.number
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({ACCOUNT: "number=ACR001179"}, ["other_account"]),
        ({CALLER: "id_number=8945613"}, ["relative"]),
        ({"type_identifier": "name=Customer Complaint"}, ["complaint"]),
        ({"category_identifier": "code=BILL"}, ["billing"]),
        ({"category_identifier": "code=COMP"}, []),
        ({}, ["owner", "relative", "other_account", "complaint", "billing"]),
    ],
)
def test_state_lists_take_optional_filters(api, callers, params, expected):
    response = api.get("service_requests/get_pending", {**params, "fields_set": "number"})
    assert numbers(response) == newest_first(callers, *expected)


@pytest.mark.parametrize("method", ["list", "get_pending", "get_overdue"])
@pytest.mark.parametrize(
    ("paging", "expected"),
    [
        ({}, [4, 3, 2, 1, 0]),
        ({"number_of_results": "2"}, [4, 3]),
        ({"number_of_results": "2", "offset": "1"}, [3, 2]),
        ({"offset": "3"}, [1, 0]),
        ({"offset": "5"}, []),
        ({"number_of_results": "500"}, [4, 3, 2, 1, 0]),
    ],
)
def test_lists_are_paged_newest_first(api, demo, method, paging, expected):
    past = timezone.now() - timedelta(days=1)
    rows = [make_sr(expected_completion_date=past) for _ in range(5)]
    params = {**paging, "fields_set": "number"}
    if method == "list":
        params[ACCOUNT] = "number=ACR001143"
    response = api.get(f"service_requests/{method}", params)
    assert numbers(response) == [rows[i].number for i in expected]


@pytest.mark.parametrize(
    ("paging", "param"),
    [
        ({"number_of_results": "0"}, "number_of_results"),
        ({"number_of_results": "501"}, "number_of_results"),
        ({"number_of_results": "ten"}, "number_of_results"),
        ({"offset": "-1"}, "offset"),
        ({"fields_set": "number,colour"}, "fields_set"),
        ({"state": "PENDING"}, "state"),
    ],
)
@pytest.mark.parametrize("method", [*STATE_LISTS, "list"])
def test_list_parameter_errors(api, demo, method, paging, param):
    params = dict(paging)
    if method == "list":
        params[ACCOUNT] = "number=ACR001143"
    assert_error(api.get(f"service_requests/{method}", params), 400, "INVALID_PARAMETER", param)


def test_lists_return_the_whole_object_without_fields_set(api, demo):
    sr = make_sr()
    response = api.get("service_requests/get_pending")
    assert [list(row) for row in response.data] == [ALL_FIELDS]
    assert response.data[0] == show(api, sr.number).data
