"""Every set action of ``jobs/deactivate_subscription/update`` in the states that allow it and
in those that refuse it (nothing changes), how rows are identified, mandatory items, and
what the type allows."""

from __future__ import annotations

import pytest

from jobs.models import JobLifeCycleState as S
from jobs.models import JobTypeExpense, JobTypePhysicalGood
from products.models import Product
from tests.factories import ProductFactory
from tests.jobs.conftest import UPDATE, job_ref, snapshot

pytestmark = pytest.mark.django_db

REQUESTED_STATES = [S.DRAFT, S.PENDING]
PROVIDED_STATES = [S.IN_PROGRESS]
ALL = [S.DRAFT, S.PENDING, S.IN_PROGRESS, S.COMPLETED, S.CANCELLED]


@pytest.fixture
def optional_expense(demo):
    """An expense the type allows without requiring it (the demo's Expence 2 is mandatory)."""
    product = ProductFactory(code="Expence 3")
    JobTypeExpense.objects.create(
        type_id="40F231681B984DA28EDBDA8B698E229E", product=product, mandatory=False
    )
    return product


def codes(data: dict, name: str) -> list:
    return sorted(item["product"]["code"] for item in data[name])


def update(api, job, **sets):
    return api.post(UPDATE, {**job_ref(job), **sets})


# (set, ADD element, product code it adds, a REMOVE element of an existing item)
ADDS = {
    "requested_physical_goods_set": {
        "action": "ADD",
        "product_identifier": {"code": "Decoders 1"},
        "quantity": 3,
        "notes": "Two rooms",
    },
    "requested_expenses_set": {"action": "ADD", "product_identifier": {"code": "Expence 3"}},
    "requested_activity_services_set": {
        "action": "ADD",
        "activity_type_identifier": {"name": "Meeting"},
        "product_identifier": {"code": "MFee"},
    },
    "physical_goods_set": {
        "action": "ADD",
        "product_identifier": {"code": "Decoders 1"},
        "quantity": 1,
    },
    "expenses_set": {"action": "ADD", "product_identifier": {"code": "Expence 2"}},
}
EDITABLE = {
    "requested_physical_goods_set": REQUESTED_STATES,
    "requested_expenses_set": REQUESTED_STATES,
    "requested_activity_services_set": REQUESTED_STATES,
    "physical_goods_set": PROVIDED_STATES,
    "expenses_set": PROVIDED_STATES,
}
CASES = [(name, state) for name in ADDS for state in ALL]


@pytest.mark.parametrize(("name", "state"), CASES)
def test_add_in_every_state(api, make_job, optional_expense, name, state):
    job = make_job(state)
    before = snapshot(job)
    response = update(api, job, **{name: [ADDS[name]]})
    if state in EDITABLE[name]:
        assert response.code == "OK", response.body
        added = ADDS[name]["product_identifier"]["code"]
        earlier = before_items(before, name)
        assert codes(response.data, name) == sorted([*earlier, added])
    elif state in (S.COMPLETED, S.CANCELLED):
        assert response.code == "INVALID_LIFE_CYCLE_STATE"
        assert response.description.startswith("job_identifier:")
        assert snapshot(job) == before
    else:
        assert (response.status_code, response.code) == (409, "INVALID_LIFE_CYCLE_STATE")
        assert response.description.startswith(f"{name}:")
        assert snapshot(job) == before


def before_items(before: dict, name: str) -> list:
    relation = name.removesuffix("_set")
    return [Product.objects.get(pk=row["product_id"]).code for row in before[relation]]


@pytest.mark.parametrize("state", REQUESTED_STATES)
def test_requested_good_added_with_quantity_and_notes(api, make_job, state):
    job = make_job(state)
    data = update(api, job, requested_physical_goods_set=[ADDS["requested_physical_goods_set"]])
    goods = {g["product"]["code"]: g for g in data.data["requested_physical_goods_set"]}
    assert (goods["Decoders 1"]["quantity"], goods["Decoders 1"]["notes"]) == (3, "Two rooms")
    assert (goods["Antenna 1"]["quantity"], goods["Antenna 1"]["notes"]) == (2, None)


