"""Admin guard-rails of the configuration (issue 11): a type's allowed statuses cover its life
cycle (an error for a state without a default, a warning for a state without a status, a
"ready to use" column), labels that read well, allowed statuses in life cycle order, the
priority matrix as a grid, and the rule on a status's state as a service."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import constants as message_levels
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from crm.configuration import check_status_state_change, status_change_state
from crm.exceptions import ValidationFailed
from crm.models import User
from customers.models import SubscriptionType
from jobs import models as jm
from servicerequests import models as sm
from tests.admin.test_admin import (
    add_inline_row,
    errors_of,
    form_data,
    inline_formset,
    new_job,
    new_service_request,
    url,
)

# -- helpers (the fixtures are in conftest.py) ---------------------------------------------------


def shown_messages(response) -> list[tuple[int, str]]:
    return [(message.level, strip_tags(str(message))) for message in response.context["messages"]]


def inline_code(html: str) -> list[str]:
    """What the admin's Content-Security-Policy would block: inline styles and scripts."""
    return re.findall(r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)[^>]*>", html)


def status_form(formset, name: str):
    return next(form for form in formset.forms if form.instance.status.name == name)


def status_rows(model, type_) -> list[tuple[str, bool, str]]:
    rows = model.objects.filter(type=type_).select_related("status").order_by("status__name")
    return [(row.status.name, row.is_default, row.life_cycle_state) for row in rows]


def type_page(client, model, type_):
    page = client.get(url(model, "change", type_.pk))
    return page, form_data(page)


def post_type(client, model, type_, data, **kwargs):
    return client.post(url(model, "change", type_.pk), data, **kwargs)


def delete_status_rows(data: dict, formset, *names: str) -> None:
    for name in names:
        data[f"{status_form(formset, name).prefix}-DELETE"] = "on"


def add_page_data(client, model) -> tuple:
    """An add page and the POST data that submits it untouched (no category or scheme
    chosen: a multiple choice left empty posts nothing)."""
    page = client.get(url(model, "add"))
    data = {key: value for key, value in form_data(page).items() if value != ""}
    return page, data


def technical_support() -> sm.ServiceRequestType:
    return sm.ServiceRequestType.objects.get(name="Technical Support")


def deactivate_subscription() -> jm.JobType:
    return jm.JobType.objects.get(name="Deactivate Subscription")


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


# -- the priority matrix grid -------------------------------------------------------------------


def matrix_url(**query) -> str:
    base = url(sm.PriorityRule, "changelist")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def grid_values(response) -> dict[tuple[str, str], str]:
    form = response.context["form"]
    return {form.cells[name]: form[name].value() for name in form.fields}


