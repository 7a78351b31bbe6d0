"""How a type's admin page reads (issue 11): labels and inline titles that read well, and the
allowed statuses listed in life cycle order, then by name."""

from __future__ import annotations

import re

from jobs import models as jm
from servicerequests import models as sm
from tests.admin.helpers import (
    deactivate_subscription,
    inline_formset,
    technical_support,
    type_page,
    url,
)

# -- labels -------------------------------------------------------------------------------------


def _inline_titles(response) -> list[str]:
    return [
        str(inline.opts.verbose_name_plural).capitalize()
        for inline in response.context["inline_admin_formsets"]
    ]


def test_request_type_page_labels_read_well(staff_client):
    page, _data = type_page(staff_client, sm.ServiceRequestType, technical_support())

    assert _inline_titles(page) == [
        "Allowed statuses",
        "Allowed services",
        "Allowed physical goods",
        "Allowed cancellation reasons",
        "Completion targets",
    ]
    headings = re.findall(r'class="inline-heading">\s*(.*?)\s*</h2>', page.content.decode())
    assert headings == _inline_titles(page)
    fields = page.context["adminform"].form.fields
    assert fields["estimated_completion_value"].label == "Estimated completion time"
    assert fields["estimated_completion_uot"].label == "Unit of time"
    assert fields["warning_period_value"].label == "Warning period"
    assert fields["warning_period_uot"].label == "Unit of time"
    targets = inline_formset(page, sm.CompletionTarget).empty_form.fields
    assert targets["time_period_value"].label == "Completion time"
    assert targets["time_period_uot"].label == "Unit of time"
    statuses = inline_formset(page, sm.ServiceRequestTypeStatus).form.base_fields
    assert statuses["is_default"].label == "Default for its state"
    reasons = inline_formset(page, sm.ServiceRequestTypeCancellationReason).form.base_fields
    assert reasons["is_default"].label == "Default"


def test_job_type_page_labels_read_well(staff_client):
    page, _data = type_page(staff_client, jm.JobType, deactivate_subscription())

    assert _inline_titles(page) == [
        "Allowed statuses",
        "Status sequence",
        "Allowed cancellation reasons",
        "Allowed physical goods",
        "Allowed expenses",
        "Allowed activity services",
    ]
    fields = page.context["adminform"].form.fields
    assert fields["estimated_completion_value"].label == "Estimated completion time"
    assert fields["warning_period_value"].label == "Warning period"
    assert {fields[name].label for name in fields if name.endswith("_uot")} == {"Unit of time"}
    steps = inline_formset(page, jm.JobStatusSequence).form.base_fields
    assert steps["is_default"].label == "Default next status"


# -- allowed statuses in life cycle order --------------------------------------------------------


def _inline_status_names(client, model, type_, row_model) -> list[str]:
    page = client.get(url(model, "change", type_.pk))
    return [form.instance.status.name for form in inline_formset(page, row_model).forms]


def test_allowed_statuses_sort_in_life_cycle_order_then_by_name(staff_client):
    sr_type = technical_support()
    acknowledged = sm.ServiceRequestStatus.objects.create(
        name="Acknowledged", life_cycle_state="RESPONDED"
    )
    sm.ServiceRequestTypeStatus.objects.create(type=sr_type, status=acknowledged)

    names = _inline_status_names(
        staff_client, sm.ServiceRequestType, sr_type, sm.ServiceRequestTypeStatus
    )

    assert names == [
        "On Hold",
        "Pending",
        "Waiting for Customer",
        "Acknowledged",
        "Responded",
        "Temporary Resolved",
        "Final Resolved",
        "Completed",
        "Cancel",
    ]


def test_allowed_job_statuses_sort_in_life_cycle_order_then_by_name(staff_client):
    names = _inline_status_names(
        staff_client, jm.JobType, deactivate_subscription(), jm.JobTypeStatus
    )
    assert names == ["Draft", "Assigned", "Approved", "In Progress", "Completed", "Cancelled"]
