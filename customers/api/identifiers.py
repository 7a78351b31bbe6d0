"""Identifier kinds of customers: accounts receivable, contacts, subscriptions."""

from django.db.models import Q

from crm.api.identifiers import IdentifierKind, register
from customers.models import AccountsReceivable, Contact, Subscription

PERSON = Contact.Type.PERSON
COMPANY = Contact.Type.COMPANY


def _person(field: str):
    return lambda value: Q(type=PERSON, **{field: value})


def _company(field: str):
    return lambda value: Q(type=COMPANY, **{field: value})


register(
    IdentifierKind(
        "accounts_receivable",
        "accounts receivable",
        {"id": "id", "number": "number", "name": "name"},
        queryset=lambda ctx: AccountsReceivable.objects.select_related("owner"),
    )
)
register(
    IdentifierKind(
        "contact_information",
        "contact information",
        {
            "id": "id",
            "id_number": _person("id_number"),
            "passport_number": _person("passport_number"),
            "social_security_number": _person("social_security_number"),
            "vat_registration_number": _company("vat_registration_number"),
            "registration_number": _company("registration_number"),
        },
        queryset=lambda ctx: Contact.objects.all(),
    )
)
register(
    IdentifierKind(
        "subscription",
        "subscription",
        {"id": "id", "number": "number"},
        queryset=lambda ctx: Subscription.objects.select_related("accounts_receivable"),
    )
)
