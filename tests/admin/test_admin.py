"""The Django admin: every page opens, changelists cost the same with few and many rows, and
the admin's validation turns every rule into a form error (never a 500)."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.api.auth import hash_secret
from crm.models import ApiKey, ApiToken, PrivacyLevel, Unit, User
from crm.numbering import next_number
from customers.models import AccountsReceivable, Contact, Country, Subscription, SubscriptionType
from jobs import models as jm
from products.models import GlobalRate, MeterReadingType, Product, ProductType, UdrType
from servicerequests import models as sm

# -- helpers (the fixtures are in conftest.py) ---------------------------------------------------


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


# -- every page opens ---------------------------------------------------------------------------


def test_every_changelist_and_add_page_opens(staff_client, superuser):
    """Add pages open wherever adding is allowed; tokens, requests and jobs are only ever
    created by the services, so their admins refuse to add (403)."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert staff_client.get(url(model, "changelist")).status_code == 200, model
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert staff_client.get(url(model, "add")).status_code == expected, model


def test_every_change_page_opens(staff_client):
    ApiToken.objects.create(
        token_hash=hash_secret("T" * 32),
        user=User.objects.get(username="agent"),
        created_at=timezone.now(),
        expires_at=timezone.now(),
    )
    new_service_request()
    new_job()
    opened = set()
    for model in admin.site._registry:
        obj = model._default_manager.first()
        if obj is not None:
            assert staff_client.get(url(model, "change", obj.pk)).status_code == 200, model
            opened.add(model)
    assert {ApiToken, sm.ServiceRequest, jm.Job, sm.ServiceRequestType, jm.JobType} <= opened


def test_admin_refuses_non_staff(client, demo_data):
    plain = User.objects.create_user("plainuser", password="not-staff-1")
    agent = User.objects.get(username="agent")
    assert not agent.is_staff
    for user in (plain, agent):
        client.force_login(user)
        for page in ("/admin/", url(sm.ServiceRequestType, "changelist"), url(ApiKey, "add")):
            response = client.get(page)
            assert response.status_code == 302, (user, page)
            assert response["Location"].startswith("/admin/login/"), (user, page)
    assert not ApiKey.objects.exists()


# -- changelists cost the same with few and with many rows ---------------------------------------


# Bulk rows are made twice per test (few, then many): names come from one running sequence.
_serial = itertools.count()


def serials(n: int) -> list[int]:
    return [next(_serial) for _ in range(n)]


def _service_request_types(n):
    sm.ServiceRequestType.objects.bulk_create(
        sm.ServiceRequestType(
            name=f"Bulk type {i}",
            alternative_code=f"BT{i}",
            estimated_completion_value=i + 1,
            estimated_completion_uot="HOURS",
        )
        for i in serials(n)
    )


