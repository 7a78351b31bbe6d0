"""Whether a type is ready to use (issue 11): a state without any allowed status is a warning
after saving (or an error for an effective job type no job can be created with), and the
type lists show a "ready to use" column that costs no query per row."""

from __future__ import annotations

from django.contrib.messages import constants as message_levels
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import SubscriptionType
from jobs import models as jm
from servicerequests import models as sm
from tests.admin.helpers import (
    add_inline_row,
    add_page_data,
    deactivate_subscription,
    delete_status_rows,
    errors_of,
    inline_formset,
    post_type,
    shown_messages,
    status_rows,
    technical_support,
    type_page,
    url,
)

# -- a state without any allowed status is a warning after saving -------------------------------


def test_states_without_statuses_are_warned_about_after_saving(staff_client):
    sr_type = technical_support()
    page, data = type_page(staff_client, sm.ServiceRequestType, sr_type)
    formset = inline_formset(page, sm.ServiceRequestTypeStatus)
    delete_status_rows(data, formset, "Completed", "Cancel", "Temporary Resolved")

    response = post_type(staff_client, sm.ServiceRequestType, sr_type, data, follow=True)

    assert response.redirect_chain, errors_of(response)
    assert shown_messages(response) == [
        (message_levels.SUCCESS, "The service request type “Technical Support” was changed "
         "successfully."),
        (message_levels.WARNING, "Requests of this type cannot be completed: no status of the "
         "Completed state is allowed."),
        (message_levels.WARNING, "Requests of this type cannot be cancelled: no status of the "
         "Cancelled state is allowed."),
        (message_levels.INFO, "Requests of this type go from response straight to final "
         "resolution: no status of the Temporary resolved state is allowed (add one to let "
         "them be temporarily resolved)."),
    ]  # fmt: skip
    states = {row[2] for row in status_rows(sm.ServiceRequestTypeStatus, sr_type)}
    assert states == {"PENDING", "RESPONDED", "FINAL_RESOLVED"}


def test_a_complete_type_saves_without_a_warning(staff_client):
    sr_type = technical_support()
    _page, data = type_page(staff_client, sm.ServiceRequestType, sr_type)
    response = post_type(staff_client, sm.ServiceRequestType, sr_type, data, follow=True)
    assert [level for level, _text in shown_messages(response)] == [message_levels.SUCCESS]


def test_a_new_request_type_without_statuses_is_saved_with_one_warning(staff_client):
    """An admin setting up from nothing may save the type before its statuses: the type is
    saved, and one message says it cannot be used yet and what to add."""
    _page, data = add_page_data(staff_client, sm.ServiceRequestType)
    data.update({"name": "Billing Query", "alternative_code": "BQ"})

    response = staff_client.post(url(sm.ServiceRequestType, "add"), data, follow=True)

    assert response.redirect_chain, errors_of(response)
    assert sm.ServiceRequestType.objects.filter(name="Billing Query").exists()
    assert shown_messages(response)[1:] == [
        (
            message_levels.WARNING,
            "Requests of this type cannot be created yet: it allows no status. Add allowed "
            "statuses for its life cycle states: Pending, Responded, Temporary resolved, "
            "Final resolved, Completed and Cancelled.",
        )
    ]


def test_a_new_request_type_with_its_statuses_is_ready(staff_client):
    page, data = add_page_data(staff_client, sm.ServiceRequestType)
    data.update({"name": "Billing Query"})
    formset = inline_formset(page, sm.ServiceRequestTypeStatus)
    for status in sm.ServiceRequestStatus.objects.exclude(
        name__in=["Waiting for Customer", "On Hold"]
    ):
        add_inline_row(data, formset, {"status": status.pk, "is_default": "on"})

    response = staff_client.post(url(sm.ServiceRequestType, "add"), data, follow=True)

    assert response.redirect_chain, errors_of(response)
    assert [level for level, _text in shown_messages(response)] == [message_levels.SUCCESS]
    sr_type = sm.ServiceRequestType.objects.get(name="Billing Query")
    assert sm.ServiceRequestTypeStatus.objects.filter(type=sr_type, is_default=True).count() == 6


def _job_type_add_data(client, **values) -> tuple:
    page, data = add_page_data(client, jm.JobType)
    data.update(
        {
            "name": "Install Decoder",
            "billing_directive": "NOT_BILLABLE",
            "fulfillment_scope": "GENERIC_PURPOSE",
            "fulfillment_method": "BASED_ON_ORDERED_ITEMS",
            "expiration_settings": "NONE",
            **values,
        }
    )
    return page, data


def test_an_effective_job_type_jobs_cannot_be_created_with_is_an_error(staff_client):
    _page, data = _job_type_add_data(staff_client, life_cycle_state="EFFECTIVE")

    response = staff_client.post(url(jm.JobType, "add"), data)

    assert errors_of(response) == [
        "An effective job type needs a status to create jobs in: allow a Draft or Pending "
        "status, or make the type Not Effective until its statuses are set up."
    ]
    assert not jm.JobType.objects.filter(name="Install Decoder").exists()


