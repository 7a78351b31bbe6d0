"""Writing service requests in tests: ``create`` and ``update`` calls, refusals that must
change nothing, and the values the create and update tests share."""

from __future__ import annotations

from tests.servicerequests.helpers.api import assert_error, call, create_body
from tests.servicerequests.helpers.rows import snapshot, totals

START = "2030-01-01T10:00:00"
MD = {"code": "Material Delivery"}
D1 = {"code": "Decoders 1"}


def post_create(api, **overrides):
    return api.post("service_requests/create", create_body(**overrides))


def assert_create_refused(api, status: int, code: str, param: str | None, **overrides):
    before = totals()
    assert_error(post_create(api, **overrides), status, code, param)
    assert totals() == before


def update(api, number: str, /, **body):
    return call(api, "update", number, **body)


def assert_update_refused(api, number: str, status: int, code: str, param: str | None, /, **body):
    before = snapshot(number)
    assert_error(update(api, number, **body), status, code, param)
    assert snapshot(number) == before
