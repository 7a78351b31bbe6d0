"""Customers: contacts, their accounts receivable and subscriptions.

Only what service requests and jobs refer to is kept here; CRM.COM's billing, rating and
provisioning are out of scope.
"""

from django.db import models

from crm.models.base import Entity, Named, NamedEntity, nullable_fk


class Country(Named, Entity):
    """A country, for contacts' demographics."""

    alternative_code = models.CharField(max_length=20, null=True, blank=True)
    two_character_code = models.CharField(max_length=2, unique=True)
    three_character_code = models.CharField(max_length=3, unique=True)

    class Meta(Named.Meta):
        verbose_name_plural = "countries"


class Contact(Entity):
    """Contact information: a person or a company (a caller, an account owner, ...)."""

    class Type(models.TextChoices):
        PERSON = "PERSON"
        COMPANY = "COMPANY"

    class LifeCycleState(models.TextChoices):
        MARKETING = "MARKETING"
        FINANCIAL = "FINANCIAL"

    class Gender(models.TextChoices):
        MALE = "MALE"
        FEMALE = "FEMALE"

    type = models.CharField(max_length=10, choices=Type.choices, default=Type.PERSON)
    title = models.CharField(max_length=30, blank=True, default="")
    first_name = models.CharField(max_length=100, blank=True, default="")
    middle_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    company_name = models.CharField(max_length=200, blank=True, default="")
    company_profile = models.CharField(max_length=200, blank=True, default="")
    life_cycle_state = models.CharField(
        max_length=10, choices=LifeCycleState.choices, default=LifeCycleState.MARKETING
    )
    email = models.EmailField(blank=True, default="")
    phone = models.CharField(max_length=50, blank=True, default="")
    # Demographics (persons) and registration numbers (companies).
    gender = models.CharField(max_length=6, choices=Gender.choices, blank=True, default="")
    id_number = models.CharField(max_length=50, null=True, blank=True, db_index=True)
    passport_number = models.CharField(max_length=50, null=True, blank=True, db_index=True)
    passport_issued_by_country = nullable_fk(Country)
    social_security_number = models.CharField(max_length=50, null=True, blank=True, db_index=True)
    id_issued_by_country = nullable_fk(Country)
    industry = models.CharField(max_length=100, null=True, blank=True)
    industry_sector = models.CharField(max_length=100, null=True, blank=True)
    country_of_residence = nullable_fk(Country)
    name_day_month = models.PositiveSmallIntegerField(null=True, blank=True)
    name_day_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    vat_registration_number = models.CharField(max_length=50, null=True, blank=True, db_index=True)
    registration_number = models.CharField(max_length=50, null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name", "company_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type="PERSON") | ~models.Q(company_name=""),
                name="customers_contact_company_has_name",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """CRM.COM's display name: ``Last First`` for a person, the company name otherwise."""
        if self.type == self.Type.COMPANY:
            return self.company_name
        return " ".join(part for part in (self.last_name, self.first_name) if part)


class AccountsReceivable(Entity):
    """A customer's account; service requests and jobs are raised against one.

    The owner and the related contacts are the people who may call about the account and
    accept responses and resolutions on its behalf.
    """

    class LifeCycleState(models.TextChoices):
        ACTIVE = "ACTIVE"
        SUSPENDED = "SUSPENDED"
        TERMINATED = "TERMINATED"

    number = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    life_cycle_state = models.CharField(
        max_length=10, choices=LifeCycleState.choices, default=LifeCycleState.ACTIVE
    )
    owner = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="owned_accounts")
    related_contacts = models.ManyToManyField(Contact, blank=True, related_name="related_accounts")

    class Meta:
        verbose_name = "accounts receivable"
        verbose_name_plural = "accounts receivable"
        ordering = ["number"]

    def __str__(self):
        return self.number


class SubscriptionType(NamedEntity):
    """A kind of subscription (e.g. "London")."""


class Subscription(Entity):
    """A customer's subscription; deactivate-subscription jobs end it."""

    class LifeCycleState(models.TextChoices):
        EFFECTIVE = "EFFECTIVE"
        NOT_EFFECTIVE = "NOT_EFFECTIVE"
        CANCELLED = "CANCELLED"

    class RatingState(models.TextChoices):
        PENDING = "PENDING"
        COMPLETED = "COMPLETED"

    number = models.CharField(max_length=30, unique=True)
    accounts_receivable = models.ForeignKey(
        AccountsReceivable, on_delete=models.PROTECT, related_name="subscriptions"
    )
    type = models.ForeignKey(SubscriptionType, on_delete=models.PROTECT, related_name="+")
    life_cycle_state = models.CharField(
        max_length=15, choices=LifeCycleState.choices, default=LifeCycleState.EFFECTIVE
    )
    rating_state = models.CharField(
        max_length=10, choices=RatingState.choices, default=RatingState.PENDING
    )
    first_activated_date = models.DateTimeField(null=True, blank=True)
    deactivated_date = models.DateTimeField(null=True, blank=True)
    deactivated_by = nullable_fk("crm.User")

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.number
