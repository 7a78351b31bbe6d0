"""The admin's changelists: they cost the same number of queries with few and with many rows,
every one is searchable and filterable and joins what it shows, and service requests and
jobs are found by their number."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import ApiKey, PrivacyLevel, Unit, User
from customers.models import AccountsReceivable, Contact, Country, SubscriptionType
from jobs import models as jm
from products.models import GlobalRate, MeterReadingType, Product, ProductType, UdrType
from servicerequests import models as sm
from tests.admin.helpers import new_job, new_service_request, url

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


# -- changelists are searchable and filterable -----------------------------------------------------


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
