"""The products methods' query counts (constant with few and many rows) and who may call them
(contract sections 2 and 5)."""

from __future__ import annotations

import pytest

from products import models as pm
from tests.conftest import Api, token_for
from tests.factories import UserFactory
from tests.products.api_helpers import (
    ALL_METHODS,
    LIST,
    MD,
    PERMISSIONS,
    SHOW,
    TYPES,
    add_products,
    add_types,
    assert_error,
    measured,
    method_sql,
    ok,
    superuser_api,
)

pytestmark = pytest.mark.django_db


# -- query counts -------------------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_rows(api):
    params = {"number_of_results": "500"}
    before, before_sql = measured(api, LIST, params)
    add_products(50)
    after, after_sql = measured(api, LIST, params)
    assert len(after) == len(before) + 50
    assert any(row["global_rate"] for row in after)
    assert any(row["product_type"]["udr_type"] for row in after)
    assert any(row["product_type"]["meter_reading_type"] for row in after)
    assert len(after_sql) == len(before_sql), method_sql(after_sql)
    filtered, filtered_sql = measured(api, LIST, {**params, "classification": "PHYSICALGOODS"})
    assert filtered
    assert len(filtered_sql) == len(before_sql)


def test_product_types_query_count_does_not_grow_with_rows(api):
    params = {"number_of_results": "500"}
    before, before_sql = measured(api, TYPES, params)
    add_types(50)
    after, after_sql = measured(api, TYPES, params)
    assert len(after) == len(before) + 50
    assert len(after_sql) == len(before_sql), method_sql(after_sql)


def test_show_query_count_is_the_same_for_bare_and_rich_products(api):
    add_products(3)
    rich = pm.Product.objects.filter(global_rate__isnull=False).first()
    _, bare_sql = measured(api, SHOW, MD)
    data, rich_sql = measured(api, SHOW, {"product_identifier": f"id={rich.id}"})
    assert data["global_rate"]
    assert len(rich_sql) == len(bare_sql)


def test_list_query_count_with_1_and_200_products(client, db):
    """One more product, then two hundred more, next to the demo's."""
    api = superuser_api(client)
    before = pm.Product.objects.count()
    add_products(1)
    one, one_sql = measured(api, LIST, {"number_of_results": "500"})
    add_products(199)
    many, many_sql = measured(api, LIST, {"number_of_results": "500"})
    assert (len(one), len(many)) == (before + 1, before + 200)
    assert len(many_sql) == len(one_sql), method_sql(many_sql)


# -- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ALL_METHODS)
def test_no_permission_is_denied(client, demo, method):
    nobody = Api(client, token_for(UserFactory()))
    response = nobody.get(method, MD if method == SHOW else {})
    assert_error(response, 403, "PERMISSION_DENIED", "")
    assert PERMISSIONS[method] in response.description
    # Refused before the parameters are looked at: nothing about the product leaks.
    unknown = nobody.get(method, {"product_identifier": "code=Nope"} if method == SHOW else {})
    assert unknown.code == "PERMISSION_DENIED"


@pytest.mark.parametrize(("method", "params"), [(SHOW, MD), (LIST, {}), (TYPES, {})])
def test_agent_may_read(api, agent_api, method, params):
    assert ok(agent_api.get(method, params)) == ok(api.get(method, params))


@pytest.mark.parametrize("method", ALL_METHODS)
def test_without_token(anon_api, demo, method):
    assert_error(anon_api.get(method, MD if method == SHOW else {}), 401, "INVALID_TOKEN", "token")
