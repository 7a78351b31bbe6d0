"""Helpers of the admin tests (the fixtures are in conftest.py): the URLs of admin pages, the
POST data that saves a rendered page unchanged, the errors and messages a response shows,
and the records and type pages the tests start from."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from crm.numbering import next_number
from customers.models import AccountsReceivable, Subscription
from jobs import models as jm
from servicerequests import models as sm

# -- admin pages, forms and their errors -----------------------------------------------------------


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _field_data(form, name: str) -> dict:
    """What the browser posts back for one untouched field of a rendered form."""
    bound = form[name]
    widget = bound.field.widget
    widget = getattr(widget, "widget", widget)  # unwrap the admin's related-field wrapper
    value = bound.value()
    if isinstance(widget, forms.CheckboxInput):
        return {bound.html_name: "on"} if value else {}
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        return {
            f"{bound.html_name}{suffix}": sub.format_value(part) or ""
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True)
        }
    if isinstance(value, list | tuple):
        return {bound.html_name: [str(item) for item in value]}
    return {bound.html_name: "" if value is None else str(value)}


def form_data(response) -> dict:
    """The POST data that saves a rendered admin change page unchanged."""
    data = {}
    rendered = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management[name].html_name] = str(management[name].value())
        rendered.extend(inline.formset.forms)
    for form in rendered:
        for name in form.fields:
            data.update(_field_data(form, name))
    return data


def inline_formset(response, model):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model
    )


def add_inline_row(data: dict, formset, values: dict) -> None:
    total_key = f"{formset.prefix}-TOTAL_FORMS"
    index = int(data[total_key])
    data[total_key] = str(index + 1)
    data.update({f"{formset.prefix}-{index}-{key}": value for key, value in values.items()})


def errors_of(response) -> list[str]:
    """Every error message on a re-rendered admin form: the main form's and the inlines'."""
    assert response.status_code == 200, "the form was accepted"
    error_lists = [*response.context["adminform"].form.errors.values()]
    for inline in response.context["inline_admin_formsets"]:
        error_lists.append(inline.formset.non_form_errors())
        error_lists.extend(error for form in inline.formset.forms for error in form.errors.values())
    return [message for errors in error_lists for message in errors]


def has_error(response, text: str) -> bool:
    return any(text in message for message in errors_of(response))


# -- records the services would create -------------------------------------------------------------


def new_service_request(status=None, **values) -> sm.ServiceRequest:
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    status = status or sm.ServiceRequestStatus.objects.get(name="Pending")
    account = AccountsReceivable.objects.get(number="ACR001143")
    now = timezone.now()
    return sm.ServiceRequest.objects.create(
        **{
            "number": next_number("service_request"),
            "type": sr_type,
            "status": status,
            "life_cycle_state": status.life_cycle_state,
            "category": sm.ServiceRequestCategory.objects.get(name="Technical Issue"),
            "accounts_receivable": account,
            "caller": account.owner,
            "urgency_level": sm.UrgencyLevel.URGENCY1,
            "impact_level": sm.ImpactLevel.IMPACT1,
            "priority": sm.Priority.P1,
            "start_date": now,
            "created_date": now,
            "updated_date": now,
            **values,
        }
    )


def new_job(status=None) -> jm.Job:
    status = status or jm.JobStatus.objects.get(name="Draft")
    subscription = Subscription.objects.get(number="S60993")
    now = timezone.now()
    return jm.Job.objects.create(
        number=next_number("job"),
        type=jm.JobType.objects.get(name="Deactivate Subscription"),
        status=status,
        life_cycle_state=status.life_cycle_state,
        accounts_receivable=subscription.accounts_receivable,
        subscription=subscription,
        start_date=now,
        created_date=now,
        updated_date=now,
    )


# -- messages, statuses and type pages -------------------------------------------------------------


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
