"""Query counts of ``service_requests/show`` and every list method (issue 3, "Performance"):
constant whatever the number of rows and the size of their sets, a narrow ``fields_set``
joins nothing it does not return, and no list counts rows."""

from __future__ import annotations

import re
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import AccountsReceivable, Contact, Subscription
from products.models import Product
from servicerequests import models as sm
from tests.servicerequests.helpers import SR, S, make_job, make_sr
from tests.servicerequests.test_api_visibility import LISTS

pytestmark = pytest.mark.django_db

SR_TABLE = "servicerequests_servicerequest"
# token + clearance levels + the requests + services, goods and relations prefetches
# Token, clearance, the requests, three sets; then the nested objects fetched apart rather
# than joined (see crm.api.representation.Nested): the account and its owner, the caller,
# the three acceptors, the subscription referred to with its account and owner, the job
# referred to, and the assigned, creating and updating units. One query each at most, and
# none for a kind no row of the page has (which depends on the rows' states, not their
# number).
FULL_QUERIES = 6
APART = 12  # ... and the referred job's assigned unit
NARROW_QUERIES = 3  # token + clearance levels + the requests
AGENT_EXTRA = 3  # the agent's permissions (user, role) and groups; a superuser needs neither
# Identifier parameters are resolved first, one query each: list takes the account.
RESOLVE = {"list": 1}
# Joins a list needs for its filter, not for what it returns.
# The pending-acceptance lists join the step's category, whose flag decides (seed 000).
FILTER_JOINS = {
    "get_responded_pending_acceptance": {"servicerequests_responsecategory"},
    "get_temporary_resolved_pending_acceptance": {"servicerequests_temporaryresolutioncategory"},
    "get_final_resolved_pending_acceptance": {"servicerequests_finalresolutioncategory"},
}
PENDING_ACCEPTANCE = set(FILTER_JOINS)


def nested(demo, method: str | None) -> dict:
    """Every nested object a request can carry, set (acceptances unless a pending-acceptance
    list must still list the row)."""
    values = {
        "owned_by_group": demo["group"],
        "privacy_level": demo["public"],
        "assigned_to_user": demo["admin"],
        "assigned_to_unit": demo["unit"],
        "created_by_unit": demo["unit"],
        "updated_by_unit": demo["unit"],
        "referring_to_subscription": Subscription.objects.get(number="S60993"),
        "referring_to_job": make_job(),
        "cancellation_reason": sm.CancellationReason.objects.get(alternative_code="CRA"),
        "description": "Row",
    }
    if method not in PENDING_ACCEPTANCE:
        values["accepted"] = ("response", "temporary_resolution", "final_resolution")
    return values


def populate(demo, method: str | None, count: int, first: sm.ServiceRequest | None = None):
    """``count`` requests that ``method`` lists, each with a service, two goods and a
    relation; the first one made through the factory, the others cloned in bulk."""
    arguments = LISTS[method][0]() if method else {}
    new = []
    if first is None:
        first = make_sr(**arguments, **nested(demo, method))
        new, count = [first], count - 1
    skip = {"id", "number"}
    values = {
        f.attname: getattr(first, f.attname)
        for f in sm.ServiceRequest._meta.concrete_fields
        if f.name not in skip
    }
    rows = [sm.ServiceRequest(**values, number=f"{first.number}-{i:03d}") for i in range(count)]
    sm.ServiceRequest.objects.bulk_create(rows)
    add_sets([*new, *rows], related_to=first)
    return first


def add_sets(rows, *, related_to: sm.ServiceRequest) -> None:
    service = Product.objects.get(code="Material Delivery")
    good = Product.objects.get(code="Decoders 1")
    sm.ServiceRequestService.objects.bulk_create(
        sm.ServiceRequestService(service_request=r, product=service) for r in rows
    )
    sm.ServiceRequestPhysicalGood.objects.bulk_create(
        sm.ServiceRequestPhysicalGood(service_request=r, product=good, serial_number=f"S{i}")
        for r in rows
        for i in range(2)
    )
    sm.ServiceRequestRelation.objects.bulk_create(
        sm.ServiceRequestRelation(service_request=r, related=related_to, description="Seen")
        for r in rows
        if r.pk != related_to.pk
    )


def stranger(method: str) -> sm.ServiceRequest:
    """A request of ACR001179 that ``method`` does not list: the first row relates to it."""
    other = AccountsReceivable.objects.get(number="ACR001179")
    state = S.COMPLETED if method == "get_cancelled" else S.CANCELLED
    return make_sr(state, accounts_receivable=other, caller=other.owner)


def measure(api, method: str, params: dict):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"service_requests/{method}", params)
    assert response.status_code == 200, response.body
    return response, [q["sql"] for q in queries.captured_queries]


def main_query(sqls: list[str]) -> str:
    (sql,) = [s for s in sqls if re.search(rf'FROM "{SR_TABLE}"', s)]
    return sql


