"""``service_requests/list`` and every ``get_*`` list through real requests: who is in each
list, the optional filters, newest first, paging, the parameter errors and the whole object
without ``fields_set`` (contract sections 2 and 3, reference section 2.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from servicerequests import models as sm
from tests.factories import make_service_request
from tests.servicerequests.helpers import (
    ACCOUNT,
    ALL_FIELDS,
    S,
    assert_error,
    make_sr,
    numbers,
    show,
)

pytestmark = pytest.mark.django_db

# -- list ---------------------------------------------------------------------------------------

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


def test_lists_return_the_whole_object_without_fields_set(api, demo, monkeypatch):
    sr = make_sr()
    # The sla object and time_to_completion count to the second from now: both calls read
    # the same moment, or a second ticking between them makes the two differ.
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    response = api.get("service_requests/get_pending")
    assert [list(row) for row in response.data] == [ALL_FIELDS]
    assert response.data[0] == show(api, sr.number).data
