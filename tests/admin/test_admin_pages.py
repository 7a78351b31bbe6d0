"""The Django admin's pages: every changelist, add and change page opens, non-staff users are
refused, records made by the services are read-mostly, and every form stays usable at scale
(no <select> of every row; every autocomplete answers)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from crm.api.auth import hash_secret
from crm.models import ApiKey, ApiToken, User
from customers.models import AccountsReceivable, Contact, Subscription
from jobs import models as jm
from servicerequests import models as sm
from tests.admin.helpers import form_data, new_job, new_service_request, url

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