def joined_tables(sql: str) -> set[str]:
    return set(re.findall(r'JOIN "(\w+)"', sql))


# -- every list method --------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(LISTS))
def test_list_query_count_is_the_same_for_1_and_200_rows(api, agent_api, demo, method):
    params = {**LISTS[method][1], "number_of_results": "500"}
    first = make_sr(**LISTS[method][0](), **nested(demo, method))
    add_sets([first], related_to=stranger(method))

    one, one_sql = measure(api, method, params)
    assert [row["number"] for row in one.data] == [first.number]
    assert one.data[0]["services_set"]
    assert one.data[0]["related_service_requests_set"]
    assert len(one.data[0]["physical_goods_set"]) == 2
    agent_one, agent_one_sql = measure(agent_api, method, params)
    assert len(agent_one.data) == 1

    populate(demo, method, 200, first=first)
    many, many_sql = measure(api, method, params)
    assert len(many.data) == 201
    assert all(len(row["physical_goods_set"]) == 2 for row in many.data)
    page, page_sql = measure(api, method, LISTS[method][1])
    assert len(page.data) == 50  # the default page
    agent_many, agent_many_sql = measure(agent_api, method, params)
    assert len(agent_many.data) == 201

    full = FULL_QUERIES + RESOLVE.get(method, 0)
    assert len(one_sql) == len(many_sql) == len(page_sql)
    assert full <= len(one_sql) <= full + APART
    assert len(agent_one_sql) == len(agent_many_sql) == len(one_sql) + AGENT_EXTRA
    for sql in [*many_sql, *agent_many_sql]:
        assert "COUNT(" not in sql.upper()


@pytest.mark.parametrize("method", list(LISTS))
def test_list_narrow_fields_set_joins_nothing_it_does_not_return(api, demo, method):
    populate(demo, method, 3)
    params = {**LISTS[method][1], "fields_set": "id,number,life_cycle_state"}
    response, sqls = measure(api, method, params)
    assert [list(row) for row in response.data] == [["id", "number", "life_cycle_state"]] * 3
    assert len(sqls) == NARROW_QUERIES + RESOLVE.get(method, 0)
    sql = main_query(sqls)
    assert joined_tables(sql) == FILTER_JOINS.get(method, set())
    # Only the columns asked for (and what ordering needs), not the whole row.
    assert '"udf_string_1"' not in sql
    assert '"description"' not in sql


@pytest.mark.parametrize("method", list(LISTS))
def test_list_fields_set_joins_only_the_nested_objects_it_returns(api, demo, method):
    populate(demo, method, 3)
    params = {**LISTS[method][1], "fields_set": "number,type,services_set"}
    response, sqls = measure(api, method, params)
    assert all(row["type"]["name"] == "Technical Support" for row in response.data)
    assert all(len(row["services_set"]) == 1 for row in response.data)
    assert len(sqls) == NARROW_QUERIES + RESOLVE.get(method, 0) + 1  # + services prefetch
    sql = main_query(sqls)
    expected = {"servicerequests_servicerequesttype"} | FILTER_JOINS.get(method, set())
    assert joined_tables(sql) == expected


@pytest.mark.parametrize("method", ["list", "get_pending", "get_completed"])
def test_a_deep_page_picks_its_ids_first_then_joins_only_them(api, demo, method):
    populate(demo, method, 201)
    params = {**LISTS[method][1], "number_of_results": "50"}
    top, top_sql = measure(api, method, params)
    deep, deep_sql = measure(api, method, {**params, "offset": "150"})
    whole, _ = measure(api, method, {**params, "number_of_results": "500"})

    assert [row["number"] for row in deep.data] == [row["number"] for row in whole.data[150:200]]
    assert [row["number"] for row in top.data] == [row["number"] for row in whole.data[:50]]
    for row in deep.data:
        assert row["type"]["name"]
        assert len(row["physical_goods_set"]) == 2
    # One query more than the first page, whatever the offset: the page's ids.
    assert len(deep_sql) == len(top_sql) + 1
    ids, rows = [s for s in deep_sql if re.search(rf'FROM "{SR_TABLE}"', s)]
    assert "OFFSET 150" in ids
    assert joined_tables(ids) == FILTER_JOINS.get(method, set())
    assert "OFFSET" not in rows
    assert "servicerequests_servicerequesttype" in joined_tables(rows)


# -- show ---------------------------------------------------------------------------------------


