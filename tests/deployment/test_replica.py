"""An optional read replica (``DATABASE_REPLICA_URL``, crm.routers): the reports, the
dashboard, search and the CSV exports read from the alias ``replica``, with the same
answers; writes, lists and ``show`` never touch it; without it nothing changes.

Here the replica is the test database itself, reached through a second connection, as
settings make it with ``TEST: {"MIRROR": "default"}``. A mirror connection sees only
committed rows, so the tests that read through it use ``transactional_db``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm import export as crm_export
from crm.routers import REPLICA, ReplicaRouter, read_alias, reading_from_replica
from reports import dashboard
from servicerequests.models import ServiceRequest
from tests.crm.test_settings import run_clean
from tests.factories import make_service_request
from tests.servicerequests.helpers import SR, create

SR_TABLE = '"servicerequests_servicerequest"'
JOB_TABLE = '"jobs_job"'
TODAY = timezone.localdate().isoformat()


@contextmanager
def mirror() -> Iterator:
    """The alias ``replica`` on the test database, for the block (unless the run was
    started with DATABASE_REPLICA_URL, which configured it already)."""
    added = REPLICA not in connections.settings
    if added:
        connections.settings[REPLICA] = {**connections.settings[DEFAULT_DB_ALIAS]}
    try:
        # Connected now: the test case allows the aliases it knew when it was set up, and a
        # connection already open (the test client keeps it open between requests).
        connections[REPLICA].connect()
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        if added:
            del connections[REPLICA]
            del connections.settings[REPLICA]


@contextmanager
def captured() -> Iterator[SimpleNamespace]:
    """The queries of the primary and of the replica while the block runs."""
    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connection) as primary,
    ):
        yield SimpleNamespace(replica=replica, primary=primary)


def touching(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if table in q["sql"]]


def searching(queries) -> list[str]:
    """The queries that look for the word "replicated" (the search of these tests)."""
    return [q["sql"] for q in queries.captured_queries if "replicated" in q["sql"].lower()]


def lines(csv_bytes: bytes) -> list[dict]:
    """The file's lines, without the seconds left, which move between two downloads."""
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode())))
    return [{k: v for k, v in row.items() if k != "remaining_seconds"} for row in rows]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def requests(transactional_db, demo) -> list[ServiceRequest]:
    """Committed requests the reports count and the search finds."""
    now = timezone.now()
    return [
        make_service_request(
            description=f"Replicated printer {i}",
            priority=priority,
            assigned_to_user=demo["agent"] if i % 2 else None,
            expected_completion_date=now + timedelta(hours=3 + i),
        )
        for i, priority in enumerate(["P1", "P2", "P2", "P3"])
    ]


READS = [
    ("reports/service_requests/summary", {"group_by": "priority"}),
    ("reports/service_requests/aging", {"group_by": "assigned_to"}),
    ("reports/service_requests/trend", {"period": "DAY", "date_from": TODAY, "date_to": TODAY}),
    (
        "reports/service_requests/sla_compliance",
        {"period": "WEEK", "date_from": TODAY, "date_to": TODAY, "group_by": "priority"},
    ),
    ("service_requests/search", {"query": "replicated", "fields_set": "number,description"}),
    ("jobs/search", {"query": "printer"}),
]


def test_reports_and_search_read_from_the_replica_with_the_same_answers(api, requests):
    expected = {name: api.get(name, params) for name, params in READS}
    assert all(response.status_code == 200 for response in expected.values())
    assert [row["count"] for row in expected[READS[0][0]].data] == [2, 1, 1]
    assert len(expected["service_requests/search"].data) == 4
    with mirror():
        for name, params in READS:
            with captured() as queries:
                response = api.get(name, params)
            assert response.status_code == 200, response.body
            assert response.data == expected[name].data, name
            table = JOB_TABLE if name.startswith("jobs/") else SR_TABLE
            assert touching(queries.replica, table), name
            assert touching(queries.primary, table) == [], name


