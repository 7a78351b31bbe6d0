"""The staff create form for service requests through the Django test client (the type's
choices, its default status, a refused account), and the notifications page with its unread
count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import Notification
from products.models import Product
from servicerequests import models as sm
from tests.servicerequests.helpers import make_sr
from tests.servicerequests.page_helpers import error_next_to

pytestmark = pytest.mark.django_db


# -- create and notifications -------------------------------------------------------------------


def create_form(**values) -> dict:
    """What the browser sends: every field of the create form, as the page left it."""
    form = {
        "type": "",
        "account": "",
        "caller": "",
        "status": "",
        "category": "",
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
        "description": "",
        "caller_email": "",
        "assign_to_me": "on",
    }
    form.update(values)
    return form


def test_create_form_offers_the_types_choices(admin_client, demo):
    support = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = admin_client.get(reverse("sr-create")).content.decode()
    assert '<input type="checkbox" name="assign_to_me" id="id_assign_to_me" checked>' in page
    assert '<option value="URGENCY2" selected>' in page
    # Choosing the type asks for the form again (htmx), with what the form holds so far.
    page = admin_client.get(
        reverse("sr-create"), create_form(type=support.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    statuses = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    assert re.findall(r">([^<>]+)</option>", statuses) == [
        "---------",
        "On Hold (pauses the clock)",
        "Pending",
        "Waiting for Customer",
    ]
    service = Product.objects.get(code="Material Delivery")
    assert f'<option value="{service.pk}">Material Delivery</option>' in page
    assert 'class="error"' not in page
    assert '<input type="checkbox" name="assign_to_me" id="id_assign_to_me" checked>' in page

    response = admin_client.post(
        reverse("sr-create"),
        create_form(
            type=support.pk,
            account="acr001143",
            status=sm.ServiceRequestStatus.objects.get(name="Pending").pk,
            category=sm.ServiceRequestCategory.objects.get(code="TECH").pk,
            services=[service.pk],
        ),
    )
    assert response.status_code == 302
    sr = sm.ServiceRequest.objects.get(number=response["Location"].split("/")[2])
    assert (sr.assigned_to_user, sr.caller) == (demo["admin"], sr.accounts_receivable.owner)
    assert [s.product.code for s in sr.services.all()] == ["Material Delivery"]

    response = admin_client.post(reverse("sr-create"), create_form(type=support.pk, account="A0"))
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), "id_account") == "No account A0."


def test_choosing_a_type_preselects_its_default_status(admin_client, demo):
    support = sm.ServiceRequestType.objects.get(name="Technical Support")
    page = admin_client.get(
        reverse("sr-create"), create_form(type=support.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    pending = sm.ServiceRequestStatus.objects.get(name="Pending")
    assert f'<option value="{pending.pk}" selected>Pending</option>' in page


def test_notifications_show_the_unread_count(admin_client, demo):
    sr = make_sr()
    for n, read in enumerate((None, None, timezone.now())):
        Notification.objects.create(
            user=demo["admin"],
            kind=Notification.Kind.APPROACHING,
            service_request=sr,
            message=f"{sr.number} approaches its expected completion ({n})",
            key=f"test:{n}",
            created_at=timezone.now() - timedelta(minutes=n),
            read_at=read,
        )
    page = admin_client.get(reverse("notifications")).content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert '<span class="count count--alert">2</span>' in page
    assert page.count("notification--unread") == 2
    response = admin_client.post(reverse("notifications"), {"all": "1"}, follow=True)
    page = response.content.decode()
    assert "2 notification(s) marked as read." in page
    assert "count--alert" not in page
