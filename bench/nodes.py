"""The "two web nodes" row: two gunicorn instances on two ports against the same database
and the same Redis, as two machines behind a load balancer would run (README, "Scaling out").

First it checks what must be shared is shared: a Web API token and a staff session issued by
node 1 work on node 2, and failed logins counted on node 1 lock the user name out on node 2
(the throttle lives in Redis; without Redis each node would count on its own). Then a
read-mostly mix (three ``show`` for one 50-row list) runs with 4 clients at node 1 alone,
then with 2 + 2 clients split across both nodes: throughput and latencies of one vs two.
Both nodes run on this machine's CPUs, so two nodes cannot double what one serves here; the
row reports what it measured.
"""

from __future__ import annotations

import http.cookies
import json
import os
import re
import secrets
import signal
import statistics
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from http.client import HTTPConnection

from load import run_client
from scenarios import API
from server import start_gunicorn

NAME = "two web nodes"
PORTS = (8801, 8802)
CLIENTS = 4


def _client(job: tuple) -> list[float]:
    """One client process at one node."""
    return run_client(*job)


def drive(requests: list[tuple], ports: tuple[int, ...], headers: dict) -> dict:
    """``requests`` over CLIENTS processes, client i at ``ports[i % len(ports)]``."""
    jobs = [(ports[i % len(ports)], requests[i::CLIENTS], headers) for i in range(CLIENTS)]
    started = time.perf_counter()
    with ProcessPoolExecutor(CLIENTS) as pool:
        latencies = sorted(ms for part in pool.map(_client, jobs) for ms in part)
    elapsed = time.perf_counter() - started
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "rps": len(latencies) / elapsed,
    }


def read_mix(tok: str, count: int) -> list[tuple]:
    """Three ``show`` of completed requests (200 of them in turn) for one 50-row
    ``get_completed``: the show and list scenarios' calls."""
    from servicerequests.models import ServiceRequest

    requests = ServiceRequest.objects.order_by("?").values_list("number", flat=True)
    # A tiny seed may have none completed yet: any request then.
    completed = list(requests.filter(life_cycle_state="COMPLETED")[:200]) or list(requests[:200])

    def get(method: str, **params) -> tuple:
        query = urllib.parse.urlencode({"token": tok, **params})
        return ("GET", f"{API}{method}?{query}", None)

    listing = get("service_requests/get_completed", number_of_results=50)
    return [
        listing
        if i % 4 == 3
        else get(
            "service_requests/show",
            service_request_identifier=f"number={completed[i % len(completed)]}",
        )
        for i in range(count)
    ]


# -- what must be shared ------------------------------------------------------------------------


def _call(port: int, method: str, path: str, body=None, headers=None):
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _login(port: int, username: str, password: str) -> tuple[int, dict]:
    body = json.dumps(
        {
            "username": username,
            "password": password,
            "organisation": os.environ.get("CRM_ORGANISATION", "CRMDEMO"),
        }
    )
    status, _, payload = _call(
        port, "POST", API + "authentication/token", body, {"Content-Type": "application/json"}
    )
    return status, json.loads(payload)


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def _staff_session(port: int, password: str) -> str:
    """Sign in on the staff page of node ``port``; the ``sessionid`` it set."""
    _, headers, page = _call(port, "GET", "/accounts/login/")
    csrf = _cookies(headers)["csrftoken"]
    form = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode(
        {"username": "MPAdministrator", "password": password, "csrfmiddlewaretoken": form}
    )
    status, headers, _ = _call(
        port,
        "POST",
        "/accounts/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    assert status == 302, f"staff sign-in on node {port} answered {status}"
    return _cookies(headers)["sessionid"]


def check_shared(first: int, second: int, shared_redis: bool) -> list[str]:
    """Assert that node ``second`` honours what node ``first`` issued; what was checked."""
    password = os.environ.get("DEMO_PASSWORD", "demo")
    status, answer = _login(first, "MPAdministrator", password)
    assert status == 200, f"login on node 1: {status} {answer}"
    tok = answer["data"]["token"]
    path = (
        API
        + "service_requests/get_completed?"
        + urllib.parse.urlencode({"token": tok, "number_of_results": 1})
    )
    status, _, payload = _call(second, "GET", path)
    assert status == 200, f"node 1's token on node 2: {status} {payload[:200]!r}"
    session = _staff_session(first, password)
    status, _, _ = _call(second, "GET", "/requests/", headers={"Cookie": f"sessionid={session}"})
    assert status == 200, f"node 1's staff session on node 2: {status}"
    checked = ["a Web API token and a staff session issued by node 1 work on node 2"]
    if shared_redis:
        # A user name nobody has: the throttle counts names, whether or not they exist.
        nobody = f"bench-nobody-{secrets.token_hex(4)}"
        limit = int(os.environ.get("CRM_LOGIN_MAX_FAILURES", "5"))
        for _ in range(limit):
            assert _login(first, nobody, "wrong")[1]["status"]["code"] != "RATE_LIMITED"
        status, answer = _login(second, nobody, "wrong")
        assert answer["status"]["code"] == "RATE_LIMITED", (status, answer)
        checked.append(
            f"{limit} failed logins on node 1 lock the user name out on node 2 (one throttle)"
        )
    return checked


# -- the row ----------------------------------------------------------------------------------


def two_nodes(database_url: str, workers: int, tok: str, count: int) -> tuple[list, list]:
    """The rows (one node, then two) and the notes of the two-node scenario."""
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL", "")
    shared = {"REDIS_URL": redis_url} if redis_url else {}
    mix = read_mix(tok, count)
    nodes = [start_gunicorn(database_url, workers, port, shared) for port in PORTS]
    try:
        notes = check_shared(*PORTS, shared_redis=bool(redis_url))
        headers = {"Content-Type": "application/json"}
        for port in PORTS:  # warm both up
            drive(mix[:20], (port,), headers)
        one = drive(mix, PORTS[:1], headers)
        two = drive(mix, PORTS, headers)
    finally:
        for node in nodes:
            node.send_signal(signal.SIGTERM)
        for node in nodes:
            node.wait(timeout=30)
    rows = [
        {"name": f"{NAME}: one node, {CLIENTS} clients (show x3 + list)", **one},
        {"name": f"{NAME}: two nodes, 2+2 clients (show x3 + list)", **two},
    ]
    for row in rows:
        print(
            f"{row['name']}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, {row['rps']:.0f}/s",
            flush=True,
        )
    notes = [f"Two web nodes: checked that {'; that '.join(notes)}."]
    notes.append(
        f"Two web nodes: {workers} gunicorn workers x 2 threads each, ports {PORTS[0]} and "
        f"{PORTS[1]}, {'one Redis' if redis_url else 'no Redis (each node its own cache)'}, "
        f"one PostgreSQL, all on this machine ({os.cpu_count()} CPUs). Throughput two/one: "
        f"{two['rps'] / one['rps']:.2f}x ({one['rps']:.0f}/s -> {two['rps']:.0f}/s)."
    )
    return rows, notes