def grid_post(response, **cells) -> dict:
    """The grid's POST data as the page would send it, with ``cells`` changed."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value() or ""
        data[name] = value
        data[f"initial-{name}"] = value
    data.update({f"cell-{cell}": value for cell, value in cells.items()})
    return data


def matrix() -> dict[tuple[str, str], str]:
    return {
        (rule.impact_level, rule.urgency_level): rule.priority
        for rule in sm.PriorityRule.objects.all()
    }


def test_the_grid_shows_the_standard_levels_with_their_priorities(staff_client):
    response = staff_client.get(matrix_url())

    assert response.status_code == 200
    form = response.context["form"]
    assert form.impacts == ["IMPACT1", "IMPACT2", "IMPACT3"]
    assert form.urgencies == ["URGENCY1", "URGENCY2", "URGENCY3"]
    assert grid_values(response) == matrix()
    assert grid_values(response)[("IMPACT2", "URGENCY3")] == "P4"
    html = response.content.decode()
    assert html.count("<select") == 9
    assert '<option value="P4" selected>P4</option>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Show custom levels" in html
    assert inline_code(html) == []


def test_the_grid_shows_custom_levels_in_use_or_when_asked(staff_client):
    sm.PriorityRule.objects.create(impact_level="CUSTOM2", urgency_level="URGENCY1", priority="P5")

    in_use = staff_client.get(matrix_url()).context["form"]
    assert in_use.impacts == ["IMPACT1", "IMPACT2", "IMPACT3", "CUSTOM2"]
    assert in_use.urgencies == ["URGENCY1", "URGENCY2", "URGENCY3"]

    everything = staff_client.get(matrix_url(custom=1))
    assert len(everything.context["form"].impacts) == 8
    assert len(everything.context["form"].urgencies) == 8
    assert everything.content.decode().count("<select") == 64


def test_saving_the_grid_changes_a_cell_and_records_it(staff_client, superuser):
    before = matrix()
    page = staff_client.get(matrix_url())

    response = staff_client.post(
        matrix_url(), grid_post(page, **{"IMPACT2-URGENCY3": "P1"}), follow=True
    )

    assert response.redirect_chain == [(matrix_url(), 302)]
    assert matrix() == {**before, ("IMPACT2", "URGENCY3"): "P1"}
    (entry,) = LogEntry.objects.filter(content_type__model="priorityrule")
    rule = sm.PriorityRule.objects.get(impact_level="IMPACT2", urgency_level="URGENCY3")
    assert (entry.action_flag, entry.object_id, entry.user) == (CHANGE, str(rule.pk), superuser)
    assert entry.change_message == "Changed priority from P4 to P1."
    assert shown_messages(response) == [
        (
            message_levels.SUCCESS,
            "The priority matrix was saved: IMPACT2 x URGENCY3 changed from P4 to P1.",
        )
    ]


def test_saving_the_grid_adds_and_deletes_rules(staff_client):
    before = matrix()
    page = staff_client.get(matrix_url(custom=1))
    cells = {"IMPACT1-URGENCY1": "", "CUSTOM1-URGENCY2": "P3"}

    response = staff_client.post(matrix_url(custom=1), grid_post(page, **cells))

    assert response.status_code == 302
    expected = {**before, ("CUSTOM1", "URGENCY2"): "P3"}
    del expected[("IMPACT1", "URGENCY1")]
    assert matrix() == expected
    entries = LogEntry.objects.filter(content_type__model="priorityrule")
    assert sorted((e.action_flag, e.object_repr) for e in entries) == [
        (ADDITION, "CUSTOM1 x URGENCY2 = P3"),
        (DELETION, "IMPACT1 x URGENCY1 = P1"),
    ]


def test_saving_the_grid_unchanged_changes_nothing(staff_client):
    before = matrix()
    page = staff_client.get(matrix_url())
    response = staff_client.post(matrix_url(), grid_post(page), follow=True)
    assert matrix() == before
    assert not LogEntry.objects.exists()
    assert shown_messages(response) == [
        (message_levels.INFO, "No cell of the priority matrix changed.")
    ]


def test_saving_the_grid_keeps_a_cell_someone_else_changed_meanwhile(staff_client):
    page = staff_client.get(matrix_url())
    sm.PriorityRule.objects.filter(impact_level="IMPACT3", urgency_level="URGENCY3").update(
        priority="P1"
    )
    staff_client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY2": "P3"}))
    current = matrix()
    assert current[("IMPACT3", "URGENCY3")] == "P1"
    assert current[("IMPACT1", "URGENCY2")] == "P3"


def test_a_bad_priority_is_a_form_error(staff_client):
    before = matrix()
    page = staff_client.get(matrix_url())
    response = staff_client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY1": "P9"}))
    assert response.status_code == 200
    assert "P9 is not one of the available choices" in response.content.decode()
    assert matrix() == before


def _staff_with(*codenames: str) -> User:
    user = User.objects.create_user("matrixeditor", password="x-Long-passw0rd", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="servicerequests", codename__in=codenames)
    )
    return user


def test_a_viewer_sees_the_grid_but_cannot_save_it(client, demo_data):
    before = matrix()
    client.force_login(_staff_with("view_priorityrule"))
    page = client.get(matrix_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "<select" not in html
    assert 'name="_save"' not in html
    assert grid_values(page) == before

    response = client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY1": "P5"}))

    assert response.status_code == 403
    assert matrix() == before
    assert not LogEntry.objects.exists()


def test_without_any_permission_the_grid_is_refused(client, demo_data):
    client.force_login(_staff_with())
    assert client.get(matrix_url()).status_code == 403


def test_filling_an_empty_cell_needs_the_add_permission(client, demo_data):
    before = matrix()
    client.force_login(_staff_with("view_priorityrule", "change_priorityrule"))
    page = client.get(matrix_url(custom=1))

    response = client.post(matrix_url(custom=1), grid_post(page, **{"CUSTOM1-CUSTOM1": "P5"}))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You may not add priority rules: leave the empty cells empty."
    ]
    assert matrix() == before

    response = client.post(matrix_url(), grid_post(page, **{"IMPACT1-URGENCY1": "P5"}))
    assert response.status_code == 302
    assert matrix()[("IMPACT1", "URGENCY1")] == "P5"


def test_the_rules_are_still_listed_one_link_away(staff_client):
    list_url = url(sm.PriorityRule, "list")
    assert list_url in staff_client.get(matrix_url()).content.decode()
    response = staff_client.get(list_url, {"priority__exact": "P3"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_the_grid_costs_the_same_with_custom_rules(staff_client):
    staff_client.get(matrix_url(custom=1))
    with CaptureQueriesContext(connection) as few:
        staff_client.get(matrix_url(custom=1))
    sm.PriorityRule.objects.bulk_create(
        sm.PriorityRule(impact_level=f"CUSTOM{i}", urgency_level=f"CUSTOM{j}", priority="P5")
        for i in range(1, 6)
        for j in range(1, 6)
    )
    with CaptureQueriesContext(connection) as many:
        staff_client.get(matrix_url(custom=1))
    assert len(many) == len(few)


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
