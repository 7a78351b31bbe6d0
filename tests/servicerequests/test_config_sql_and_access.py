"""``service_requests/configuration/<x>/list`` through real requests: the SQL the lists run (a
narrow ``fields_set`` drops joins, query counts do not grow with rows) and who may call them
(permissions, token, HTTP method) (contract sections 2, 3 and 7)."""

from __future__ import annotations

import pytest

from tests.servicerequests.config_helpers import (
    ADDERS,
    ALL_METHODS,
    CASES,
    PERMISSIONS,
    SERVICES,
    TS,
    TYPE,
    TYPED,
    add_services,
    assert_error,
    has_join,
    listing_sql,
    measured,
    method_sql,
    nobody_api,
    ok,
)

pytestmark = pytest.mark.django_db


# -- fields_set and the SQL ---------------------------------------------------------------------


def test_narrow_fields_set_costs_less_on_services(api):
    add_services(10)
    full, full_sql = measured(api, SERVICES, {**TS, "number_of_results": "500"})
    narrow, narrow_sql = measured(
        api, SERVICES, {**TS, "number_of_results": "500", "fields_set": "id"}
    )
    assert [row["id"] for row in narrow] == [row["id"] for row in full]
    assert has_join(full_sql)
    assert not has_join(narrow_sql), method_sql(narrow_sql)
    assert len(narrow_sql) <= len(full_sql)
    # Fewer columns: the listing query selects only the id.
    listing = listing_sql(narrow_sql, "servicerequests_servicerequesttypeservice")
    assert listing.startswith(
        'SELECT "servicerequests_servicerequesttypeservice"."id" AS "id" FROM'
    )


@pytest.mark.parametrize(
    ("case", "narrow"),
    [
        ("statuses", "id,default"),
        ("cancellation_reasons", "default"),
        ("physical_goods", "id"),
    ],
)
def test_narrow_fields_set_drops_joins(api, case, narrow):
    method, params = CASES[case]
    _, full_sql = measured(api, method, params)
    _, narrow_sql = measured(api, method, {**params, "fields_set": narrow})
    assert has_join(full_sql)
    assert not has_join(narrow_sql), method_sql(narrow_sql)
    assert len(narrow_sql) <= len(full_sql)


# -- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_query_count_does_not_grow_with_rows(api, case):
    method, params = CASES[case]
    params = {**params, "number_of_results": "500"}
    before, before_sql = measured(api, method, params)
    ADDERS[case](50)
    after, after_sql = measured(api, method, params)
    assert len(after) == len(before) + 50
    assert len(after_sql) == len(before_sql), method_sql(after_sql)
    # The default page is 50 rows, fetched the same way.
    page, page_sql = measured(api, method, CASES[case][1])
    assert page == after[:50]
    assert len(page_sql) == len(before_sql)


# -- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ALL_METHODS)
def test_no_permission_is_denied(client, demo, method):
    params = TS if method in TYPED else {}
    response = nobody_api(client).get(method, params)
    assert_error(response, 403, "PERMISSION_DENIED", "")
    assert PERMISSIONS[method] in response.description
    # Refused before anything else is looked at, even without the mandatory type.
    assert nobody_api(client).get(method).code == "PERMISSION_DENIED"


@pytest.mark.parametrize("case", list(CASES))
def test_agent_may_read(api, agent_api, case):
    method, params = CASES[case]
    assert ok(agent_api.get(method, params)) == ok(api.get(method, params))


@pytest.mark.parametrize("method", ALL_METHODS)
def test_without_token(anon_api, demo, method):
    response = anon_api.get(method, TS if method in TYPED else {})
    assert_error(response, 401, "INVALID_TOKEN", "token")


@pytest.mark.parametrize("method", ALL_METHODS)
def test_post_is_not_allowed(api, method):
    response = api.post(method, {TYPE: {"name": "Technical Support"}})
    assert response.status_code == 405, response.body
    assert response.code == "METHOD_NOT_ALLOWED"
    assert response.data is None
