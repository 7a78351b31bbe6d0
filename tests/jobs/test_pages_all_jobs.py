"""All jobs (issue 13): every state, every filter of the one JobFilterSet with the browser's
date inputs, bad input named next to its filter, visibility, a constant number of queries;
and a filter another job queue cannot hold moving the page to All jobs."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import AccountsReceivable
from jobs import models as jm
from tests.conftest import clear_cache
from tests.jobs.test_pages import (  # noqa: F401 (fixtures)
    DEMO_JOB,
    admin_client,
    agent_client,
    clone,
    error_next_to,
    measure,
    new_job,
    rows_of,
)

pytestmark = pytest.mark.django_db

ALL = reverse("job-queue", args=["all"])
NAV_COUNT = re.compile(r'<span>All jobs</span>\s*<span class="count"[^>]*>(\d+)</span>')


def local(*parts) -> datetime:
    return timezone.make_aware(datetime(*parts))


@pytest.fixture
def jobs(new_job, demo) -> dict[str, jm.Job]:  # noqa: F811
    """A job in each of four states on ACR001143, each told apart by the filters."""
    made = {state: new_job(state.upper()) for state in ("draft", "pending", "completed")}
    made["cancelled"] = new_job("CANCELLED")
    category = jm.JobCategory.objects.create(name="Repairs", code="REP")
    main = demo["group"]  # the jobs' group, from their assignee
    field_team = main.__class__.objects.create(name="Field team", community_id=main.community_id)
    values = {
        "draft": {
            "created_date": local(2026, 1, 10, 9, 0),
            "expected_completion_date": local(2026, 2, 1, 10, 0),
            "category": category,
        },
        "pending": {
            "created_date": local(2026, 1, 20, 9, 0),
            "expected_completion_date": None,
            "assigned_to_user": None,
            "owned_by_group": field_team,
        },
        "completed": {
            "created_date": local(2026, 2, 5, 9, 0),
            "expected_completion_date": local(2026, 2, 10, 8, 0),
            "actual_completed_date": local(2026, 6, 15, 14, 0),
        },
        "cancelled": {"created_date": local(2026, 3, 1, 9, 0), "expected_completion_date": None},
    }
    for key, change in values.items():
        jm.Job.objects.filter(pk=made[key].pk).update(**change)
        made[key].refresh_from_db()
    return made


def listed(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return rows_of(response.content.decode())


def numbers(jobs: dict, *keys: str) -> list[str]:
    return sorted(jobs[key].number for key in keys)


def test_all_jobs_lists_every_state_newest_first(admin_client, jobs):  # noqa: F811
    clear_cache()  # the navigation counts are cached per user for a few seconds
    page = admin_client.get(ALL).content.decode()
    assert "<h1>Jobs: All jobs</h1>" in page
    mine = [jobs[key].number for key in ("cancelled", "completed", "pending", "draft")]
    assert rows_of(page) == [*mine, DEMO_JOB]  # the demo job was created in 2016
    assert NAV_COUNT.search(page).group(1) == "5"


def test_every_filter_of_all_jobs(admin_client, jobs, demo):  # noqa: F811
    account = jobs["draft"].accounts_receivable_id
    draft = jm.JobStatus.objects.get(name="Draft")
    cases = [
        ("state=CANCELLED", ["cancelled"]),
        ("state=DRAFT&state=COMPLETED", ["draft", "completed"]),
        (f"status={draft.pk}", ["draft"]),
        (f"type={jobs['draft'].type_id}", ["draft", "pending", "completed", "cancelled"]),
        (f"category={jobs['draft'].category_id}", ["draft"]),
        (f"assignee={demo['admin'].pk}", ["draft", "completed", "cancelled"]),
        ("unassigned=true", ["pending"]),
        ("unassigned=false", ["draft", "completed", "cancelled"]),
        (f"group={jobs['pending'].owned_by_group_id}", ["pending"]),
        (f"group={demo['group'].pk}", ["draft", "completed", "cancelled"]),
        ("created_from=2026-01-20", ["pending", "completed", "cancelled"]),
        ("created_to=2026-01-20", ["draft", "pending"]),
        ("created_from=2026-01-20T09:01&created_to=2026-02-05T09:00", ["completed"]),
        ("due_before=2026-02-01", ["draft"]),
        ("due_after=2026-02-01T10:01", ["completed"]),
        ("completed_from=2026-06-15", ["completed"]),
        ("completed_to=2026-06-14", []),
    ]
    for query, keys in cases:
        url = f"{ALL}?{query}&accounts_receivable={account}&sort=number"
        assert listed(admin_client, url) == numbers(jobs, *keys), query
    other = AccountsReceivable.objects.get(number="ACR001179")
    assert listed(admin_client, f"{ALL}?accounts_receivable={other.pk}") == [DEMO_JOB]


@pytest.mark.parametrize(
    ("query", "field", "error"),
    [
        (
            "created_from=1.2.2026",
            "created_from",
            "Enter a date (2026-12-01) or a date and time (2026-12-01T09:30).",
        ),
        (
            "completed_to=2026-13-01",
            "completed_to",
            "Enter a date (2026-12-01) or a date and time (2026-12-01T09:30).",
        ),
        ("due_after=1899-12-31T23:00", "due_after", "Enter a year from 1900 to 9998."),
        (
            "state=SHELVED",
            "state",
            "Select a valid choice. SHELVED is not one of the available choices.",
        ),
    ],
)
def test_a_bad_filter_is_named_next_to_it(admin_client, jobs, query, field, error):  # noqa: F811
    response = admin_client.get(f"{ALL}?{query}&unassigned=true")
    assert response.status_code == 200
    page = response.content.decode()
    assert error_next_to(page, f"id_{field}") == error
    label = {"due_after": "Expected completion from"}.get(
        field, field.replace("_", " ").capitalize()
    )
    assert f"Filter ignored: {label}: {error}" in html.unescape(page)
    assert rows_of(page) == [jobs["pending"].number]  # unassigned=true still applies


def test_a_to_before_its_from_is_refused_next_to_the_to(admin_client, jobs):  # noqa: F811
    url = f"{ALL}?completed_from=2026-07-01&completed_to=2026-06-01"
    page = admin_client.get(url).content.decode()
    assert error_next_to(page, "id_completed_to") == "Must not be before completed from."
    assert rows_of(page) == []  # completed from 1 July still applies


def test_the_agent_does_not_see_a_restricted_job_in_all_jobs(
    admin_client,  # noqa: F811
    agent_client,  # noqa: F811
    jobs,
    new_job,  # noqa: F811
):
    restricted = new_job("CANCELLED", level="restricted")
    # Neither the restricted job nor the pending one, owned by a group the agent is not in.
    seen = sorted([DEMO_JOB, *numbers(jobs, "draft", "completed", "cancelled")])
    assert listed(agent_client, f"{ALL}?sort=number") == seen
    assert listed(agent_client, f"{ALL}?state=CANCELLED") == [jobs["cancelled"].number]
    assert listed(admin_client, f"{ALL}?state=CANCELLED&sort=number") == sorted(
        [jobs["cancelled"].number, restricted.number]
    )
    clear_cache()  # the navigation counts are cached per user for a few seconds
    assert NAV_COUNT.search(agent_client.get(ALL).content.decode()).group(1) == "4"


@pytest.mark.parametrize(
    ("slug", "query", "message", "keys"),
    [
        ("pending", "state=CANCELLED", "Cancelled jobs are not in Pending", ["cancelled"]),
        (
            "draft",
            "state=DRAFT&state=COMPLETED",
            "Completed jobs are not in Draft",
            ["draft", "completed"],
        ),
        ("in-progress", "state=PENDING", "Pending jobs are not in In progress", ["pending"]),
        ("overdue", "state=COMPLETED", "Completed jobs are not in Overdue", ["completed"]),
    ],
)
def test_a_filter_a_job_queue_cannot_hold_moves_to_all_jobs(
    admin_client,  # noqa: F811
    jobs,
    slug,
    query,
    message,
    keys,
):
    account = jobs["draft"].accounts_receivable_id
    query = f"{query}&accounts_receivable={account}&sort=number"
    response = admin_client.get(f"{reverse('job-queue', args=[slug])}?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"{ALL}?{query}"
    page = html.unescape(admin_client.get(response["Location"]).content.decode())
    assert f"{message}: showing All jobs." in page
    assert rows_of(page) == numbers(jobs, *keys)


def test_a_state_within_the_queue_stays_there(admin_client, jobs):  # noqa: F811
    url = reverse("job-queue", args=["draft"]) + "?state=DRAFT&category="
    assert listed(admin_client, url) == [jobs["draft"].number]
    page = admin_client.get(url).content.decode()
    text = "Choosing one that Draft does not hold opens All jobs."
    assert f'<p class="help" id="id_state_helptext">{text}</p>' in page


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_filtered_all_jobs_costs_the_same_for_5_and_200_jobs(demo, new_job, who):  # noqa: F811
    client = Client()
    client.force_login(demo[who])
    first = new_job("CANCELLED")
    url = (
        f"{ALL}?state=CANCELLED&created_from=2020-01-01&created_to=2099-12-31"
        f"&assignee={demo['admin'].pk}&type={first.type_id}&status={first.status_id}"
    )
    clone(first, 4)
    few, page, _ = measure(client, url)
    assert len(rows_of(page)) == 5
    clone(first, 195, 4)
    many, page, sqls = measure(client, url)
    assert len(rows_of(page)) == 25
    assert few == many, "\n".join(sqls)
