"""Contract section 6 on the staff detail pages: every region that names another record (related
requests, the job a request is about, its jobs, a job's request) shows only what the signed-in
user may see, exactly as the Web API does. As the demo agent (clearance 1)."""

import pytest
from django.urls import reverse

from jobs.models import Job
from servicerequests.models import ServiceRequestRelation
from tests.factories import make_service_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, demo):
    client.force_login(demo["agent"])
    return client


def detail(client, sr) -> str:
    response = client.get(reverse("sr-detail", args=[sr.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_related_requests_region_hides_a_restricted_request(agent_client, demo, api):
    public = make_service_request(privacy_level=demo["public"])
    restricted = make_service_request(privacy_level=demo["restricted"])
    visible = make_service_request(privacy_level=demo["public"])
    for other in (restricted, visible):
        ServiceRequestRelation.objects.create(service_request=public, related=other)

    page = detail(agent_client, public)
    assert restricted.number not in page
    assert visible.number in page
    assert reverse("sr-detail", args=[visible.number]) in page

    # The Web API, as the same user, agrees.
    from tests.conftest import Api, token_for

    shown = Api(agent_client, token_for(demo["agent"])).get(
        "service_requests/show",
        {
            "service_request_identifier": f"number={public.number}",
            "fields_set": "related_service_requests_set",
        },
    )
    numbers = [
        item["service_request"]["number"] for item in shown.data["related_service_requests_set"]
    ]
    assert numbers == [visible.number]


def test_the_job_a_request_is_about_is_hidden_when_restricted(agent_client, demo):
    job = Job.objects.get(number="JOB000814")
    sr = make_service_request(
        privacy_level=demo["public"],
        accounts_receivable=job.accounts_receivable,
        referring_to_job=job,
    )
    assert job.number in detail(agent_client, sr)

    Job.objects.filter(pk=job.pk).update(privacy_level=demo["restricted"])
    page = detail(agent_client, sr)
    assert job.number not in page
    assert "About job" not in page


def test_jobs_of_a_request_are_hidden_when_restricted(agent_client, demo):
    sr = make_service_request(privacy_level=demo["public"])
    job = Job.objects.get(number="JOB000814")
    Job.objects.filter(pk=job.pk).update(service_request=sr, privacy_level=demo["restricted"])
    assert job.number not in detail(agent_client, sr)
    Job.objects.filter(pk=job.pk).update(privacy_level=demo["public"])
    assert job.number in detail(agent_client, sr)


def test_a_jobs_request_is_hidden_when_restricted(agent_client, demo):
    sr = make_service_request(privacy_level=demo["restricted"])
    job = Job.objects.get(number="JOB000814")
    Job.objects.filter(pk=job.pk).update(service_request=sr)
    page = agent_client.get(reverse("job-detail", args=[job.number])).content.decode()
    assert sr.number not in page


def test_navigation_counts_leave_out_restricted_requests(agent_client, demo):
    from servicerequests.models import ServiceRequest

    make_service_request(privacy_level=demo["restricted"])
    make_service_request(privacy_level=demo["public"])
    pending = ServiceRequest.objects.filter(life_cycle_state="PENDING")
    hidden = pending.filter(privacy_level=demo["restricted"]).count()
    assert hidden >= 1
    response = agent_client.get(reverse("sr-queue", args=["pending"]))
    counts = {
        item["slug"]: item["count"]
        for section in response.context["nav_sections"]
        if section["title"] == "Service requests"
        for item in section["items"]
    }
    assert counts["pending"] == pending.count() - hidden