def test_requested_good_quantity_defaults_to_one(api, make_job):
    job = make_job("DRAFT")
    add = {"action": "ADD", "product_identifier": {"code": "Decoders 1"}}
    data = update(api, job, requested_physical_goods_set=[add]).data
    goods = {g["product"]["code"]: g["quantity"] for g in data["requested_physical_goods_set"]}
    assert goods == {"Antenna 1": 2, "Decoders 1": 1}


# -- REMOVE -------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", REQUESTED_STATES)
@pytest.mark.parametrize("by", ["id", "product"])
def test_remove_requested_good(api, make_job, state, by):
    job = make_job(state)
    row = job.requested_physical_goods.get()
    key = {"id": row.pk} if by == "id" else {"product_identifier": {"code": "Antenna 1"}}
    remove = {"action": "REMOVE", "job_requested_physical_good_identifier": key}
    data = update(api, job, requested_physical_goods_set=[remove]).data
    assert data["requested_physical_goods_set"] == []


@pytest.mark.parametrize("state", REQUESTED_STATES)
def test_remove_requested_expense(api, make_job, optional_expense, state):
    job = make_job(state)
    add = {"action": "ADD", "product_identifier": {"code": "Expence 3"}}
    update(api, job, requested_expenses_set=[add])
    key = {"product_identifier": {"alternative_code": optional_expense.alternative_code}}
    remove = {"action": "REMOVE", "job_requested_expense_identifier": key}
    data = update(api, job, requested_expenses_set=[remove]).data
    assert codes(data, "requested_expenses_set") == ["Expence 2"]


def test_removing_a_mandatory_requested_item_keeps_it(api, make_job):
    job = make_job("PENDING")
    row = job.requested_expenses.get()
    key = {"id": row.pk}
    remove = {"action": "REMOVE", "job_requested_expense_identifier": key}
    data = update(api, job, requested_expenses_set=[remove]).data
    assert [e["id"] for e in data["requested_expenses_set"]] == [row.pk]


@pytest.mark.parametrize("state", REQUESTED_STATES)
def test_remove_requested_activity_service_by_id(api, make_job, state):
    job = make_job(state)
    row = job.requested_activity_services.get()
    remove = {"action": "REMOVE", "job_requested_activity_service_identifier": {"id": row.pk}}
    data = update(api, job, requested_activity_services_set=[remove]).data
    assert data["requested_activity_services_set"] == []


def test_requested_activity_service_is_identified_by_id_only(api, make_job):
    job = make_job("DRAFT")
    key = {"product_identifier": {"code": "MFee"}}
    remove = {"action": "REMOVE", "job_requested_activity_service_identifier": key}
    response = update(api, job, requested_activity_services_set=[remove])
    assert response.code == "INVALID_IDENTIFIER"


@pytest.mark.parametrize("by", ["id", "product"])
def test_remove_provided_good_and_expense(api, make_job, by):
    job = make_job("IN_PROGRESS")
    update(api, job, physical_goods_set=[ADDS["physical_goods_set"]])
    update(api, job, expenses_set=[ADDS["expenses_set"]])
    good, expense = job.physical_goods.get(), job.expenses.get()
    if by == "id":
        keys = {"id": good.pk}, {"id": expense.pk.lower()}  # ids in any case
    else:
        keys = (
            {"product_identifier": {"code": "Decoders 1"}},
            {"product_identifier": {"code": "Expence 2"}},
        )
    data = update(
        api,
        job,
        physical_goods_set=[{"action": "remove", "job_physical_good_identifier": keys[0]}],
        expenses_set=[{"action": "Remove", "job_expense_identifier": keys[1]}],
    ).data
    assert (data["physical_goods_set"], data["expenses_set"]) == ([], [])


