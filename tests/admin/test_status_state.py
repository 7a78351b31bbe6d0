"""The life cycle state of a status: it cannot change while records use the status or when it
would clash with another default; the rule is a service, and the admin shows its refusal on
the state field."""

from __future__ import annotations

import pytest

from crm.configuration import check_status_state_change, status_change_state
from crm.exceptions import ValidationFailed
from jobs import models as jm
from servicerequests import models as sm
from tests.admin.helpers import errors_of, form_data, has_error, new_job, new_service_request, url

# -- statuses: the state of a status in use cannot change ---------------------------------------


def _change_state(client, model, status, state: str):
    data = form_data(client.get(url(model, "change", status.pk)))
    data["life_cycle_state"] = state
    return client.post(url(model, "change", status.pk), data)


def test_state_of_a_status_used_by_a_request_cannot_change(staff_client):
    status = sm.ServiceRequestStatus.objects.get(name="Waiting for Customer")
    request = new_service_request(status=status)

    response = _change_state(staff_client, sm.ServiceRequestStatus, status, "RESPONDED")

    assert has_error(response, "This status is used by service requests")
    assert sm.ServiceRequestStatus.objects.get(pk=status.pk).life_cycle_state == "PENDING"
    assert sm.ServiceRequest.objects.get(pk=request.pk).life_cycle_state == "PENDING"


def test_state_of_a_default_status_cannot_clash_with_another_default(staff_client):
    status = sm.ServiceRequestStatus.objects.get(name="Pending")
    response = _change_state(staff_client, sm.ServiceRequestStatus, status, "RESPONDED")
    assert has_error(response, "already have a default status for Responded")
    assert sm.ServiceRequestStatus.objects.get(pk=status.pk).life_cycle_state == "PENDING"


def test_state_of_an_unused_status_changes_with_its_type_rows(staff_client):
    status = sm.ServiceRequestStatus.objects.get(name="Waiting for Customer")
    response = _change_state(staff_client, sm.ServiceRequestStatus, status, "RESPONDED")
    assert response.status_code == 302, errors_of(response)
    rows = sm.ServiceRequestTypeStatus.objects.filter(status=status)
    assert rows.count() == 3  # one per demo type
    assert {row.life_cycle_state for row in rows} == {"RESPONDED"}


def test_state_of_a_job_status_used_by_a_job_cannot_change(staff_client):
    status = jm.JobStatus.objects.get(name="Approved")
    new_job(status=status)

    response = _change_state(staff_client, jm.JobStatus, status, "PENDING")

    assert has_error(response, "This status is used by jobs")
    assert jm.JobStatus.objects.get(pk=status.pk).life_cycle_state == "IN_PROGRESS"


# -- the state of a status: a service, shown by the admin on the field ---------------------------


def test_the_service_refuses_the_state_of_a_status_in_use(db):
    status = sm.ServiceRequestStatus.objects.get(name="Waiting for Customer")
    new_service_request(status=status)
    with pytest.raises(ValidationFailed) as refused:
        status_change_state(
            status=status,
            new_state="RESPONDED",
            records_model=sm.ServiceRequest,
            allowed_model=sm.ServiceRequestTypeStatus,
        )
    assert refused.value.param == "life_cycle_state"
    assert refused.value.message.startswith("This status is used by service requests")
    assert sm.ServiceRequestStatus.objects.get(pk=status.pk).life_cycle_state == "PENDING"
    rows = sm.ServiceRequestTypeStatus.objects.filter(status=status)
    assert {row.life_cycle_state for row in rows} == {"PENDING"}


def test_the_service_refuses_a_state_that_clashes_with_another_default(db):
    status = jm.JobStatus.objects.get(name="In Progress")
    with pytest.raises(ValidationFailed) as refused:
        check_status_state_change(
            status=status,
            new_state="COMPLETED",
            records_model=jm.Job,
            allowed_model=jm.JobTypeStatus,
        )
    assert refused.value.message == (
        "This status is a default of “Deactivate Subscription”, which already have a default "
        "status for Completed; make this status a non-default first."
    )


def test_the_service_moves_a_status_and_its_type_rows_together(db):
    status = jm.JobStatus.objects.get(name="Approved")
    changed = status_change_state(
        status=status,
        new_state="PENDING",
        records_model=jm.Job,
        allowed_model=jm.JobTypeStatus,
    )
    assert changed.life_cycle_state == "PENDING"
    assert jm.JobStatus.objects.get(pk=status.pk).life_cycle_state == "PENDING"
    assert jm.JobTypeStatus.objects.get(status=status).life_cycle_state == "PENDING"


def test_the_admin_shows_the_services_refusal_on_the_state_field(staff_client):
    status = jm.JobStatus.objects.get(name="Approved")
    new_job(status=status)
    data = form_data(staff_client.get(url(jm.JobStatus, "change", status.pk)))
    data.update({"life_cycle_state": "PENDING", "description": "changed"})

    response = staff_client.post(url(jm.JobStatus, "change", status.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["life_cycle_state"] == [
        "This status is used by jobs, which hold its life cycle state; changing it would make "
        "them wrong. Add a new status for the other state instead."
    ]
    unchanged = jm.JobStatus.objects.get(pk=status.pk)
    assert (unchanged.life_cycle_state, unchanged.description) == ("IN_PROGRESS", None)
