"""The admin pieces the apps share (``crm.admin``): what a base fills in for its subclasses,
the record pages built by one function, the status forms checking against their own app,
and the rules of a job type's inlines that the shared formsets and forms enforce."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from jobs import models as jm
from products.models import Product
from servicerequests import models as sm
from tests.admin.helpers import add_inline_row, errors_of, form_data, inline_formset, url

# -- what the bases fill in -----------------------------------------------------------------------


def test_a_parented_admin_fills_in_what_its_subclass_leaves_out():
    from products.models import MeterReadingType, UdrType

    udr_type = admin.site._registry[UdrType]
    assert udr_type.list_display == ("name", "alternative_code", "unit_of_measurement")
    assert udr_type.list_select_related == ("unit_of_measurement",)
    assert udr_type.list_filter == ("unit_of_measurement",)
    assert udr_type.autocomplete_fields == ("unit_of_measurement",)
    assert udr_type.search_fields == ("name", "alternative_code")
    meter = admin.site._registry[MeterReadingType]
    assert meter.list_display == (
        "name",
        "alternative_code",
        "classification",
        "unit_of_measurement",
    )
    assert meter.search_fields == ("name", "alternative_code", "classification")
    assert meter.list_filter == ("unit_of_measurement",)


def _titles(model) -> list[str | None]:
    return [title for title, _options in admin.site._registry[model].fieldsets]


def test_requests_and_jobs_share_the_record_page_around_their_own_sections():
    shared_end = ["User-defined fields", "Log information"]
    shared_start = [None, "Customer", "Ownership", "Dates", "Description"]
    resolutions = ["Response", "Temporary resolution", "Final resolution"]
    assert _titles(sm.ServiceRequest) == [*shared_start, *resolutions, *shared_end]
    assert _titles(jm.Job) == [*shared_start, *shared_end]


@pytest.mark.parametrize(
    ("status_model", "records_model", "allowed_model"),
    [
        (sm.ServiceRequestStatus, sm.ServiceRequest, sm.ServiceRequestTypeStatus),
        (jm.JobStatus, jm.Job, jm.JobTypeStatus),
    ],
)
def test_a_status_form_checks_against_its_own_app(db, status_model, records_model, allowed_model):
    form = admin.site._registry[status_model].get_form(RequestFactory().get("/admin/"))
    assert (form.records_model, form.allowed_model) == (records_model, allowed_model)


# -- a job type's inlines -------------------------------------------------------------------------


def _post_job_type_row(client, model, values: dict):
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    page = client.get(url(jm.JobType, "change", job_type.pk))
    data = form_data(page)
    add_inline_row(data, inline_formset(page, model), values)
    return client.post(url(jm.JobType, "change", job_type.pk), data)


def _product(code: str) -> str:
    return Product.objects.get(code=code).pk


@pytest.mark.parametrize(
    ("model", "code", "message"),
    [
        (jm.JobTypePhysicalGood, "Material Delivery", "Choose a physical good."),
        (jm.JobTypeExpense, "Antenna 1", "Choose an expense service."),
        (jm.JobTypeExpense, "Material Delivery", "Choose an expense service."),
        (jm.JobTypeActivityService, "Antenna 1", "Choose a service."),
    ],
)
def test_a_product_of_another_kind_is_refused(staff_client, model, code, message):
    before = set(model.objects.values_list("pk", flat=True))
    values = {"product": _product(code)}
    if model is jm.JobTypeActivityService:
        values["activity_type"] = jm.ActivityType.objects.get(name="Meeting").pk

    response = _post_job_type_row(staff_client, model, values)

    assert message in errors_of(response)
    assert set(model.objects.values_list("pk", flat=True)) == before


def test_a_product_of_the_inlines_kind_is_saved(staff_client):
    response = _post_job_type_row(staff_client, jm.JobTypeExpense, {"product": _product("MFee")})
    assert response.status_code == 302, errors_of(response)
    assert jm.JobTypeExpense.objects.filter(product__code="MFee").exists()


def _mark_default(data: dict, formset, match) -> None:
    form = next(form for form in formset.forms if match(form.instance))
    data[f"{form.prefix}-is_default"] = "on"


def test_two_default_steps_from_one_status_in_the_type_are_a_form_error(staff_client):
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    page = staff_client.get(url(jm.JobType, "change", job_type.pk))
    data = form_data(page)
    formset = inline_formset(page, jm.JobStatusSequence)
    _mark_default(data, formset, lambda step: step.to_status.name == "Approved")

    response = staff_client.post(url(jm.JobType, "change", job_type.pk), data)

    assert errors_of(response) == [
        "At most one default next status from “Assigned”: “In Progress” and “Approved” are "
        "all marked default."
    ]
    approved = jm.JobStatusSequence.objects.get(type=job_type, to_status__name="Approved")
    assert approved.is_default is False


def test_two_default_job_cancellation_reasons_are_a_form_error(staff_client):
    job_type = jm.JobType.objects.get(name="Deactivate Subscription")
    page = staff_client.get(url(jm.JobType, "change", job_type.pk))
    data = form_data(page)
    formset = inline_formset(page, jm.JobTypeCancellationReason)
    _mark_default(data, formset, lambda row: row.reason.name.startswith("Wrong Input"))

    response = staff_client.post(url(jm.JobType, "change", job_type.pk), data)

    assert errors_of(response) == [
        "A type has at most one default cancellation reason: “Regret” and “Wrong "
        "Input/Missing Information” are all marked default."
    ]
    defaults = jm.JobTypeCancellationReason.objects.filter(type=job_type, is_default=True)
    assert [row.reason.name for row in defaults] == ["Regret"]
