"""Contract section 6 for jobs: a job the caller may not see does not exist for them (show,
actions, lists); and each method's permission (contract section 2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from crm.models import Group, PrivacyLevel
from jobs.api.views import VIEWS
from tests.conftest import Api, token_for
from tests.factories import GroupFactory, UserFactory
from tests.jobs.conftest import (
    CANCEL,
    COMPLETE,
    CREATE,
    DS_SHOW,
    NEXT,
    SHOW,
    START,
    UPDATE,
    create_body,
    job_ref,
    snapshot,
)

pytestmark = pytest.mark.django_db

LISTS = [
    ("jobs/deactivate_subscription/list", {"accounts_receivable_identifier": "number=ACR001143"}),
    ("jobs/all_scopes/list", {"accounts_receivable_identifier": "number=ACR001143"}),
    ("jobs/all_scopes/list", {"type_identifier": "name=Deactivate Subscription"}),
    ("jobs/all_scopes/get_draft", {}),
    ("jobs/all_scopes/get_pending", {}),
    ("jobs/all_scopes/get_in_progress", {}),
    ("jobs/all_scopes/get_completed", {}),
    ("jobs/all_scopes/get_cancelled", {}),
    ("jobs/all_scopes/get_overdue", {}),
]


@pytest.fixture
def hidden_jobs(make_job, demo):
    """One Restricted job in every state (above the agent's clearance), overdue ones too."""
    from datetime import timedelta

    from django.utils import timezone

    restricted = PrivacyLevel.objects.get(name="Restricted")
    start = timezone.now() - timedelta(days=30)
    return {
        state: make_job(state, start_date=start, attributes={"privacy_level": restricted})
        for state in ("DRAFT", "PENDING", "IN_PROGRESS", "COMPLETED", "CANCELLED")
    }


def numbers(response) -> set[str]:
    assert response.code == "OK", response.body
    return {row["number"] for row in response.data}


@pytest.mark.parametrize(("method", "params"), LISTS)
def test_restricted_jobs_are_absent_from_the_agents_lists(
    api, agent_api, hidden_jobs, method, params
):
    hidden = {job.number for job in hidden_jobs.values()}
    assert numbers(api.get(method, params)) & hidden  # the administrator sees some
    assert not numbers(agent_api.get(method, params)) & hidden


@pytest.mark.parametrize("method", [DS_SHOW, SHOW, NEXT])
def test_restricted_job_is_not_found_on_reads(api, agent_api, hidden_jobs, method):
    job = hidden_jobs["PENDING"]
    params = {"job_identifier": f"number={job.number}"}
    assert api.get(method, params).code == "OK"
    response = agent_api.get(method, params)
    assert (response.status_code, response.code) == (404, "ENTITY_NOT_FOUND")
    assert response.description == f"job_identifier: no job with number '{job.number}'"
    # Exactly what a job that does not exist looks like.
    missing = agent_api.get(method, {"job_identifier": "number=JOB999999"})
    assert missing.body["status"]["message"] == response.body["status"]["message"]


@pytest.mark.parametrize(
    ("method", "state", "extra"),
    [
        (UPDATE, "DRAFT", {"description": "x"}),
        (START, "PENDING", {}),
        (COMPLETE, "IN_PROGRESS", {}),
        (CANCEL, "PENDING", {}),
    ],
)
def test_restricted_job_is_not_found_on_writes(agent_api, hidden_jobs, method, state, extra):
    job = hidden_jobs[state]
    before = snapshot(job)
    response = agent_api.post(method, {**job_ref(job), **extra})
    assert (response.status_code, response.code) == (404, "ENTITY_NOT_FOUND")
    assert snapshot(job) == before


def test_jobs_of_another_group_are_hidden(api, agent_api, make_job):
    other = GroupFactory(name="Back Office")  # not one of the agent's groups
    job = make_job("PENDING", attributes={"owned_by_group": other})
    params = {"job_identifier": f"number={job.number}"}
    assert api.get(SHOW, params).code == "OK"  # all-groups permission (superuser)
    assert agent_api.get(SHOW, params).code == "ENTITY_NOT_FOUND"
    listed = numbers(agent_api.get("jobs/all_scopes/get_pending", {}))
    assert job.number not in listed
    own = make_job("PENDING")  # owned by the agent's group (Main Group)
    assert own.owned_by_group == Group.objects.get(name="Main Group")
    assert own.number in numbers(agent_api.get("jobs/all_scopes/get_pending", {}))


def test_public_jobs_are_visible_to_the_agent(agent_api, make_job):
    public = PrivacyLevel.objects.get(name="Public")
    job = make_job("DRAFT", attributes={"privacy_level": public})
    data = agent_api.get(SHOW, {"job_identifier": f"id={job.pk}"}).data
    assert data["privacy_level"]["name"] == "Public"


# -- permissions --------------------------------------------------------------------------------

PERMISSIONS = {
    "jobs/deactivate_subscription/create": "jobs.add_job",
    "jobs/deactivate_subscription/update": "jobs.change_job",
    "jobs/all_scopes/start_progress": "jobs.change_job",
    "jobs/all_scopes/complete": "jobs.change_job",
    "jobs/all_scopes/cancel": "jobs.change_job",
}


def test_every_method_declares_its_permission():
    for view in VIEWS:
        assert view.permission == PERMISSIONS.get(view.method_name, "jobs.view_job")


@pytest.fixture
def nobody(client, demo) -> Api:
    """A user with no role at all."""
    return Api(client, token_for(UserFactory(default_unit=demo["unit"])))


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.method_name)
def test_a_user_without_the_permission_is_denied(nobody, view):
    call = nobody.get if view.verb == "GET" else nobody.post
    response = call(view.method_name, {})
    assert (response.status_code, response.code) == (403, "PERMISSION_DENIED")
    assert view.method_name in response.body["status"]["message"]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.method_name)
