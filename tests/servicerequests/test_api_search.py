"""``service_requests/search`` (contract section 13): what it finds and in which order, its
refusals, visibility, fields_set and a constant number of queries.

The same expectations run on SQLite (the fallback: icontains and regular expressions) and on
PostgreSQL (trigram and full-text indexes): passing on both is the proof that the two give
the same ordered results on the same data.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import Api, token_for
from tests.servicerequests.helpers import assert_error
from tests.servicerequests.page_helpers import clone
from tests.servicerequests.search_rows import EXPECTED, search_rows

pytestmark = pytest.mark.django_db

SEARCH = "service_requests/search"


@pytest.fixture
def rows(demo):
    return search_rows(demo)


def found(api, query: str, **params) -> list[str]:
    response = api.get(SEARCH, {"query": query, **params})
    assert response.status_code == 200, response.body
    assert response.code == "OK"
    return [row["number"] for row in response.data]


def numbers_of(rows: dict, names: list[str]) -> list[str]:
    return [rows[name].number for name in names]


def as_query(template: str, rows: dict) -> str:
    return template.format(**{name: sr.number for name, sr in rows.items()})


@pytest.mark.parametrize("template", list(EXPECTED))
def test_admin_finds_exactly_these_in_this_order(api, rows, template):
    assert found(api, as_query(template, rows)) == numbers_of(rows, EXPECTED[template])


@pytest.mark.parametrize("template", list(EXPECTED))
def test_agent_finds_the_same_without_the_restricted_request(agent_api, rows, template):
    expected = [name for name in EXPECTED[template] if name != "r4"]
    assert found(agent_api, as_query(template, rows)) == numbers_of(rows, expected)


@pytest.mark.parametrize(
    ("what", "query", "name"),
    [
        ("number", "{r2}", "r2"),
        ("account number", "ACR001179", "r2"),
        ("account name", "Household", "r2"),
        ("caller surname", "Antoniadou", "r2"),
        ("phone", "99626262", "r2"),
        ("e-mail", "antoniadou.home@example.com", "r2"),
        ("description word", "disputed", "r2"),
    ],
)
def test_a_cancelled_request_is_found_by_each_field(api, rows, what, query, name):
    numbers = found(api, as_query(query, rows))
    assert rows[name].number in numbers, what
    assert rows[name].life_cycle_state == "CANCELLED"


def test_the_whole_object_as_show_gives_it(api, rows):
    response = api.get(SEARCH, {"query": rows["r2"].number})
    shown = api.get(
        "service_requests/show", {"service_request_identifier": f"number={rows['r2'].number}"}
    )
    # Fields read against the clock may differ by the second between the two calls.
    clock = {"time_to_completion", "time_overdue", "sla"}
    (result,) = response.data
    assert list(result) == list(shown.data)
    assert {k: v for k, v in result.items() if k not in clock} == {
        k: v for k, v in shown.data.items() if k not in clock
    }


def test_fields_set_narrows_each_result(api, rows):
    response = api.get(SEARCH, {"query": "ACR001143", "fields_set": "number,life_cycle_state"})
    assert response.data == [
        {"number": rows["r4"].number, "life_cycle_state": "PENDING"},
        {"number": rows["r3"].number, "life_cycle_state": "PENDING"},
        {"number": rows["r1"].number, "life_cycle_state": "COMPLETED"},
    ]


def test_unknown_fields_set_name_is_refused(api, rows):
    response = api.get(SEARCH, {"query": "ACR001143", "fields_set": "number,nope"})
    assert_error(response, 400, "INVALID_PARAMETER", "fields_set")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"number_of_results": "1"}, ["r4"]),
        ({"number_of_results": "2", "offset": "1"}, ["r3", "r1"]),
        ({"offset": "2"}, ["r1"]),
        ({"offset": "3"}, []),
    ],
)
def test_pages_of_the_ranked_order(api, rows, params, expected):
    assert found(api, "ACR001143", **params) == numbers_of(rows, expected)


def test_pages_across_ranks_keep_the_merged_order(api, rows):
    # "99626262": r2 by its phone (rank 1), then r5 by its description (rank 3).
    assert found(api, "99626262", number_of_results="1") == [rows["r2"].number]
    assert found(api, "99626262", number_of_results="1", offset="1") == [rows["r5"].number]


@pytest.mark.parametrize("query", ["a", " a ", "   ", "é"])
def test_fewer_than_two_characters_is_invalid_parameter(api, rows, query):
    response = api.get(SEARCH, {"query": query})
    assert_error(response, 400, "INVALID_PARAMETER", "query")
    assert response.body["status"]["message"] == "Type at least 2 characters to search."


@pytest.mark.parametrize("params", [{}, {"query": ""}])
def test_missing_query_is_missing_mandatory_parameter(api, rows, params):
    response = api.get(SEARCH, params)
    assert_error(response, 400, "MISSING_MANDATORY_PARAMETER", "query")


def test_too_long_a_query_and_too_deep_an_offset_are_refused(api, rows):
    assert_error(api.get(SEARCH, {"query": "x" * 201}), 400, "INVALID_PARAMETER", "query")
    response = api.get(SEARCH, {"query": "router", "offset": "10001"})
    assert_error(response, 400, "INVALID_PARAMETER", "offset")


def test_needs_a_token_and_the_read_permission(anon_api, api, rows, demo):
    assert_error(anon_api.get(SEARCH, {"query": "router"}), 401, "INVALID_TOKEN")
    demo["agent"].groups.clear()
    bare = Api(api.client, token_for(demo["agent"]))
    assert_error(bare.get(SEARCH, {"query": "router"}), 403, "PERMISSION_DENIED")


def test_characters_that_mean_something_to_sql_or_text_search_are_plain_text(api, rows):
    for query in ["%%", "__", "'; --", "&|!", ":*", "(!)", "\\\\"]:
        response = api.get(SEARCH, {"query": query})
        assert response.status_code == 200, (query, response.body)
        assert response.data == [], query


# -- queries ------------------------------------------------------------------------------------


def measure(api, query: str, **params) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        numbers = found(api, query, **params)
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not any("COUNT(" in sql.upper() for sql in sqls)
    return numbers, len(sqls)


@pytest.mark.parametrize("query", ["ACR001143", "router", "Anton"])
def test_query_count_is_the_same_for_few_and_many_rows(api, agent_api, rows, query):
    few, few_count = measure(api, query, number_of_results="500")
    agent_few, agent_few_count = measure(agent_api, query, number_of_results="500")
    # 200 more matching requests (copies of r3, at once: the same created date).
    clone(rows["r3"], 200)
    many, many_count = measure(api, query, number_of_results="500")
    agent_many, agent_many_count = measure(agent_api, query, number_of_results="500")
    page, page_count = measure(api, query)

    assert len(many) == len(few) + 200
    assert len(agent_many) == len(agent_few) + 200
    assert len(page) == 50
    assert few_count == many_count == page_count
    assert agent_few_count == agent_many_count


def test_a_narrow_fields_set_costs_fewer_queries(api, rows):
    _, full = measure(api, "ACR001143")
    _, narrow = measure(api, "ACR001143", fields_set="id,number")
    # Token and clearance; the accounts and callers looked up (3: the account by number, the
    # callers and the accounts by name); one query per branch with something to look for
    # (6 of 7: no caller is named "ACR001143"); the rows.
    assert narrow == 2 + 3 + 6 + 1
    assert full > narrow


def test_ties_of_the_same_moment_are_ordered_by_id_descending(api, rows):
    copies = clone(rows["r1"], 3)  # the same created date as r1
    same = sorted([rows["r1"], *copies], key=lambda sr: sr.pk, reverse=True)
    assert found(api, "decoder") == [sr.number for sr in same]
