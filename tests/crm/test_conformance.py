"""Conformance with the seeds, checked over HTTP (issue: "the last conformance gaps").

Seed 004: "Fields which are specified as null will be set as null": an update clears what
may be cleared, and refuses null (INVALID_PARAMETER) for what a record must have; it never
answers OK while ignoring it. E-mail fields are validated alike on requests and jobs.
"""

import pytest

from jobs.models import Job
from tests.factories import make_service_request

pytestmark = pytest.mark.django_db

JOB_UPDATE = "jobs/deactivate_subscription/update"
JOB = {"job_identifier": {"number": "JOB000814"}}


def job_row() -> tuple:
    job = Job.objects.get(number="JOB000814")
    return (
        job.status_id,
        job.assigned_to_user_id,
        job.start_date,
        job.expected_completion_date,
        job.estimated_completion_value,
        job.updated_date,
    )


def test_request_update_refuses_a_null_status(api):
    sr = make_service_request()
    response = api.post(
        "service_requests/update",
        {"service_request_identifier": {"number": sr.number}, "status_identifier": None},
    )
    assert (response.status_code, response.code) == (400, "INVALID_PARAMETER")
    assert response.description.startswith("status_identifier")
    sr.refresh_from_db()
    assert sr.status.name == "Pending"


@pytest.mark.parametrize(
    "param", ["assigned_to", "billing_terms", "status_identifier", "start_date"]
)
def test_job_update_refuses_null_for_what_a_job_must_have(api, param):
    before = job_row()
    response = api.post(JOB_UPDATE, {**JOB, param: None})
    assert (response.status_code, response.code) == (400, "INVALID_PARAMETER"), response.body
    assert response.description.startswith(param)
    assert job_row() == before


@pytest.mark.parametrize("param", ["expected_completion_date", "estimated_completion_time"])
def test_job_update_null_clears_the_expected_completion_and_the_estimate(api, param):
    response = api.post(
        JOB_UPDATE,
        {**JOB, param: None, "fields_set": "expected_completion_date,estimated_completion_time"},
    )
    assert response.status_code == 200, response.body
    assert response.data["expected_completion_date"] is None
    assert response.data["estimated_completion_time"] == {
        "time_period_value": None,
        "time_period_uot": None,
    }
    job = Job.objects.get(number="JOB000814")
    assert (job.expected_completion_date, job.estimated_completion_value) == (None, None)


@pytest.mark.parametrize(
    ("method", "body", "param"),
    [
        ("service_requests/update", "sr", "caller_email"),
        (JOB_UPDATE, "job", "contact_email"),
    ],
)
def test_email_fields_are_validated_alike(api, method, body, param):
    target = (
        {"service_request_identifier": {"number": make_service_request().number}}
        if body == "sr"
        else JOB
    )
    response = api.post(method, {**target, param: "not an address"})
    assert (response.status_code, response.code) == (400, "INVALID_PARAMETER")
    assert response.description.startswith(param)
