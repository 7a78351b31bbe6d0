#!/usr/bin/env python
"""The benchmark: seed a million requests, serve them with gunicorn, measure.

    .venv/bin/python bench/run.py                     # everything (seeds once, then reuses)
    .venv/bin/python bench/run.py --requests 1000     # a quick smoke run
    .venv/bin/python bench/run.py --only search --output bench/results-search.md

It runs against PostgreSQL (``BENCH_DATABASE_URL``, default a ``crm_bench`` database on
127.0.0.1), never in the test suite. It prints one table and writes it, with the machine
and the date, to ``bench/results.md``. For the reads it also replays, through psycopg, the
exact SQL the application ran for one call, and prints our time over that floor.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8799
SETTINGS = "crm.production_settings"

TARGETS = {  # scenario -> p95 target in ms
    "service_requests/show": 25,
    "get_completed, 50 rows, offset 0": 40,
    "get_completed, 50 rows, offset 10000": 40,
    "service_requests/create": 50,
    "service_requests/respond": None,
    "queue page (Pending)": None,
    # Service levels (issue 12): the at-risk queue with its countdowns, and a customer's
    # requests filtered by sla_status, each with its sla object.
    "queue page (At risk)": 250,
    "list sla_status=AT_RISK,BREACHED, 50 rows": 150,
    # Search (issue 13): a mix of what people type, taken from the seeded rows (search_mix).
    "service_requests/search": 100,
    "jobs/search": None,
    "search page (header)": None,
    # The same mix asking only what a result list shows: the matching without the cost of
    # fifty whole objects (which get_completed pays as well).
    "service_requests/search, fields_set=id,number,life_cycle_state": None,
}
# The scenarios whose SQL the report replays through psycopg (the floor).
FLOORED = (
    "service_requests/show",
    "get_completed, 50 rows, offset 0",
    "get_completed, 50 rows, offset 10000",
    "service_requests/search",
)


def env(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_SECRET_KEY": "benchmark-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }


def manage(database_url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(database_url), check=True
    )


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# -- Django in this process (tokens, numbers, SQL capture, the scan) ----------------------------


def setup_django(database_url: str) -> None:
    os.environ.update(env(database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seeded(count: int) -> bool:
    from servicerequests.models import ServiceRequest

    return ServiceRequest.objects.count() >= count


def search_fields_seeded() -> bool:
    from servicerequests.models import ServiceRequest

    return ServiceRequest.objects.filter(caller_email__isnull=False).exists()


def token() -> str:
    from crm.models import ApiToken, User
    from crm.services import token_issue

    admin = User.objects.get(username="MPAdministrator")
    return token_issue(user=admin, unit=admin.default_unit, source=ApiToken.Source.LOGIN)


def session_cookie() -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from crm.models import User

    admin = User.objects.get(username="MPAdministrator")
    session = SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "crm.backends.CaseInsensitiveModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def numbers(state: str, limit: int) -> list[str]:
    from servicerequests.models import ServiceRequest

    return list(
        ServiceRequest.objects.filter(life_cycle_state=state, approaching_completion__isnull=False)
        .order_by("?")
        .values_list("number", flat=True)[:limit]
    )


def captured_sql(path: str) -> list[tuple[str, tuple]]:
    """The SQL one in-process call of ``path`` runs (the floor replays it)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return [(q["sql"], ()) for q in queries.captured_queries]


# -- load ---------------------------------------------------------------------------------------


def _worker(job: tuple) -> list[float]:
    """One client process: keep-alive HTTP requests, latencies in ms."""
    requests, headers = job
    conn = HTTPConnection("127.0.0.1", PORT, timeout=60)
    latencies = []
    for method, path, body in requests:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{method} {path} -> {response.status}: {payload[:300]!r}")
    conn.close()
    return latencies


def load(requests: list[tuple], clients: int, headers: dict) -> dict:
    """Spread ``requests`` over ``clients`` processes; latency percentiles and throughput."""
    shares = [(requests[i::clients], headers) for i in range(clients)]
    started = time.perf_counter()
    with ProcessPoolExecutor(clients) as pool:
        latencies = [ms for part in pool.map(_worker, shares) for ms in part]
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "rps": len(latencies) / elapsed,
    }