def test_show_query_count_is_constant(api, agent_api, demo):
    shown, target = make_sr(**nested(demo, None)), stranger("show")
    add_sets([shown], related_to=target)
    params = {SR: f"number={shown.number}"}

    one, one_sql = measure(api, "show", params)
    assert one.data["number"] == shown.number
    _agent_one, agent_one_sql = measure(agent_api, "show", params)

    # 200 other requests with their sets, and 200 more goods and relations on the shown one.
    populate(demo, None, 200)
    others = list(sm.ServiceRequest.objects.exclude(pk=shown.pk))
    sm.ServiceRequestPhysicalGood.objects.bulk_create(
        sm.ServiceRequestPhysicalGood(service_request=shown, product_id=g.product_id)
        for g in sm.ServiceRequestPhysicalGood.objects.exclude(service_request=shown)[:200]
    )
    sm.ServiceRequestRelation.objects.bulk_create(
        sm.ServiceRequestRelation(service_request=shown, related=other)
        for other in others
        if other.pk != target.pk
    )
    many, many_sql = measure(api, "show", params)
    assert len(many.data["physical_goods_set"]) == 202
    assert len(many.data["related_service_requests_set"]) == len(others)
    _agent_many, agent_many_sql = measure(agent_api, "show", params)

    assert len(one_sql) == len(many_sql)
    assert FULL_QUERIES <= len(one_sql) <= FULL_QUERIES + APART
    assert len(agent_one_sql) == len(agent_many_sql) == len(one_sql) + AGENT_EXTRA


@pytest.mark.parametrize(
    ("fields_set", "queries", "joins"),
    [
        ("id,number", NARROW_QUERIES, set()),
        ("number,priority,time_overdue,estimated_completion_time", NARROW_QUERIES, set()),
        ("number,status", NARROW_QUERIES, {"servicerequests_servicerequeststatus"}),
        # The caller comes in a query of its own (with its countries), not a join.
        ("number,caller", NARROW_QUERIES + 1, set()),
        ("number,physical_goods_set", NARROW_QUERIES + 1, set()),
        ("related_service_requests_set,services_set", NARROW_QUERIES + 2, set()),
    ],
)
def test_show_fields_set_costs_only_what_it_returns(api, demo, fields_set, queries, joins):
    shown = make_sr(**nested(demo, None))
    add_sets([shown], related_to=stranger("show"))
    response, sqls = measure(api, "show", {SR: f"number={shown.number}", "fields_set": fields_set})
    assert list(response.data) == fields_set.split(",")
    assert len(sqls) == queries
    assert joined_tables(main_query(sqls)) == joins


def test_show_by_the_agent_of_a_hidden_request_costs_no_more(agent_api, demo):
    visible = make_sr()
    hidden = make_sr(privacy_level=demo["restricted"])
    _shown, visible_sql = measure(agent_api, "show", {SR: f"number={visible.number}"})
    with CaptureQueriesContext(connection) as queries:
        response = agent_api.get("service_requests/show", {SR: f"number={hidden.number}"})
    assert response.status_code == 404
    # Not found after the one query for the request: nothing fetched after it.
    request_query = next(
        i for i, q in enumerate(visible_sql) if 'FROM "servicerequests_servicerequest"' in q
    )
    assert len(queries) == request_query + 1


def test_close_to_estimated_completion_time_counts_for_every_unit(api, demo):
    populate(demo, "get_close_to_estimated_completion_time", 20)
    for uot in ("MINUTES", "HOURS", "DAYS", "WEEKS", "MONTHS", "YEARS"):
        response, sqls = measure(
            api,
            "get_close_to_estimated_completion_time",
            {"period": "120", "uot": uot, "fields_set": "number"},
        )
        assert len(response.data) == 20
        assert len(sqls) == NARROW_QUERIES


@pytest.mark.parametrize("method", ["get_completed", "get_pending"])
def test_state_lists_do_not_select_distinct(api, demo, method):
    """A DISTINCT over every column sorts the whole table (found by the benchmark)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"service_requests/{method}").status_code == 200
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)


def test_show_compiles_no_statement_for_nested_objects_it_does_not_have(api, demo):
    """A nested object fetched apart whose key is null on every row (no acceptor, nothing
    referred to) costs neither a query nor compiling one: compiling was most of a show."""
    from django.db.models.sql.compiler import SQLCompiler

    shown = make_sr()
    assert shown.response_accepted_by_id is None
    assert shown.referring_to_job_id is None
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    measure(api, "show", {SR: f"number={shown.number}"})  # compiles what it fetches apart
    with patch.object(SQLCompiler, "as_sql", counting):
        response, sqls = measure(api, "show", {SR: f"number={shown.number}"})
    assert response.data["response"] is None
    assert response.data["referring_to"] is None
    # What is fetched apart (the account, its owner, the caller, the three sets) is
    # compiled once per process (crm.api.rows): only the request's own queries compile.
    apart = [s for s in sqls if re.search(rf'FROM "(customers_|{SR_TABLE}\w)', s)]
    assert len(apart) == 6
    fetched_apart = {
        AccountsReceivable,
        Contact,
        sm.ServiceRequestService,
        sm.ServiceRequestPhysicalGood,
        sm.ServiceRequestRelation,
    }
    assert sm.ServiceRequest in compiled
    assert not fetched_apart & set(compiled)
