"""The running server over real HTTP: log in, call a method, many clients at once."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from crm.demo import load_demo

pytestmark = pytest.mark.live

LOGIN = {"username": "MPAdministrator", "password": "demo", "organisation": "CRMDEMO"}


def call(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def server(live_server, transactional_db):
    load_demo()
    return live_server.url + "/crmapi/rest/v2/"


def test_login_and_configuration_list_over_http(server):
    status, body = call(server + "authentication/token", LOGIN)
    assert status == 200, body
    token = body["data"]["token"]
    status, body = call(
        server
        + "service_requests/configuration/services/list?token="
        + token
        + "&service_request_type_identifier=name=Technical%20Support"
    )
    assert status == 200
    assert body["status"]["code"] == "OK"
    assert [row["product"]["code"] for row in body["data"]] == ["Material Delivery"]


def test_errors_over_http(server):
    status, body = call(server + "no/such/method")
    assert (status, body["status"]["code"]) == (404, "ENTITY_NOT_FOUND")
    status, body = call(server + "products/list")
    assert (status, body["status"]["code"]) == (401, "INVALID_TOKEN")


def test_concurrent_logins_all_succeed(server):
    # Each login writes a token row: on SQLite this is many writers at once.
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: call(server + "authentication/token", LOGIN), range(24)))
    assert [status for status, _ in results] == [200] * 24
    assert len({body["data"]["token"] for _, body in results}) == 24