def _product_types(n):
    udr, _ = UdrType.objects.get_or_create(name="Bulk UDR")
    meter, _ = MeterReadingType.objects.get_or_create(name="Bulk meter")
    services = [
        ProductType(
            name=f"Bulk usage {i}",
            classification="SERVICES",
            service_type="USAGE",
            udr_type=udr,
        )
        for i in serials(n // 2)
    ]
    goods = [
        ProductType(
            name=f"Bulk goods {i}",
            classification="PHYSICALGOODS",
            physical_good_type="TRACEABLE",
            meter_reading_type=meter,
        )
        for i in serials(n - n // 2)
    ]
    ProductType.objects.bulk_create(services + goods)


def _products(n):
    types = list(ProductType.objects.all())
    for i in serials(n):
        rate = GlobalRate.objects.create(rate_model="FLATFEEBASED", global_base_amount=Decimal(i))
        Product.objects.create(
            code=f"BULK{i}", product_type=types[i % len(types)], global_rate=rate
        )


def _job_types(n):
    london = SubscriptionType.objects.get(name="London")
    jm.JobType.objects.bulk_create(
        jm.JobType(
            name=f"Bulk job type {i}",
            billing_directive="NOT_BILLABLE",
            fulfillment_scope="GENERIC_PURPOSE",
            fulfillment_method="BASED_ON_ORDERED_ITEMS",
            subscription_type=london,
        )
        for i in serials(n)
    )


def _users(n):
    unit = Unit.objects.get(name="Admin Unit")
    public = PrivacyLevel.objects.get(name="Public")
    User.objects.bulk_create(
        User(username=f"bulkuser{i}", default_unit=unit, clearance=public) for i in serials(n)
    )


def _contacts(n):
    cyprus = Country.objects.get(two_character_code="CY")
    Contact.objects.bulk_create(
        Contact(first_name=f"Bulk{i}", last_name="Contact", country_of_residence=cyprus)
        for i in serials(n)
    )


def _accounts(n):
    owner = Contact.objects.get(id_number="8945612")
    AccountsReceivable.objects.bulk_create(
        AccountsReceivable(number=f"ACR7{i:05d}", name=f"Bulk {i}", owner=owner) for i in serials(n)
    )


def _service_requests(n):
    for _ in range(n):
        new_service_request()


def _jobs(n):
    for _ in range(n):
        new_job()


def _api_keys(n):
    admin_user = User.objects.get(username="MPAdministrator")
    unit = Unit.objects.get(name="Admin Unit")
    ApiKey.objects.bulk_create(
        ApiKey(name=f"key {i}", prefix=f"{i:08d}", key_hash=f"{i:064d}", user=admin_user, unit=unit)
        for i in serials(n)
    )


BULK_ROWS = {
    sm.ServiceRequestType: _service_request_types,
    Product: _products,
    ProductType: _product_types,
    jm.JobType: _job_types,
    User: _users,
    Contact: _contacts,
    AccountsReceivable: _accounts,
    sm.ServiceRequest: _service_requests,
    jm.Job: _jobs,
    ApiKey: _api_keys,
}


def changelist_queries(client, page: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("model", list(BULK_ROWS), ids=lambda model: model.__name__)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, model):
    page = url(model, "changelist")
    BULK_ROWS[model](2)
    changelist_queries(staff_client, page)  # warm caches (content types, sessions)
    few = changelist_queries(staff_client, page)
    before = model._default_manager.count()
    BULK_ROWS[model](30)
    assert model._default_manager.count() >= before + 30
    many = changelist_queries(staff_client, page)
    assert many == few


# -- Web API keys ---------------------------------------------------------------------------------


def test_api_key_add_shows_the_key_once_and_stores_its_hash(staff_client, superuser):
    unit = Unit.objects.get(name="Admin Unit")
    response = staff_client.post(
        url(ApiKey, "add"),
        {"name": "Billing sync", "user": superuser.pk, "unit": unit.pk},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    keys = [m for text in shown for m in re.findall(r"<code>([0-9A-F]{32})</code>", text)]
    assert len(keys) == 1
    raw = keys[0]
    assert raw in response.content.decode()

    key = ApiKey.objects.get(name="Billing sync")
    assert key.key_hash == hash_secret(raw)
    assert key.prefix == raw[:8]
    assert (key.user, key.unit, key.is_active) == (superuser, unit, True)
    assert not LogEntry.objects.filter(change_message__contains=raw).exists()
    assert not LogEntry.objects.filter(object_repr__contains=raw).exists()
    # Shown once: the next page no longer carries it.
    again = staff_client.get(url(ApiKey, "changelist"))
    assert raw not in again.content.decode()
    assert key.prefix in again.content.decode()


def test_api_key_change_renames_and_deactivates_only(staff_client, superuser):
    from crm.services import api_key_create

    key, _raw = api_key_create(name="Old name", user=superuser, unit=None)
    page = staff_client.get(url(ApiKey, "change", key.pk))
    form = page.context["adminform"].form
    assert set(form.fields) == {"name", "is_active"}
    response = staff_client.post(
        url(ApiKey, "change", key.pk),
        {"name": "New name", "key_hash": "0" * 64, "prefix": "HACKED00", "user": "x"},
    )
    assert response.status_code == 302
    changed = ApiKey.objects.get(pk=key.pk)
    assert (changed.name, changed.is_active) == ("New name", False)
    assert (changed.key_hash, changed.prefix, changed.user) == (key.key_hash, key.prefix, superuser)


def test_api_key_unit_must_be_one_of_the_users(staff_client, superuser, demo_data):
    other = Unit.objects.create(name="Other Unit", group=demo_data["group"])
    response = staff_client.post(
        url(ApiKey, "add"), {"name": "Wrong unit", "user": superuser.pk, "unit": other.pk}
    )
    assert has_error(response, "one of the user's units")
    assert not ApiKey.objects.exists()


def test_api_key_name_taken_by_the_same_user_is_a_form_error(staff_client, superuser):
    from crm.services import api_key_create

    api_key_create(name="Sync", user=superuser)
    response = staff_client.post(url(ApiKey, "add"), {"name": "Sync", "user": superuser.pk})
    assert has_error(response, "already exists")
    assert ApiKey.objects.filter(name="Sync").count() == 1


def test_api_tokens_are_read_only(staff_client, superuser):
    token = ApiToken.objects.create(
        token_hash=hash_secret("A" * 32),
        user=superuser,
        created_at=timezone.now(),
        expires_at=timezone.now(),
    )
    assert staff_client.get(url(ApiToken, "add")).status_code == 403
    page = staff_client.get(url(ApiToken, "change", token.pk))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields
    staff_client.post(url(ApiToken, "change", token.pk), {"source": "API_KEY"})
    assert ApiToken.objects.get(pk=token.pk).source == ApiToken.Source.LOGIN


def test_api_tokens_can_be_released(staff_client, superuser):
    token = ApiToken.objects.create(
        token_hash=hash_secret("B" * 32),
        user=superuser,
        created_at=timezone.now(),
        expires_at=timezone.now(),
    )
    response = staff_client.post(
        url(ApiToken, "changelist"), {"action": "release", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).released_at is not None


# -- users ----------------------------------------------------------------------------------


def test_user_add_refuses_a_name_differing_only_in_case(staff_client):
    before = User.objects.count()
    response = staff_client.post(
        url(User, "add"),
        {
            "username": "mpadministrator",
            "usable_password": "true",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert has_error(response, "A user with that username already exists.")
    assert User.objects.count() == before


def test_user_add_then_change_profile(staff_client):
    response = staff_client.post(
        url(User, "add"),
        {
            "username": "newagent",
            "person_name": "New Agent",
            "email": "new@example.com",
            "usable_password": "true",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newagent")
    assert user.person_name == "New Agent"
    assert user.check_password("a-long-Passw0rd!")

    unit = Unit.objects.get(name="Admin Unit")
    page = staff_client.get(url(User, "change", user.pk))
    data = form_data(page)
    data.update({"units": [unit.pk], "default_unit": unit.pk, "clearance": ""})
    response = staff_client.post(url(User, "change", user.pk), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.default_unit == unit
    assert list(user.units.all()) == [unit]


def test_user_change_refuses_a_name_differing_only_in_case(staff_client):
    agent = User.objects.get(username="agent")
    data = form_data(staff_client.get(url(User, "change", agent.pk)))
    data["username"] = "MPADMINISTRATOR"
    response = staff_client.post(url(User, "change", agent.pk), data)
    assert has_error(response, "A user with that username already exists.")
    assert User.objects.get(pk=agent.pk).username == "agent"


def test_user_default_unit_must_be_one_of_the_users_units(staff_client, demo_data):
    agent = User.objects.get(username="agent")
    other = Unit.objects.create(name="Other Unit", group=demo_data["group"])
    data = form_data(staff_client.get(url(User, "change", agent.pk)))
    data["default_unit"] = other.pk
    response = staff_client.post(url(User, "change", agent.pk), data)
    assert has_error(response, "The default unit must be one of the user's units.")
    assert User.objects.get(pk=agent.pk).default_unit.name == "Admin Unit"


# -- service request types: defaults and allowed products ---------------------------------------


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


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"product": "MFee", "product_type": "Expense Type"}, "not both"),
        ({"product": "Antenna 1", "product_type": ""}, "Choose one of the services."),
    ],
)
def test_allowed_service_is_one_product_or_one_type(staff_client, values, message):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    refs = {"product": Product.objects.filter(code=values["product"])}
    refs["product_type"] = ProductType.objects.filter(name=values["product_type"])
    row = {key: str(queryset[0].pk) if queryset else "" for key, queryset in refs.items()}
    before = sm.ServiceRequestTypeService.objects.filter(type=sr_type).count()
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    data = form_data(page)
    add_inline_row(data, inline_formset(page, sm.ServiceRequestTypeService), row)

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert has_error(response, message)
    assert sm.ServiceRequestTypeService.objects.filter(type=sr_type).count() == before


def test_allowed_service_row_cleared_of_both_is_an_error(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    form = inline_formset(page, sm.ServiceRequestTypeService).forms[0]
    data = form_data(page)
    data[f"{form.prefix}-product"] = ""

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert has_error(response, "Give a product or a product type.")
    row = sm.ServiceRequestTypeService.objects.get(pk=form.instance.pk)
    assert row.product.code == "Material Delivery"


def test_the_same_allowed_good_twice_is_an_error(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    data = form_data(page)
    decoder = Product.objects.get(code="Decoders 1")
    formset = inline_formset(page, sm.ServiceRequestTypePhysicalGood)
    add_inline_row(data, formset, {"product": decoder.pk, "product_type": ""})

    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)

    assert has_error(response, "“Decoders 1” is listed more than once.")
    assert sm.ServiceRequestTypePhysicalGood.objects.filter(type=sr_type).count() == 1


def test_allowed_physical_good_by_product_type_is_saved(staff_client):
    sr_type = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = staff_client.get(url(sm.ServiceRequestType, "change", sr_type.pk))
    data = form_data(page)
    accessories = ProductType.objects.get(name="Accessories")
    add_inline_row(
        data,
        inline_formset(page, sm.ServiceRequestTypePhysicalGood),
        {"product": "", "product_type": accessories.pk},
    )
    response = staff_client.post(url(sm.ServiceRequestType, "change", sr_type.pk), data)
    assert response.status_code == 302, errors_of(response)
    row = sm.ServiceRequestTypePhysicalGood.objects.get(type=sr_type, product_type=accessories)
    assert row.product is None


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


# -- product types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"classification": "SERVICES"}, "service_type", "needs a service type"),
        (
            {
                "classification": "SERVICES",
                "service_type": "ONETIME",
                "physical_good_type": "TRACEABLE",
            },
            "physical_good_type",
            "Only physical goods types",
        ),
        ({"classification": "PHYSICALGOODS"}, "physical_good_type", "needs one"),
        (
            {"classification": "SERVICES", "service_type": "ONETIME", "udr_type": "UDR"},
            "udr_type",
            "Only usage services",
        ),
        (
            {
                "classification": "PHYSICALGOODS",
                "physical_good_type": "NONTRACEABLE",
                "meter_reading_type": "METER",
            },
            "meter_reading_type",
            "Only traceable physical goods",
        ),
    ],
)
def test_product_type_classification_rules_are_field_errors(staff_client, values, field, message):
    refs = {
        "UDR": UdrType.objects.create(name="Calls").pk,
        "METER": MeterReadingType.objects.create(name="Electricity").pk,
    }
    data = {"name": "Broken type", "composition_method": "FLAT"}
    data.update({key: refs.get(value, value) for key, value in values.items()})

    response = staff_client.post(url(ProductType, "add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors[field])
    assert "Constraint" not in str(errors)
    assert not ProductType.objects.filter(name="Broken type").exists()


def test_product_type_valid_usage_service_is_saved(staff_client):
    udr = UdrType.objects.create(name="Calls")
    response = staff_client.post(
        url(ProductType, "add"),
        {
            "name": "Usage type",
            "classification": "SERVICES",
            "service_type": "USAGE",
            "composition_method": "FLAT",
            "udr_type": udr.pk,
        },
    )
    assert response.status_code == 302, errors_of(response)
    assert ProductType.objects.get(name="Usage type").udr_type == udr


def test_service_request_is_read_mostly(staff_client):
    request = new_service_request()
    page = staff_client.get(url(sm.ServiceRequest, "change", request.pk))
    assert set(page.context["adminform"].form.fields) == {
        "description",
        *(f"udf_string_{n}" for n in range(1, 9)),
        *(f"udf_float_{n}" for n in range(1, 5)),
        *(f"udf_date_{n}" for n in range(1, 5)),
    }
    data = form_data(page)
    data.update({"description": "Corrected", "life_cycle_state": "COMPLETED"})
    response = staff_client.post(url(sm.ServiceRequest, "change", request.pk), data)
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.description, request.life_cycle_state) == ("Corrected", "PENDING")
    assert request.updated_by_user.username == "MPAdministrator"
    assert staff_client.get(url(sm.ServiceRequest, "delete", request.pk)).status_code == 403


# -- usable at scale: structure of every admin ------------------------------------------------

# Tables that grow with the customer base or the workload: never a <select> of every row.
HUGE = {User, Contact, AccountsReceivable, Subscription, sm.ServiceRequest, jm.Job}


def _admins_and_inlines(request):
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin
        for inline in model_admin.get_inline_instances(request):
            yield inline.model, inline


def _form_fields(model_admin, request):
    if isinstance(model_admin, admin.options.InlineModelAdmin):
        return model_admin.get_formset(request).form.base_fields
    return model_admin.get_form(request).base_fields


def test_every_changelist_is_searchable_filterable_and_joins_what_it_shows(superuser):
    for model, model_admin in admin.site._registry.items():
        assert model_admin.list_display != ("__str__",), model
        assert model_admin.list_filter, model
        assert model_admin.search_fields, model
        joined = model_admin.list_select_related
        assert isinstance(joined, list | tuple), model
        for name in model_admin.list_display:
            field = next((f for f in model._meta.get_fields() if f.name == name), None)
            if field is not None and field.is_relation:
                assert name in joined, (model, name)


def test_foreign_keys_in_forms_never_list_every_row(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in _admins_and_inlines(request):
        if not model_admin.has_change_permission(request):
            continue  # view only: every field is displayed read-only
        for name, formfield in _form_fields(model_admin, request).items():
            if not isinstance(formfield, forms.ModelChoiceField) or name == model._meta.pk.name:
                continue
            target = formfield.queryset.model
            if target in HUGE:
                assert name in model_admin.raw_id_fields, (model, name)
            elif isinstance(formfield, forms.ModelMultipleChoiceField):
                widgets = (*model_admin.filter_horizontal, *model_admin.filter_vertical)
                assert name in (*widgets, *model_admin.autocomplete_fields), (model, name)
            else:
                assert name in (*model_admin.autocomplete_fields, *model_admin.raw_id_fields), (
                    model,
                    name,
                )


def test_every_autocomplete_answers(staff_client, superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = 0
    for model, model_admin in _admins_and_inlines(request):
        for name in model_admin.autocomplete_fields:
            response = staff_client.get(
                "/admin/autocomplete/",
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": name,
                    "term": "a",
                },
            )
            assert response.status_code == 200, (model, name)
            checked += 1
    assert checked > 20


def test_service_requests_and_jobs_are_found_by_number(staff_client):
    request = new_service_request()
    new_service_request()
    job = new_job()
    new_job()
    for model, number in ((sm.ServiceRequest, request.number), (jm.Job, job.number)):
        response = staff_client.get(url(model, "changelist"), {"q": number})
        assert [row.number for row in response.context["cl"].result_list] == [number]
    response = staff_client.get(url(sm.ServiceRequest, "changelist"), {"q": "ACR001143"})
    assert response.context["cl"].result_count == 2
