"""Default statuses and reasons of a type (service request and job types): at most one default
per life cycle state, moved in one save, one default cancellation reason, one default next
status, and every state with allowed statuses needs a default."""

from __future__ import annotations

from jobs import models as jm
from servicerequests import models as sm
from tests.admin.helpers import (
    add_inline_row,
    deactivate_subscription,
    delete_status_rows,
    errors_of,
    form_data,
    has_error,
    inline_formset,
    post_type,
    status_form,
    status_rows,
    technical_support,
    type_page,
    url,
)

# -- service request types: default statuses and cancellation reasons ------------------------------


def _defaults(model, type_) -> dict:
    rows = model.objects.filter(type=type_, is_default=True).select_related("status")
    return {row.life_cycle_state: row.status.name for row in rows}


def _set_default(data: dict, formset, status_name: str, value: bool) -> None:
    form = next(f for f in formset.forms if f.instance.status.name == status_name)
    key = f"{form.prefix}-is_default"
    if value:
        data[key] = "on"
    else:
        data.pop(key, None)


def test_two_default_statuses_for_one_state_are_a_form_error(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    before = _defaults(sm.ServiceRequestTypeStatus, sr_type)
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    data = form_data(page)
    # "Pending" is already the default for PENDING; "Waiting for Customer" is PENDING too.
    _set_default(
        data, inline_formset(page, sm.ServiceRequestTypeStatus), "Waiting for Customer", True
    )
    data["description"] = "changed"

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    errors = "\n".join(errors_of(response))
    assert "at most one default status per life cycle state" in errors
    assert "“Pending” and “Waiting for Customer”" in errors
    assert _defaults(sm.ServiceRequestTypeStatus, sr_type) == before
    assert sm.ServiceRequestType.objects.get(pk=sr_type.pk).description != "changed"


def test_moving_the_default_status_in_one_save_works(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    formset = inline_formset(page, sm.ServiceRequestTypeStatus)
    data = form_data(page)
    _set_default(data, formset, "Pending", False)
    _set_default(data, formset, "Waiting for Customer", True)

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert response.status_code == 302, errors_of(response)
    assert _defaults(sm.ServiceRequestTypeStatus, sr_type)["PENDING"] == "Waiting for Customer"


def test_two_default_cancellation_reasons_are_a_form_error(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    formset = inline_formset(page, sm.ServiceRequestTypeCancellationReason)
    data = form_data(page)
    for form in formset.forms:
        data[f"{form.prefix}-is_default"] = "on"

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert has_error(response, "at most one default cancellation reason")
    defaults = sm.ServiceRequestTypeCancellationReason.objects.filter(type=sr_type, is_default=True)
    assert [row.reason.name for row in defaults] == ["Cancellation Reason A"]


# -- job types: default statuses and steps ---------------------------------------------------------


def test_two_default_job_statuses_for_one_state_are_a_form_error(staff_client):
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    before = _defaults(jm.JobTypeStatus, job_type)
    page = staff_client.get(url(jm.JobType, "change", job_type.pk))
    data = form_data(page)
    _set_default(data, inline_formset(page, jm.JobTypeStatus), "Approved", True)

    response = staff_client.post(url(jm.JobType, "change", job_type.pk), data)

    assert has_error(response, "“In Progress” and “Approved”")
    assert _defaults(jm.JobTypeStatus, job_type) == before


def test_second_default_step_from_a_status_is_a_form_error(staff_client):
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    assigned = jm.JobStatus.objects.get(name="Assigned")
    cancelled = jm.JobStatus.objects.get(name="Cancelled")
    before = jm.JobStatusSequence.objects.count()
    response = staff_client.post(
        url(jm.JobStatusSequence, "add"),
        {
            "type": job_type.pk,
            "from_status": assigned.pk,
            "to_status": cancelled.pk,
            "is_default": "on",
        },
    )
    assert has_error(response, "already has a default next status from “Assigned”")
    assert jm.JobStatusSequence.objects.count() == before


def test_job_type_saves_unchanged(staff_client):
    """The job type page, with all its inlines, posts back without an error."""
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    page = staff_client.get(url(jm.JobType, "change", job_type.pk))
    response = staff_client.post(url(jm.JobType, "change", job_type.pk), form_data(page))
    assert response.status_code == 302, errors_of(response)


# -- a state with allowed statuses needs a default -----------------------------------------------


def test_a_state_whose_statuses_have_no_default_is_an_error(staff_client):
    sr_type = technical_support()
    before = status_rows(sm.ServiceRequestTypeStatus, sr_type)
    page, data = type_page(staff_client, sm.ServiceRequestType, sr_type)
    formset = inline_formset(page, sm.ServiceRequestTypeStatus)
    data.pop(f"{status_form(formset, 'Responded').prefix}-is_default")
    data["description"] = "changed"

    response = post_type(staff_client, sm.ServiceRequestType, sr_type, data)

    assert errors_of(response) == [
        "No default status for the Responded state: mark “Responded” as default."
    ]
    assert status_rows(sm.ServiceRequestTypeStatus, sr_type) == before
    assert sm.ServiceRequestType.objects.get(pk=sr_type.pk).description != "changed"


def test_the_error_names_every_status_of_the_state(staff_client):
    sr_type = technical_support()
    page, data = type_page(staff_client, sm.ServiceRequestType, sr_type)
    formset = inline_formset(page, sm.ServiceRequestTypeStatus)
    data.pop(f"{status_form(formset, 'Pending').prefix}-is_default")

    response = post_type(staff_client, sm.ServiceRequestType, sr_type, data)

    assert errors_of(response) == [
        "No default status for the Pending state: mark “On Hold”, “Pending” or “Waiting for "
        "Customer” as default."
    ]
    assert "“Pending” or “Waiting for Customer” as default" in response.content.decode()


def test_a_new_status_row_without_default_in_a_new_state_is_an_error(staff_client):
    """A status added for a state the type did not allow yet must be marked default."""
    sr_type = technical_support()
    page, data = type_page(staff_client, sm.ServiceRequestType, sr_type)
    formset = inline_formset(page, sm.ServiceRequestTypeStatus)
    delete_status_rows(data, formset, "Completed")
    closed = sm.ServiceRequestStatus.objects.create(name="Closed", life_cycle_state="COMPLETED")
    add_inline_row(data, formset, {"status": closed.pk})

    response = post_type(staff_client, sm.ServiceRequestType, sr_type, data)

    assert errors_of(response) == [
        "No default status for the Completed state: mark “Closed” as default."
    ]
    assert not sm.ServiceRequestTypeStatus.objects.filter(status=closed).exists()


def test_a_job_state_whose_statuses_have_no_default_is_an_error(staff_client):
    job_type = deactivate_subscription()
    before = status_rows(jm.JobTypeStatus, job_type)
    page, data = type_page(staff_client, jm.JobType, job_type)
    formset = inline_formset(page, jm.JobTypeStatus)
    data.pop(f"{status_form(formset, 'In Progress').prefix}-is_default")

    response = post_type(staff_client, jm.JobType, job_type, data)

    assert errors_of(response) == [
        "No default status for the In progress state: mark “Approved” or “In Progress” as default."
    ]
    assert status_rows(jm.JobTypeStatus, job_type) == before