def floor(sql: list[tuple[str, tuple]], database_url: str, repeat: int) -> float:
    """Median ms to run the same statements straight through psycopg on one connection,
    asking of PostgreSQL what the application asks: the same session settings, and
    statements prepared as the application's connections prepare them."""
    import psycopg
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    times = []
    with psycopg.connect(database_url, autocommit=True, options=options.get("options", "")) as conn:
        conn.prepare_threshold = options.get("prepare_threshold")
        for _ in range(repeat):
            started = time.perf_counter()
            for statement, params in sql:
                # None, not (): without parameters a LIKE pattern's % is not a placeholder.
                conn.execute(statement.encode(), params or None).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# -- gunicorn -----------------------------------------------------------------------------------


def start_gunicorn(database_url: str, workers: int) -> subprocess.Popen:
    manage(database_url, "collectstatic", "--no-input", "-v0")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={
            **env(database_url),
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": "2",
            "GUNICORN_ACCESS_LOG": "",
        },
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not come up")


def worker_rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


# -- scenarios ----------------------------------------------------------------------------------

API = "/crmapi/rest/v2/"


def scenarios(tok: str, count: int) -> dict[str, Callable[[], list[tuple]]]:
    """Each scenario's requests, built only for the scenarios that run (``--only``): some
    builders read the seeded tables at length."""
    create = json.dumps(
        {
            "token": tok,
            "type_identifier": {"name": "Technical Support"},
            "accounts_receivable_identifier": {"number": "ACR001143"},
            "status_identifier": {"name": "Pending"},
            "category_identifier": {"code": "TECH"},
            "urgency_level": "URGENCY2",
            "impact_level": "IMPACT2",
            "fields_set": "id,number",
        }
    )

    def respond(number: str) -> str:
        return json.dumps(
            {
                "token": tok,
                "service_request_identifier": {"number": number},
                "status_identifier": {"name": "Responded"},
                "fields_set": "number,life_cycle_state",
                "response": {
                    "category_identifier": {"code": "ACK"},
                    "responded_by_identifier": {"username": "MPAdministrator"},
                    "response_date": "2026-11-23T10:00:00",
                },
            }
        )

    def get(method: str, **params) -> tuple:
        return ("GET", API + method + "?" + urllib.parse.urlencode({"token": tok, **params}), None)

    def shown() -> list[str]:
        completed = numbers("COMPLETED", 200)
        return [completed[i % 200] for i in range(count)]

    return {
        "service_requests/show": lambda: [
            get("service_requests/show", service_request_identifier=f"number={n}") for n in shown()
        ],
        "get_completed, 50 rows, offset 0": lambda: (
            [get("service_requests/get_completed", number_of_results=50)] * count
        ),
        "get_completed, 50 rows, offset 10000": lambda: [
            get(
                "service_requests/get_completed",
                number_of_results=50,
                offset=10000 + random.randint(0, 500),
            )
            for _ in range(count)
        ],
        "service_requests/create": lambda: (
            [("POST", API + "service_requests/create", create)] * count
        ),
        "service_requests/respond": lambda: [
            ("POST", API + "service_requests/respond", respond(n))
            for n in numbers("PENDING", count)
        ],
        "queue page (Pending)": lambda: [("GET", "/requests/queue/pending/", None)] * count,
        "queue page (At risk)": lambda: [("GET", "/requests/queue/at-risk/", None)] * count,
        "list sla_status=AT_RISK,BREACHED, 50 rows": lambda: [
            get(
                "service_requests/list",
                accounts_receivable_identifier=f"number={account}",
                sla_status="AT_RISK,BREACHED",
                number_of_results=50,
            )
            for account in busiest_accounts(count)
        ],
        "service_requests/search": lambda: [
            get("service_requests/search", query=q, number_of_results=50) for q in search_mix(count)
        ],
        "service_requests/search, fields_set=id,number,life_cycle_state": lambda: [
            get(
                "service_requests/search",
                query=q,
                number_of_results=50,
                fields_set="id,number,life_cycle_state",
            )
            for q in search_mix(count)
        ],
        "jobs/search": lambda: [
            get("jobs/search", query=q, number_of_results=50) for q in job_search_mix(count)
        ],
        "search page (header)": lambda: [
            ("GET", "/search/?" + urllib.parse.urlencode({"q": q}), None) for q in search_mix(count)
        ],
    }