@pytest.mark.parametrize(("name", "state"), [(n, s) for n in EDITABLE for s in ALL])
def test_remove_in_every_state(api, make_job, name, state):
    job = make_job(state)
    kind = {
        "requested_physical_goods_set": "job_requested_physical_good",
        "requested_expenses_set": "job_requested_expense",
        "requested_activity_services_set": "job_requested_activity_service",
        "physical_goods_set": "job_physical_good",
        "expenses_set": "job_expense",
    }[name]
    relation = name.removesuffix("_set")
    row = getattr(job, relation).first()
    remove = {"action": "REMOVE", f"{kind}_identifier": {"id": row.pk if row else "0" * 32}}
    before = snapshot(job)
    response = update(api, job, **{name: [remove]})
    if state not in EDITABLE[name]:
        assert response.code == "INVALID_LIFE_CYCLE_STATE"
        assert snapshot(job) == before
    elif row is None:  # nothing provided yet: no such row
        assert (response.code, response.description.split(":")[0]) == (
            "ENTITY_NOT_FOUND",
            f"{name}[0].{kind}_identifier",
        )
        assert snapshot(job) == before
    else:
        assert response.code == "OK"
        mandatory = name == "requested_expenses_set"
        assert len(response.data[name]) == (1 if mandatory else 0)


def test_remove_of_a_row_of_another_job_is_not_found(api, make_job):
    job, other = make_job("DRAFT"), make_job("DRAFT")
    row = other.requested_physical_goods.get()
    remove = {"action": "REMOVE", "job_requested_physical_good_identifier": {"id": row.pk}}
    before = snapshot(job), snapshot(other)
    response = update(api, job, requested_physical_goods_set=[remove])
    assert response.code == "ENTITY_NOT_FOUND"
    assert (snapshot(job), snapshot(other)) == before


def test_an_ambiguous_product_key_is_an_invalid_identifier(api, make_job):
    job = make_job("IN_PROGRESS")
    update(api, job, physical_goods_set=[ADDS["physical_goods_set"]] * 2)
    assert job.physical_goods.count() == 2
    before = snapshot(job)
    key = {"product_identifier": {"code": "Decoders 1"}}
    remove = {"action": "REMOVE", "job_physical_good_identifier": key}
    response = update(api, job, physical_goods_set=[remove])
    assert response.code == "INVALID_IDENTIFIER"
    assert response.description.startswith("physical_goods_set[0].job_physical_good_identifier:")
    assert snapshot(job) == before


# -- UPDATE (expenses_set only) ----------------------------------------------------------------


def test_update_an_expense(api, make_job, optional_expense):
    job = make_job("IN_PROGRESS")
    update(api, job, expenses_set=[ADDS["expenses_set"]])
    expense = job.expenses.get()
    change = {
        "action": "UPDATE",
        "job_expense_identifier": {"id": expense.pk},
        "product_identifier": {"code": "Expence 3"},
    }
    data = update(api, job, expenses_set=[change]).data
    assert [(e["id"], e["product"]["code"]) for e in data["expenses_set"]] == [
        (expense.pk, "Expence 3")
    ]


def test_update_is_not_an_action_of_the_other_sets(api, make_job):
    job = make_job("DRAFT")
    row = job.requested_physical_goods.get()
    change = {
        "action": "UPDATE",
        "job_requested_physical_good_identifier": {"id": row.pk},
        "quantity": 5,
    }
    response = update(api, job, requested_physical_goods_set=[change])
    assert response.code == "INVALID_PARAMETER"
    assert response.description.startswith("requested_physical_goods_set[0].action:")


# -- what the type allows, atomicity, malformed elements ----------------------------------------


@pytest.mark.parametrize(
    ("name", "state", "element"),
    [
        ("requested_physical_goods_set", S.DRAFT, {"product_identifier": {"code": "MFee"}}),
        ("requested_expenses_set", S.PENDING, {"product_identifier": {"code": "Antenna 1"}}),
        (
            "requested_activity_services_set",
            S.DRAFT,
            {
                "activity_type_identifier": {"name": "Meeting"},
                "product_identifier": {"code": "Expence 2"},
            },
        ),
        (
            "physical_goods_set",
            S.IN_PROGRESS,
            {"product_identifier": {"code": "Material Delivery"}, "quantity": 1},
        ),
        ("expenses_set", S.IN_PROGRESS, {"product_identifier": {"code": "Decoders 1"}}),
    ],
)
def test_items_the_type_does_not_allow(api, make_job, name, state, element):
    job = make_job(state)
    before = snapshot(job)
    response = update(api, job, **{name: [{"action": "ADD", **element}]})
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert response.description.startswith(f"{name}[0]:")
    assert snapshot(job) == before