def test_a_job_type_not_effective_yet_is_saved_with_a_warning(staff_client):
    _page, data = _job_type_add_data(staff_client, life_cycle_state="NOT_EFFECTIVE")

    response = staff_client.post(url(jm.JobType, "add"), data, follow=True)

    assert response.redirect_chain, errors_of(response)
    assert shown_messages(response)[1:] == [
        (
            message_levels.WARNING,
            "Jobs of this type cannot be created yet: it allows no status. Add allowed "
            "statuses for its life cycle states: Draft, Pending, In progress, Completed and "
            "Cancelled.",
        )
    ]


def test_a_job_type_missing_some_states_is_warned_about(staff_client):
    page, data = _job_type_add_data(staff_client, life_cycle_state="EFFECTIVE")
    formset = inline_formset(page, jm.JobTypeStatus)
    for name in ("Assigned", "In Progress"):
        status = jm.JobStatus.objects.get(name=name)
        add_inline_row(data, formset, {"status": status.pk, "is_default": "on"})

    response = staff_client.post(url(jm.JobType, "add"), data, follow=True)

    assert response.redirect_chain, errors_of(response)
    assert shown_messages(response)[1:] == [
        (message_levels.WARNING, "Jobs of this type cannot be completed: no status of the "
         "Completed state is allowed."),
        (message_levels.WARNING, "Jobs of this type cannot be cancelled: no status of the "
         "Cancelled state is allowed."),
        (message_levels.INFO, "Jobs of this type are created pending: no status of the Draft "
         "state is allowed (add one to let them be kept as drafts)."),
    ]  # fmt: skip


def test_drafts_without_a_pending_status_cannot_be_submitted(staff_client):
    job_type = deactivate_subscription()
    page, data = type_page(staff_client, jm.JobType, job_type)
    delete_status_rows(data, inline_formset(page, jm.JobTypeStatus), "Assigned")
    # The status sequence leads from and to "Assigned": drop it with the status.
    for form in inline_formset(page, jm.JobStatusSequence).forms:
        data[f"{form.prefix}-DELETE"] = "on"

    response = post_type(staff_client, jm.JobType, job_type, data, follow=True)

    assert response.redirect_chain, errors_of(response)
    assert shown_messages(response)[1:] == [
        (
            message_levels.WARNING,
            "Jobs of this type cannot be submitted: no status of the Pending state is allowed.",
        )
    ]


# -- the "ready to use" column -----------------------------------------------------------------


def _readiness_column(client, model) -> dict[str, str]:
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    model_admin = response.context["cl"].model_admin
    return {
        obj.name: str(model_admin.readiness(obj)).split("> ", 1)[1]
        for obj in response.context["cl"].result_list
    }


def test_the_type_list_says_whether_each_type_is_ready(staff_client):
    partial = sm.ServiceRequestType.objects.create(name="Partial")
    for name, default in (("Pending", True), ("Responded", False), ("Completed", True)):
        sm.ServiceRequestTypeStatus.objects.create(
            type=partial, status=sm.ServiceRequestStatus.objects.get(name=name), is_default=default
        )
    sm.ServiceRequestType.objects.create(name="Empty")

    column = _readiness_column(staff_client, sm.ServiceRequestType)

    assert column == {
        "Customer Complaint": "Ready",
        "On-site Repair": "Ready",
        "Empty": "Not ready: no status for Pending, Responded, Final resolved, Completed, "
        "Cancelled",
        "Partial": "Not ready: no status for Final resolved, Cancelled; no default for Responded",
        "Technical Support": "Ready",
    }
    page = staff_client.get(url(sm.ServiceRequestType, "changelist")).content.decode()
    assert "Ready to use" in page
    assert "icon-no.svg" in page
    assert "icon-yes.svg" in page


def test_the_job_type_list_says_whether_each_type_is_ready(staff_client):
    london = SubscriptionType.objects.get(name="London")
    jm.JobType.objects.create(
        name="Empty job type",
        billing_directive="NOT_BILLABLE",
        fulfillment_scope="GENERIC_PURPOSE",
        fulfillment_method="BASED_ON_ORDERED_ITEMS",
        subscription_type=london,
    )
    column = _readiness_column(staff_client, jm.JobType)
    assert column == {
        "Deactivate Subscription": "Ready",
        "Empty job type": "Not ready: no status for Draft or Pending, In progress, Completed, "
        "Cancelled",
    }


def _types_with_statuses(n: int, start: int) -> None:
    statuses = list(sm.ServiceRequestStatus.objects.all())
    for i in range(start, start + n):
        sr_type = sm.ServiceRequestType.objects.create(name=f"Configured type {i}")
        sm.ServiceRequestTypeStatus.objects.bulk_create(
            sm.ServiceRequestTypeStatus(
                type=sr_type, status=status, life_cycle_state=status.life_cycle_state
            )
            for status in statuses
        )


def test_the_readiness_column_costs_no_query_per_row(staff_client):
    page = url(sm.ServiceRequestType, "changelist")
    _types_with_statuses(2, 0)
    staff_client.get(page)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(page)
    _types_with_statuses(20, 2)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(page)
    assert len(many) == len(few)
    assert "no default for Pending, Responded" in response.content.decode()