SEARCH_SAMPLE_SQL = """
SELECT r.number, a.number, c.last_name, r.caller_email, r.description
FROM servicerequests_servicerequest r TABLESAMPLE SYSTEM (1) REPEATABLE (13)
JOIN customers_accountsreceivable a ON a.id = r.accounts_receivable_id
JOIN customers_contact c ON c.id = r.caller_id
WHERE r.caller_email IS NOT NULL AND r.description LIKE '%%: %%'
LIMIT %s
"""


def search_mix(count: int) -> list[str]:
    """What people type into a search, in turn: a request number, an account number, a
    caller's surname, an e-mail, a word of a description; each from a seeded request."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SEARCH_SAMPLE_SQL, [count])
        rows = cursor.fetchall()
    rng = random.Random(13)
    kinds = [
        lambda row: row[0],
        lambda row: row[1],
        lambda row: row[2],
        lambda row: row[3],
        lambda row: rng.choice(row[4].split(": ", 1)[1].split()),
    ]
    return [kinds[i % len(kinds)](rows[i % len(rows)]) for i in range(count)]


def job_search_mix(count: int) -> list[str]:
    """A job number, an account number, a subscription number, an e-mail, in turn."""
    from jobs.models import Job

    rows = list(
        Job.objects.filter(contact_email__isnull=False, subscription__isnull=False)
        .order_by("-created_date")
        .values_list(
            "number", "accounts_receivable__number", "subscription__number", "contact_email"
        )[: count * 50 : 50]
    )
    return [rows[i % len(rows)][i % 4] for i in range(count)]


def busiest_accounts(count: int) -> list[str]:
    """Account numbers, the ten with the most requests in turn: lists with rows to show."""
    from django.db.models import Count

    from servicerequests.models import ServiceRequest

    top = list(
        ServiceRequest.objects.values("accounts_receivable__number")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("accounts_receivable__number", flat=True)[:10]
    )
    return [top[i % len(top)] for i in range(count)]


def prepare_due(count: int) -> int:
    """``count`` pending requests due within the next ten hours and not flagged: the scan's
    work, laid out just before it runs (seeded due dates go stale while the load runs)."""
    from datetime import timedelta

    from django.db.models import Case, When
    from django.utils import timezone

    from servicerequests.models import ServiceRequest

    now, rng = timezone.now(), random.Random(1)
    # Whatever else is open and unflagged counts as flagged long ago: exactly ``count`` due.
    ServiceRequest.objects.open().filter(approaching_completion=None).update(
        approaching_completion=now - timedelta(days=1)
    )
    ids = list(
        ServiceRequest.objects.filter(life_cycle_state="PENDING").values_list("id", flat=True)[
            :count
        ]
    )
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        due = [now + timedelta(minutes=rng.randint(5, 600)) for _ in chunk]
        ServiceRequest.objects.filter(id__in=chunk).update(
            approaching_completion=None,
            overdue_flagged_at=None,
            expected_completion_date=Case(
                *(When(id=i, then=d) for i, d in zip(chunk, due, strict=True))
            ),
            # At risk a day before the target: every one of them is at risk now.
            sla_at_risk_date=Case(
                *(When(id=i, then=d - timedelta(days=1)) for i, d in zip(chunk, due, strict=True))
            ),
            sla_paused_since=None,
        )
    return len(ids)


def scan_timing(due: int) -> tuple[float, str]:
    """One scan over ``due`` requests due within the window: ms, and what it flagged."""
    from crm import flagging
    from servicerequests.tasks import TARGET

    prepare_due(due)
    started = time.perf_counter()
    result = flagging.scan(TARGET)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, f"{result.approaching} approaching and {result.overdue} overdue"


# -- report -------------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{cpu}, {os.cpu_count()} CPUs, {int(memory) // 1024 // 1024} GiB, {platform.platform()}"


def report(rows: list[dict], extra: list[str], command: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
        f"Command: `{command}`",
        "",
        "| scenario | requests | p50 ms | p95 ms | req/s | SQL floor ms | over floor ms "
        "| target p95 ms | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        target = row.get("target")
        met = "—" if target is None else ("yes" if row["p95"] <= target else "**no**")
        floor_ms = row.get("floor")
        floor_text = "" if floor_ms is None else f"{floor_ms:.1f}"
        over_text = "" if floor_ms is None else f"{row['p50'] - floor_ms:.1f}"
        target_text = "" if target is None else str(target)
        lines.append(
            f"| {row['name']} | {row['n']} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{row['rps']:.0f} | {floor_text} | {over_text} | {target_text} | {met} |"
        )
    return "\n".join([*lines, "", *extra, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench"
        ),
    )
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=200_000)
    parser.add_argument("--count", type=int, default=400, help="requests per scenario")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated words: run only the scenarios whose name holds one of them "
        "(e.g. --only search; the beat scan is the scenario 'scan')",
    )
    args = parser.parse_args()

    ensure_database(args.database_url)
    manage(args.database_url, "migrate", "--no-input", "-v0")
    setup_django(args.database_url)
    extra = []
    if not seeded(args.requests):
        started = time.perf_counter()
        manage(
            args.database_url, "bench_seed", f"--requests={args.requests}", f"--jobs={args.jobs}"
        )
        extra.append(
            f"Seeding {args.requests:,} requests and {args.jobs:,} jobs took "
            f"{time.perf_counter() - started:.0f} s (manage.py bench_seed)."
        )
    if not search_fields_seeded():
        # A database seeded before search (issue 13): e-mails, phones, description words.
        manage(args.database_url, "bench_seed", "--search-fields-only")
    tok, cookie = token(), session_cookie()
    only = [word.strip() for word in args.only.split(",") if word.strip()]
    plans = {
        name: build()
        for name, build in scenarios(tok, args.count).items()
        if not only or any(word in name for word in only)
    }
    floor_ms = {
        name: floor(captured_sql(plans[name][0][1]), args.database_url, 30)
        for name in FLOORED
        if name in plans
    }
    server = start_gunicorn(args.database_url, args.workers)
    rows = []
    try:
        for name, requests in plans.items():
            headers = {"Content-Type": "application/json", "Cookie": cookie}
            load(requests[:20], min(2, args.clients), headers)  # warm up
            result = load(requests[20:] if len(requests) > 40 else requests, args.clients, headers)
            rows.append(
                {"name": name, **result, "target": TARGETS.get(name), "floor": floor_ms.get(name)}
            )
            print(
                f"{name}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
                f"{result['rps']:.0f}/s",
                flush=True,
            )
        rss = worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if not only or any(word in "beat scan" for word in only):
        scan_ms, flagged = scan_timing(3000)
        rows.append(
            {
                "name": "beat scan, 3,000 due",
                "n": 1,
                "p50": scan_ms,
                "p95": scan_ms,
                "rps": 1000 / scan_ms,
                "target": 250,
                "floor": None,
            }
        )
        extra.append(f"The scan flagged {flagged}.")
    extra.append(
        f"Resident memory per web worker after the run: "
        f"{', '.join(f'{mb:.0f} MB' for mb in rss)} (target: at most 150 MB)."
    )
    extra.append(
        f"{args.workers} gunicorn workers x 2 threads, {args.clients} client processes "
        f"on the same machine, over loopback; PostgreSQL on the same machine."
    )
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    text = report(rows, extra, command.strip())
    print(text)
    Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
