"""Query counts (house rule 7): every job list and ``show`` costs the same with one job as
with many, each job carrying items in every set; a narrow ``fields_set`` costs less and joins
nothing it does not return."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import (
    ActivityType,
    Job,
    JobActivity,
    JobExpense,
    JobPhysicalGood,
    JobStatus,
)
from tests.jobs.conftest import DS_SHOW, NEXT, SHOW, product

pytestmark = pytest.mark.django_db

MANY = 30
# Nested objects fetched apart rather than joined (see crm.api.representation.Nested): the
# account and its owner, the subscription with its account and owner, and the assigned,
# creating and updating units.
APART = 8
STATUS = {
    "DRAFT": "Draft",
    "PENDING": "Assigned",
    "IN_PROGRESS": "In Progress",
    "COMPLETED": "Completed",
    "CANCELLED": "Cancelled",
}
BY_ACCOUNT = {"accounts_receivable_identifier": "number=ACR001143"}
LISTS = [  # method, parameters, state of the jobs it lists
    ("jobs/deactivate_subscription/list", BY_ACCOUNT, "PENDING"),
    ("jobs/all_scopes/list", BY_ACCOUNT, "PENDING"),
    ("jobs/all_scopes/list", {"type_identifier": "name=Deactivate Subscription"}, "DRAFT"),
    ("jobs/all_scopes/get_draft", {}, "DRAFT"),
    ("jobs/all_scopes/get_pending", BY_ACCOUNT, "PENDING"),
    ("jobs/all_scopes/get_in_progress", {}, "IN_PROGRESS"),
    ("jobs/all_scopes/get_completed", {}, "COMPLETED"),
    ("jobs/all_scopes/get_cancelled", {}, "CANCELLED"),
    ("jobs/all_scopes/get_overdue", {}, "PENDING"),
]


@pytest.fixture
def add_jobs(make_job):
    """``add_jobs(n, state)``: n jobs in ``state``, overdue, each with items in all six
    sets (requested ones from the create; provided goods, expenses, activities added)."""
    meeting = ActivityType.objects.get(name="Meeting")

    def add(count: int, state: str) -> list[Job]:
        jobs = [
            make_job("DRAFT", start_date=timezone.now() - timedelta(days=9)) for _ in range(count)
        ]
        status = JobStatus.objects.get(name=STATUS[state])
        Job.objects.filter(pk__in=[j.pk for j in jobs]).update(
            status=status, life_cycle_state=state
        )
        JobPhysicalGood.objects.bulk_create(
            JobPhysicalGood(job=j, product=product("Decoders 1")) for j in jobs
        )
        JobExpense.objects.bulk_create(
            JobExpense(job=j, product=product("Expence 2")) for j in jobs
        )
        JobActivity.objects.bulk_create(
            JobActivity(
                job=j, activity_type=meeting, product=product("MFee"), created_date=timezone.now()
            )
            for j in jobs
        )
        return jobs

    return add


def counted(api, method: str, params: dict) -> tuple[int, list, object]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(method, params)
    assert response.code == "OK", response.body
    return len(queries.captured_queries), queries.captured_queries, response


@pytest.mark.parametrize(("method", "params", "state"), LISTS, ids=lambda v: str(v))
def test_list_costs_the_same_for_one_job_and_many(api, add_jobs, method, params, state):
    add_jobs(1, state)
    api.get(method, params)  # warm-up: per-process caches
    few, _, response = counted(api, method, params)
    assert len(response.data) >= 1
    add_jobs(MANY, state)
    many, _, response = counted(api, method, params)
    assert len(response.data) >= MANY + 1
    assert all(row["physical_goods_set"] and row["activities_set"] for row in response.data[:MANY])
    assert many == few
    # Token, clearance, each identifier parameter, the jobs, one prefetch per set, and the
    # nested objects fetched apart.
    assert few == 2 + len(params) + 1 + 6 + APART


@pytest.mark.parametrize("method", [SHOW, DS_SHOW])
def test_show_costs_the_same_for_few_and_many_items(api, add_jobs, method):
    small, large = add_jobs(2, "PENDING")
    JobPhysicalGood.objects.bulk_create(
        JobPhysicalGood(job=large, product=product("Decoders 1")) for _ in range(MANY)
    )
    api.get(method, {"job_identifier": f"number={small.number}"})
    few, _, _ = counted(api, method, {"job_identifier": f"number={small.number}"})
    many, _, response = counted(api, method, {"job_identifier": f"number={large.number}"})
    assert len(response.data["physical_goods_set"]) == MANY + 1
    assert many == few == 9 + APART


def test_next_status_sequence_costs_the_same(api, add_jobs):
    job = add_jobs(1, "PENDING")[0]
    params = {"job_identifier": f"number={job.number}"}
    api.get(NEXT, params)
    few, _, response = counted(api, NEXT, params)
    assert len(response.data) == 2
    # Token, clearance, the job, whether the type has a sequence, the statuses.
    assert few == 5


def job_query(captured: list) -> str:
    (sql,) = [q["sql"] for q in captured if 'FROM "jobs_job"' in q["sql"]]
    return sql


@pytest.mark.parametrize(
    "method", [SHOW, "jobs/all_scopes/get_draft", "jobs/deactivate_subscription/list"]
)
def test_a_narrow_fields_set_joins_nothing_it_does_not_return(api, add_jobs, method):
    job = add_jobs(1, "DRAFT")[0]
    params = {"job_identifier": f"number={job.number}"} if method == SHOW else {}
    if method.endswith("/list"):
        params = BY_ACCOUNT
    full, _, _ = counted(api, method, params)
    narrow, captured, response = counted(api, method, {**params, "fields_set": "id,number"})
    assert all(set(row) == {"id", "number"} for row in _rows(response))
    assert narrow == full - 6 - APART  # no set, no nested object fetched
    sql = job_query(captured)
    assert "JOIN" not in sql
    assert '"jobs_job"."notes"' not in sql  # only the columns it returns
    _, captured, _ = counted(api, method, {**params, "fields_set": "number,type"})
    sql = job_query(captured)
    assert sql.count("JOIN") == 1
    assert '"jobs_jobtype"' in sql


def _rows(response) -> list:
    return response.data if isinstance(response.data, list) else [response.data]


def test_one_set_costs_one_query(api, add_jobs):
    add_jobs(3, "DRAFT")
    params = {"fields_set": "number,requested_expenses_set"}
    count, captured, _ = counted(api, "jobs/all_scopes/get_draft", params)
    assert count == 4
    assert sum('FROM "jobs_jobrequestedexpense"' in q["sql"] for q in captured) == 1
