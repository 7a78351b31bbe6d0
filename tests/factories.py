"""factory_boy factories for rows the tests need in numbers."""

import factory
from django.utils import timezone

from crm import models as crm
from customers import models as customers
from jobs import models as jobs
from products import models as products
from servicerequests import models as sr


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = crm.Community

    name = factory.Sequence(lambda n: f"Community {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = crm.Group

    name = factory.Sequence(lambda n: f"Group {n}")
    alternative_code = factory.Sequence(lambda n: f"G{n}")
    community = factory.SubFactory(CommunityFactory)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = crm.Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    alternative_code = factory.Sequence(lambda n: f"U{n}")
    group = factory.SubFactory(GroupFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = crm.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    person_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = customers.Country
        django_get_or_create = ("two_character_code",)

    name = "CYPRUS"
    two_character_code = "CY"
    three_character_code = "CYP"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = customers.Contact

    type = customers.Contact.Type.PERSON
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    id_number = factory.Sequence(lambda n: f"ID{n:07d}")
    country_of_residence = factory.SubFactory(CountryFactory)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = customers.AccountsReceivable

    number = factory.Sequence(lambda n: f"ACR9{n:05d}")
    name = factory.SelfAttribute("number")
    owner = factory.SubFactory(ContactFactory)


class ProductTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = products.ProductType

    name = factory.Sequence(lambda n: f"Product type {n}")
    alternative_code = factory.Sequence(lambda n: f"PT{n}")
    classification = products.ProductType.Classification.SERVICES
    service_type = products.ProductType.ServiceType.ONETIME


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = products.Product

    code = factory.Sequence(lambda n: f"Product {n}")
    alternative_code = factory.Sequence(lambda n: f"P{n}")
    description = factory.Sequence(lambda n: f"Product number {n}")
    product_type = factory.SubFactory(ProductTypeFactory)


class ServiceRequestStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sr.ServiceRequestStatus

    name = factory.Sequence(lambda n: f"Status {n}")
    alternative_code = factory.Sequence(lambda n: f"ST{n}")
    life_cycle_state = sr.LifeCycleState.PENDING


class ServiceRequestTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sr.ServiceRequestType

    name = factory.Sequence(lambda n: f"SR type {n}")
    alternative_code = factory.Sequence(lambda n: f"SRT{n}")


class ServiceRequestCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sr.ServiceRequestCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    code = factory.Sequence(lambda n: f"CAT{n}")


class CancellationReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sr.CancellationReason

    name = factory.Sequence(lambda n: f"Reason {n}")
    alternative_code = factory.Sequence(lambda n: f"R{n}")


class JobStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = jobs.JobStatus

    name = factory.Sequence(lambda n: f"Job status {n}")
    alternative_code = factory.Sequence(lambda n: f"JS{n}")
    life_cycle_state = jobs.JobLifeCycleState.PENDING


class JobTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = jobs.JobType

    name = factory.Sequence(lambda n: f"Job type {n}")
    alternative_code = factory.Sequence(lambda n: f"JT{n}")
    billing_directive = jobs.JobType.BillingDirective.NOT_BILLABLE
    fulfillment_scope = jobs.FulfillmentScope.DEACTIVATE_SUBSCRIPTION
    fulfillment_method = jobs.JobType.FulfillmentMethod.BASED_ON_ORDERED_ITEMS


class JobCancellationReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = jobs.JobCancellationReason

    name = factory.Sequence(lambda n: f"Job reason {n}")
    alternative_code = factory.Sequence(lambda n: f"JR{n}")


def make_service_request(**overrides) -> sr.ServiceRequest:
    """A bare request row, straight into the database (the services come with issue 3)."""
    from crm.numbering import next_number
    from servicerequests.models import ServiceRequestStatus, ServiceRequestType

    now = timezone.now()
    account = overrides.pop(
        "accounts_receivable", None
    ) or customers.AccountsReceivable.objects.get(number="ACR001143")
    status = overrides.pop("status", None) or ServiceRequestStatus.objects.get(name="Pending")
    values = {
        "number": next_number("service_request"),
        "type": ServiceRequestType.objects.get(name="Technical Support"),
        "status": status,
        "life_cycle_state": status.life_cycle_state,
        "category": sr.ServiceRequestCategory.objects.get(code="TECH"),
        "accounts_receivable": account,
        "caller": account.owner,
        "urgency_level": "URGENCY2",
        "impact_level": "IMPACT2",
        "start_date": now,
        "created_date": now,
        "updated_date": now,
    }
    values.update(overrides)
    request = sr.ServiceRequest(**values)
    if request.expected_completion_date and "sla_at_risk_date" not in overrides:
        # As the services do: the at-risk moment follows the target (contract section 8).
        from sla.services import retarget

        retarget(request)
    request.save(force_insert=True)
    return request