def test_the_dashboard_header_search_and_export_read_from_the_replica(demo, requests):
    admin = demo["admin"]
    client = signed_in(admin)
    before = dashboard.count(admin, {})
    search_page = client.get("/search/", {"q": "replicated"}).content.decode()
    csv_text = b"".join(client.get("/requests/queue/all/export.csv?").streaming_content)
    assert all(sr.number in search_page and sr.number.encode() in csv_text for sr in requests)
    opened_on = []
    real_atomic = transaction.atomic

    def atomic(*args, using=None, **kwargs):
        opened_on.append(using)
        return real_atomic(*args, using=using, **kwargs)

    with mirror():
        with captured() as queries:
            after = dashboard.count(admin, {})
        assert (after.tiles, after.tables) == (before.tiles, before.tables)
        assert touching(queries.replica, SR_TABLE)
        assert touching(queries.primary, SR_TABLE) == []

        with captured() as queries:
            page = client.get("/search/", {"q": "replicated"}).content.decode()
        assert all(sr.number in page for sr in requests)
        # The search's queries (the page's own, its counts and notifications, stay put).
        assert searching(queries.replica)
        assert searching(queries.primary) == []

        crm_export.transaction = SimpleNamespace(atomic=atomic)
        try:
            with captured() as queries:
                response = client.get("/requests/queue/all/export.csv?")
                streamed = b"".join(response.streaming_content)
        finally:
            crm_export.transaction = transaction
        assert lines(streamed) == lines(csv_text)
        # The server-side cursor's transaction is opened where the cursor reads.
        assert opened_on == [REPLICA]
        assert touching(queries.replica, SR_TABLE)
        assert touching(queries.primary, SR_TABLE) == []


def test_writes_lists_and_show_stay_on_the_primary(api, requests):
    with mirror(), captured() as queries:
        made = create(api, description="Written to the primary")
        listed = api.get(
            "service_requests/list",
            {"accounts_receivable_identifier": "number=ACR001143", "fields_set": "number"},
        )
        shown = api.get("service_requests/show", {SR: f"number={made['number']}"})
        updated = api.post(
            "service_requests/update",
            {SR: {"number": made["number"]}, "description": "Still the primary"},
        )
    assert (listed.status_code, shown.status_code, updated.status_code) == (200, 200, 200)
    assert made["number"] in [row["number"] for row in listed.data]
    assert queries.replica.captured_queries == []
    assert touching(queries.primary, SR_TABLE)


@pytest.mark.django_db
def test_a_read_inside_a_transaction_of_the_primary_stays_there(demo, api):
    """Its own writes are not on the replica yet (nor, here, the test's rows)."""
    make_service_request(description="Uncommitted replicated row")
    with mirror():
        assert connection.in_atomic_block
        with reading_from_replica() as alias:
            assert alias == DEFAULT_DB_ALIAS
            assert ServiceRequest.objects.all().db == DEFAULT_DB_ALIAS
            assert ServiceRequest.objects.filter(description__contains="Uncommitted").count() == 1
        # (The test case forbids the replica's connection here: a query there would raise.)
        with CaptureQueriesContext(connection) as primary:
            response = api.get("reports/service_requests/summary", {"group_by": "priority"})
        assert response.status_code == 200
        assert touching(primary, SR_TABLE)


@pytest.mark.django_db
def test_without_a_replica_everything_reads_from_the_primary(demo, api):
    assert REPLICA not in connections.settings
    assert read_alias() == DEFAULT_DB_ALIAS
    with reading_from_replica() as alias:
        assert alias == DEFAULT_DB_ALIAS
        assert ServiceRequest.objects.all().db == DEFAULT_DB_ALIAS
    with CaptureQueriesContext(connection) as primary:
        response = api.get("reports/service_requests/summary", {"group_by": "priority"})
    assert response.status_code == 200
    assert touching(primary, SR_TABLE)


def test_the_router_writes_to_and_migrates_only_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(ServiceRequest) == DEFAULT_DB_ALIAS
    assert router.db_for_read(ServiceRequest) is None  # outside reading_from_replica()
    assert router.allow_migrate(REPLICA, "servicerequests") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "servicerequests") is None


# -- settings --------------------------------------------------------------------------------


def databases(**env) -> dict:
    code = (
        "import json, crm.settings as s; "
        "print(json.dumps({'databases': s.DATABASES, 'routers': s.DATABASE_ROUTERS}, default=str))"
    )
    result = run_clean(["-c", code], DJANGO_SECRET_KEY="x" * 50, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_database_replica_url_adds_the_alias_with_the_primarys_options():
    found = databases(
        DATABASE_URL="postgres://crm@primary.internal:5432/crm",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/crm",
    )
    primary, replica = found["databases"]["default"], found["databases"][REPLICA]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "replica.internal",
        "reader",
        "crm",
    )
    assert replica["OPTIONS"] == primary["OPTIONS"]
    assert replica["OPTIONS"]["prepare_threshold"] == 2
    assert replica["CONN_MAX_AGE"] == primary["CONN_MAX_AGE"]
    assert replica["TEST"] == {"MIRROR": "default"}
    assert found["routers"] == ["crm.routers.ReplicaRouter"]


def test_without_database_replica_url_there_is_no_replica_alias():
    found = databases(DATABASE_URL="postgres://crm@primary.internal:5432/crm")
    assert list(found["databases"]) == ["default"]


def test_a_replica_of_another_kind_of_database_is_refused():
    result = run_clean(
        ["-c", "import crm.settings"],
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://crm@primary.internal:5432/crm",
        DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must be the same kind of database" in result.stderr