def test_without_a_token(anon_api, view):
    call = anon_api.get if view.verb == "GET" else anon_api.post
    assert call(view.method_name, {}).code == "INVALID_TOKEN"


def test_read_permission_alone_reads_but_does_not_write(client, demo, make_job):
    user = UserFactory(default_unit=demo["unit"])
    user.user_permissions.add(Permission.objects.get(codename="view_job"))
    user.crm_groups.add(demo["group"])
    reader = Api(client, token_for(user))
    job = make_job("PENDING")
    assert reader.get(SHOW, {"job_identifier": f"number={job.number}"}).code == "OK"
    assert reader.post(START, job_ref(job)).code == "PERMISSION_DENIED"
    assert reader.post(CREATE, create_body()).code == "PERMISSION_DENIED"


def test_the_agent_works_jobs(agent_api, make_job):
    job = make_job("DRAFT")
    created = agent_api.post(CREATE, create_body(subscription_identifier={"number": "S60993"}))
    assert created.code == "OK"
    assert created.data["log_information"]["created_by_user"]["username"] == "agent"
    assert agent_api.post(CANCEL, job_ref(job)).code == "OK"


def test_a_linked_service_request_the_caller_may_not_see_is_null(api, agent_api, make_job):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_service_request

    hidden = make_service_request(privacy_level=PrivacyLevel.objects.get(name="Restricted"))
    shown = make_service_request()
    jobs = [make_job("PENDING", attributes={"service_request": r}) for r in (hidden, shown)]
    fields = "number,service_request"
    params = [{"job_identifier": f"id={j.pk}", "fields_set": fields} for j in jobs]
    assert api.get(SHOW, params[0]).data["service_request"]["number"] == hidden.number
    agent_api.get(SHOW, params[1])  # warm-up: the agent's permissions
    counts, results = [], []
    for p in params:
        with CaptureQueriesContext(connection) as queries:
            results.append(agent_api.get(SHOW, p).data)
        counts.append(len(queries.captured_queries))
    assert results[0] == {"number": jobs[0].number, "service_request": None}
    assert results[1]["service_request"]["number"] == shown.number
    assert counts[0] == counts[1]  # the guard reads columns already loaded
