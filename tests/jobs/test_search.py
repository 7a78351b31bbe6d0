"""``jobs/search`` (contract section 13): number, account, subscription, contact e-mail and
phone; best matches first, then the newest; visibility; fields_set; a constant number of
queries. Runs on SQLite and on PostgreSQL with the same expectations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import AccountsReceivable
from jobs import models as jm
from tests.servicerequests.helpers import assert_error, make_job

pytestmark = pytest.mark.django_db

SEARCH = "jobs/search"
DEMO_JOB = "JOB000814"  # ACR001179, S60992, m_antoniadou@crm.com, 99626262, from 2016


@pytest.fixture
def jobs(demo) -> dict[str, jm.Job]:
    """j1 (ACR001143, a_anton@crm.com / 99848485), j2 (ACR001143, restricted: the agent may
    not see it), j3 (ACR001179, 99626262); a day apart, j1 the oldest."""
    account = AccountsReceivable.objects.get(number="ACR001179")
    account.name = "Antoniadou Household"
    account.save(update_fields=["name"])
    now = timezone.now()
    made = {}
    for days, name, acr, values in [
        (3, "j1", "ACR001143", {"contact_email": "a_anton@crm.com", "contact_phone": "99848485"}),
        (2, "j2", "ACR001143", {"privacy_level": demo["restricted"]}),
        (1, "j3", "ACR001179", {"contact_phone": "99626262"}),
    ]:
        job = make_job(acr)
        jm.Job.objects.filter(pk=job.pk).update(created_date=now - timedelta(days=days), **values)
        made[name] = jm.Job.objects.get(pk=job.pk)
    made["demo"] = jm.Job.objects.get(number=DEMO_JOB)
    return made


def found(api, query: str, **params) -> list[str]:
    response = api.get(SEARCH, {"query": query, **params})
    assert response.status_code == 200, response.body
    return [row["number"] for row in response.data]


EXPECTED = {
    DEMO_JOB: ["demo"],  # 0
    "{j1}": ["j1"],  # 0
    "acr001143": ["j2", "j1"],  # 1: the account's number, any case
    "S60992": ["j3", "demo"],  # 1: the subscription's number
    "s6099": ["j3", "j2", "j1", "demo"],  # 2: part of a subscription number
    "99626262": ["j3", "demo"],  # 1: the contact phone
    "M_Antoniadou@CRM.com": ["demo"],  # 1: the contact e-mail, any case
    "Anton": ["j3", "demo"],  # 2: a word of the account's name, not the middle of an e-mail
    "A_ANTON@": ["j1"],  # 2: the beginning of an e-mail
    "9984": ["j1"],  # 2: the beginning of a phone
    "household": ["j3", "demo"],  # 2: a word of the account's name
    "zz": [],
}


@pytest.mark.parametrize("template", list(EXPECTED))
def test_admin_finds_exactly_these_in_this_order(api, jobs, template):
    query = template.format(**{name: job.number for name, job in jobs.items()})
    assert found(api, query) == [jobs[name].number for name in EXPECTED[template]]


@pytest.mark.parametrize("template", list(EXPECTED))
def test_agent_finds_the_same_without_the_restricted_job(agent_api, jobs, template):
    query = template.format(**{name: job.number for name, job in jobs.items()})
    expected = [jobs[name].number for name in EXPECTED[template] if name != "j2"]
    assert found(agent_api, query) == expected


def test_a_cancelled_job_is_found(api, jobs):
    jm.Job.objects.filter(pk=jobs["j1"].pk).update(
        life_cycle_state="CANCELLED", status=jm.JobStatus.objects.get(life_cycle_state="CANCELLED")
    )
    response = api.get(SEARCH, {"query": "99848485", "fields_set": "number,life_cycle_state"})
    assert response.data == [{"number": jobs["j1"].number, "life_cycle_state": "CANCELLED"}]


def test_the_whole_object_as_show_gives_it(api, jobs):
    response = api.get(SEARCH, {"query": DEMO_JOB})
    shown = api.get("jobs/all_scopes/show", {"job_identifier": f"number={DEMO_JOB}"})
    assert response.data == [shown.data]


def test_pages(api, jobs):
    assert found(api, "s6099", number_of_results="2") == [jobs["j3"].number, jobs["j2"].number]
    assert found(api, "s6099", number_of_results="2", offset="2") == [
        jobs["j1"].number,
        DEMO_JOB,
    ]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "MISSING_MANDATORY_PARAMETER"),
        ({"query": "j"}, 400, "INVALID_PARAMETER"),
        ({"query": " j "}, 400, "INVALID_PARAMETER"),
    ],
)
def test_refusals_name_the_query(api, jobs, params, status, code):
    assert_error(api.get(SEARCH, params), status, code, "query")


def measure(api, query: str, **params) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        numbers = found(api, query, **params)
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    return numbers, len(queries.captured_queries)


@pytest.mark.parametrize("query", ["ACR001143", "s6099"])
def test_query_count_is_the_same_for_few_and_many_rows(api, agent_api, jobs, query):
    few, few_count = measure(api, query, number_of_results="500")
    _, agent_few_count = measure(agent_api, query, number_of_results="500")
    first = jobs["j1"]
    values = {
        f.attname: getattr(first, f.attname)
        for f in jm.Job._meta.concrete_fields
        if f.name not in ("id", "number")
    }
    jm.Job.objects.bulk_create(
        jm.Job(**values, number=f"{first.number}-{i:03d}") for i in range(200)
    )
    many, many_count = measure(api, query, number_of_results="500")
    _, agent_many_count = measure(agent_api, query, number_of_results="500")
    page, page_count = measure(api, query)

    assert len(many) == len(few) + 200
    assert len(page) == 50
    assert few_count == many_count
    # The first page leaves out the 2016 demo job, whose nested units no copy has: a nested
    # object no row of a page has costs no query (crm.api.representation).
    assert page_count <= few_count
    assert agent_few_count == agent_many_count