def test_a_requested_good_once_per_product(api, make_job):
    job = make_job("DRAFT")
    before = snapshot(job)
    add = {"action": "ADD", "product_identifier": {"code": "Antenna 1"}}
    response = update(api, job, requested_physical_goods_set=[add])
    assert response.code == "VALIDATION_ERROR"
    assert snapshot(job) == before


def test_a_failing_element_undoes_the_whole_update(api, make_job):
    job = make_job("DRAFT")
    before = snapshot(job)
    response = update(
        api,
        job,
        description="changed",
        requested_physical_goods_set=[
            ADDS["requested_physical_goods_set"],
            {"action": "ADD", "product_identifier": {"code": "MFee"}},
        ],
    )
    assert response.code == "VALIDATION_ERROR"
    assert response.description.startswith("requested_physical_goods_set[1]:")
    assert snapshot(job) == before


@pytest.mark.parametrize(
    ("element", "code", "param"),
    [
        (
            {"product_identifier": {"code": "Decoders 1"}},
            "MISSING_MANDATORY_PARAMETER",
            "[0].action",
        ),
        ({"action": "MOVE"}, "INVALID_PARAMETER", "[0].action"),
        ({"action": "ADD"}, "MISSING_MANDATORY_PARAMETER", "[0].product_identifier"),
        (
            {"action": "ADD", "product_identifier": {"code": "Decoders 1"}, "quantity": 0},
            "INVALID_PARAMETER",
            "[0].quantity",
        ),
        (
            {"action": "REMOVE"},
            "MISSING_MANDATORY_PARAMETER",
            "[0].job_requested_physical_good_identifier",
        ),
        (
            {"action": "REMOVE", "product_identifier": {"code": "Decoders 1"}},
            "INVALID_PARAMETER",
            "[0].product_identifier",
        ),
        (
            {"action": "ADD", "product_identifier": {"code": "Nope"}},
            "ENTITY_NOT_FOUND",
            "[0].product_identifier",
        ),
    ],
)
def test_malformed_elements(api, make_job, element, code, param):
    job = make_job("DRAFT")
    before = snapshot(job)
    response = update(api, job, requested_physical_goods_set=[element])
    assert response.code == code
    assert response.description.startswith(f"requested_physical_goods_set{param}")
    assert snapshot(job) == before


def test_an_empty_set_changes_nothing(api, make_job):
    job = make_job("IN_PROGRESS")
    response = update(api, job, requested_physical_goods_set=[])
    assert response.code == "OK"
    assert codes(response.data, "requested_physical_goods_set") == ["Antenna 1"]


# -- create -------------------------------------------------------------------------------------


def test_create_adds_the_types_mandatory_items(api):
    from tests.jobs.conftest import CREATE, create_body

    JobTypePhysicalGood.objects.filter(product__code="Decoders 1").update(mandatory=True)
    data = api.post(CREATE, create_body()).data
    assert codes(data, "requested_physical_goods_set") == ["Decoders 1"]
    assert data["requested_physical_goods_set"][0]["quantity"] == 1
    assert codes(data, "requested_expenses_set") == ["Expence 2"]
    assert data["requested_activity_services_set"] == []


def test_create_refuses_what_the_type_does_not_allow_and_duplicates(api):
    from jobs.models import Job
    from tests.jobs.conftest import CREATE, create_body

    count = Job.objects.count()
    antenna = {"product_identifier": {"code": "Antenna 1"}}
    for goods, param in [
        ([{"product_identifier": {"code": "MFee"}}], "requested_physical_goods_set[0]"),
        ([antenna, antenna], "requested_physical_goods_set[1]"),
    ]:
        response = api.post(CREATE, create_body(requested_physical_goods_set=goods))
        assert response.code == "VALIDATION_ERROR"
        assert response.description.startswith(f"{param}:")
    assert Job.objects.count() == count
