"""Reads rendered from rows (crm.api.rows, issue 17) give the same bytes as rendered from
model instances (``Representation.fetch``): every top-level field alone, the whole object
and several combinations, over requests and jobs in every state, with and without each
nested object, null values, sets of several rows, and records the caller may not see."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.api import rows
from crm.api.representation import RenderContext
from customers.models import Contact, Subscription
from jobs.api.serializers import JobRepr
from jobs.models import Job
from products.api.serializers import ProductRepr
from products.models import Product
from servicerequests import models as sm
from servicerequests.api.objects import ServiceRequestRepr
from tests.jobs.conftest import actor, make_job  # noqa: F401 (fixtures)
from tests.servicerequests.helpers import S, make_sr
from tests.servicerequests.helpers import make_job as bare_job

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0) + timedelta(hours=1)
SR_SETS = [
    "id,number,services_set",
    "life_cycle_state,response,temporary_resolution,final_resolution",
    "referring_to,related_service_requests_set,sla",
    "caller,accounts_receivable,assigned_to,log_information",
    "time_to_completion,time_overdue,estimated_completion_time,udf_float_1,udf_date_1",
]
JOB_SETS = [
    "id,number,service_request",
    "billing_terms,requested_activity_services_set,activities_set",
    "assigned_to,log_information,subscription,accounts_receivable",
]


def both(rep, queryset, names, user) -> tuple[str, str]:
    """The objects of ``queryset`` rendered from models and from rows, as JSON."""
    ctx = RenderContext(now=NOW, user=user)
    old = rep.render_many(list(rep.fetch(queryset, names)), names, ctx)
    new = rep.render_many(list(rows.fetch(rep, queryset, names)), names, ctx)
    return json.dumps(old), json.dumps(new)


def assert_same(rep, queryset, users, extra_sets) -> int:
    """Every fields_set the same both ways, for each user; how many objects compared."""
    singles = [[name] for name in rep.fields]
    compared = 0
    for user in users:
        for names in [None, *singles, *[s.split(",") for s in extra_sets]]:
            old, new = both(rep, queryset, names, user)
            assert new == old, (user, names)
            compared += len(json.loads(old))
    return compared


@pytest.fixture
def requests(api, demo):
    """Requests in every state, bare and with every nested object, sets of several rows, a
    relation to and a job of restricted records, nulls and values in the user fields."""
    restricted = make_sr(privacy_level=demo["restricted"], description="Secret")
    hidden_job = bare_job()
    Job.objects.filter(pk=hidden_job.pk).update(privacy_level=demo["restricted"])
    made = [make_sr(state) for state in S.values]  # bare: nulls everywhere
    made += [
        make_sr(
            state,
            accepted=("response", "temporary_resolution", "final_resolution"),
            owned_by_group=demo["group"],
            privacy_level=demo["public"],
            assigned_to_user=demo["admin"],
            assigned_to_unit=demo["unit"],
            created_by_unit=demo["unit"],
            updated_by_unit=demo["unit"],
            referring_to_subscription=Subscription.objects.get(number="S60993"),
            referring_to_job=hidden_job if state == S.PENDING else bare_job(),
            caller=Contact.objects.get(pk="EE621BE231714DFE8CE370261BF6DB25"),
            cancellation_reason=sm.CancellationReason.objects.get(alternative_code="CRA"),
            expected_completion_date=NOW - timedelta(days=1),
            estimated_completion_value=3,
            estimated_completion_uot="HOURS",
            udf_string_2="two",
            udf_float_3=1.25,
            udf_date_4=NOW,
            notes="",
        )
        for state in S.values
    ]
    first = made[-1]
    services = list(Product.objects.filter(product_type__classification="SERVICES")[:3])
    goods = list(Product.objects.filter(product_type__classification="PHYSICALGOODS")[:2])
    goods.append(goods[0])  # the same product twice, with another serial number
    for product in services:
        sm.ServiceRequestService.objects.create(service_request=first, product=product)
    for n, product in enumerate(goods):
        sm.ServiceRequestPhysicalGood.objects.create(
            service_request=first, product=product, serial_number=f"SN{n}" if n else None
        )
    for other in (restricted, made[0], made[1]):
        sm.ServiceRequestRelation.objects.create(
            service_request=first, related=other, description="Same" if other != made[0] else ""
        )
    assert len(services) == 3
    assert len(goods) == 3
    return [restricted, *made]


def test_requests_render_the_same_from_rows(requests, demo):
    queryset = sm.ServiceRequest.objects.filter(pk__in=[r.pk for r in requests]).order_by("pk")
    compared = assert_same(ServiceRequestRepr, queryset, [demo["admin"], demo["agent"]], SR_SETS)
    # Each object, for each user and fields_set (the agent does not see the restricted one
    # here: the queryset is not narrowed, so both render it; only nested records hide).
    assert compared == 2 * len(requests) * (1 + len(ServiceRequestRepr.fields) + len(SR_SETS))


def test_a_hidden_related_record_is_null_or_left_out(requests, demo):
    """The agent may not see the restricted request and job: the relation is left out of the
    set, the job referred to is null; the administrator sees both."""
    with_sets = requests[-1]
    pending = requests[1 + len(S.values) + S.values.index(S.PENDING)]
    names = ["referring_to", "related_service_requests_set"]
    queryset = sm.ServiceRequest.objects.filter(pk__in=[with_sets.pk, pending.pk])
    seen = {}
    for user in (demo["admin"], demo["agent"]):
        ctx = RenderContext(now=NOW, user=user)
        objects = {row.pk: row for row in rows.fetch(ServiceRequestRepr, queryset, names)}
        seen[user.username] = (
            len(ServiceRequestRepr.render(objects[with_sets.pk], names, ctx)[names[1]]),
            ServiceRequestRepr.render(objects[pending.pk], names, ctx)[names[0]]["job"] is None,
        )
    assert seen == {"MPAdministrator": (3, False), "agent": (2, True)}


def test_jobs_render_the_same_from_rows(make_job, demo, api):  # noqa: F811
    jobs = [make_job(state) for state in ("DRAFT", "PENDING", "IN_PROGRESS", "COMPLETED")]
    jobs += [make_job("CANCELLED"), make_job("DRAFT")]
    bare = jobs[-1]  # no billing terms, empty sets, nobody assigned
    bare.billing_terms.delete()
    for items in (bare.requested_physical_goods, bare.requested_expenses):
        items.all().delete()
    Job.objects.filter(pk=bare.pk).update(assigned_to_user=None, notes=None)
    hidden = make_sr(privacy_level=demo["restricted"])
    Job.objects.filter(pk=jobs[0].pk).update(service_request=hidden)
    Job.objects.filter(pk=jobs[1].pk).update(service_request=make_sr())
    queryset = Job.objects.filter(pk__in=[j.pk for j in jobs]).order_by("pk")
    compared = assert_same(JobRepr, queryset, [demo["admin"], demo["agent"]], JOB_SETS)
    assert compared == 2 * len(jobs) * (1 + len(JobRepr.fields) + len(JOB_SETS))


def test_products_render_the_same_from_rows(demo):
    queryset = Product.objects.order_by("pk")
    compared = assert_same(ProductRepr, queryset, [demo["admin"]], ["code,global_rate"])
    assert compared == Product.objects.count() * (2 + len(ProductRepr.fields))


def test_a_field_the_plan_does_not_load_is_an_error(demo):
    make_sr()
    names = ["number", "life_cycle_state"]
    row = rows.fetch(ServiceRequestRepr, sm.ServiceRequest.objects.all(), names)[0]
    assert row.number.startswith("SR")
    with pytest.raises(AttributeError, match="does not load"):
        row.description  # noqa: B018
    assert row.is_open is True  # the model's property, from the loaded state
