"""Short objects of customers as CRM.COM embeds them (seed 004)."""

from crm.api.representation import Attr, Choice, Computed, Id, Nested, Representation, attrs
from customers.models import AccountsReceivable, Contact, Country, Subscription, SubscriptionType

ID = {"type": "string", "example": "C88FBE77E4504F3791C219A7DCE21843"}
INT_OR_NULL = {"type": "integer", "nullable": True}


class CountryRepr(Representation):
    model = Country
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "two_character_code", "three_character_code"),
    }


def _country(contact, attr):
    country = getattr(contact, attr)
    return None if country is None else CountryRepr.render(country)


def _demographics(contact, ctx) -> dict:
    return {
        "gender": contact.gender or None,
        "id_number": contact.id_number,
        "passport_number": contact.passport_number,
        "passport_issued_by_country": _country(contact, "passport_issued_by_country"),
        "social_security_number": contact.social_security_number,
        "id_issued_by_country": _country(contact, "id_issued_by_country"),
        "industry": contact.industry,
        "industry_sector": contact.industry_sector,
        "country_of_residence": _country(contact, "country_of_residence"),
        "name_day": {"month": contact.name_day_month, "day": contact.name_day_day},
        "date_of_birth": {
            "day": contact.birth_day,
            "month": contact.birth_month,
            "year": contact.birth_year,
        },
    }


COUNTRY_REF = {"allOf": [{"$ref": "#/components/schemas/Country"}], "nullable": True}
DEMOGRAPHICS_SCHEMA = {
    "type": "object",
    "properties": {
        "gender": {"type": "string", "nullable": True, "enum": ["MALE", "FEMALE", None]},
        "id_number": {"type": "string", "nullable": True},
        "passport_number": {"type": "string", "nullable": True},
        "passport_issued_by_country": COUNTRY_REF,
        "social_security_number": {"type": "string", "nullable": True},
        "id_issued_by_country": COUNTRY_REF,
        "industry": {"type": "string", "nullable": True},
        "industry_sector": {"type": "string", "nullable": True},
        "country_of_residence": COUNTRY_REF,
        "name_day": {
            "type": "object",
            "properties": {"month": INT_OR_NULL, "day": INT_OR_NULL},
        },
        "date_of_birth": {
            "type": "object",
            "properties": {"day": INT_OR_NULL, "month": INT_OR_NULL, "year": INT_OR_NULL},
        },
    },
}
_COUNTRIES = ["passport_issued_by_country", "id_issued_by_country", "country_of_residence"]


def _blank_as_null(attr: str):
    return Computed(lambda c, ctx: getattr(c, attr) or None, columns=[attr])


class ContactRepr(Representation):
    """Contact information, short form (an account owner, a caller, who accepted)."""

    model = Contact
    fields = {
        "id": Id(ID),
        "type": Choice("type", Contact.Type.values, nullable=False),
        "name": Computed(
            lambda c, ctx: c.name, columns=["type", "first_name", "last_name", "company_name"]
        ),
        "title": _blank_as_null("title"),
        "first_name": _blank_as_null("first_name"),
        "middle_name": _blank_as_null("middle_name"),
        "last_name": _blank_as_null("last_name"),
        "company_name": _blank_as_null("company_name"),
        "company_profile": _blank_as_null("company_profile"),
        "life_cycle_state": Choice("life_cycle_state", Contact.LifeCycleState.values),
        "demographics": Computed(
            _demographics,
            columns=[
                "gender",
                "id_number",
                "passport_number",
                "social_security_number",
                "industry",
                "industry_sector",
                "name_day_month",
                "name_day_day",
                "birth_day",
                "birth_month",
                "birth_year",
                *_COUNTRIES,
                *[f"{c}__{f}" for c in _COUNTRIES for f in CountryRepr.fields],
            ],
            select=_COUNTRIES,
            schema=DEMOGRAPHICS_SCHEMA,
            nested=[lambda: CountryRepr],
        ),
    }


class AccountsReceivableRepr(Representation):
    """Accounts receivable, short form, with its owner."""

    model = AccountsReceivable
    fields = {
        "id": Id(ID),
        **attrs("number", "name"),
        "life_cycle_state": Choice("life_cycle_state", AccountsReceivable.LifeCycleState.values),
        "account_owner": Nested("owner", ContactRepr, prefetch=True),
    }


class SubscriptionTypeRepr(Representation):
    model = SubscriptionType
    fields = {"id": Id(ID), **attrs("name", "description", "alternative_code")}


class SubscriptionRepr(Representation):
    """Subscription, short form, with its type and account."""

    model = Subscription
    fields = {
        "id": Id(ID),
        "number": Attr("number"),
        "life_cycle_state": Choice("life_cycle_state", Subscription.LifeCycleState.values),
        "first_activated_date": Attr("first_activated_date", schema={"type": "string"}),
        "rating_state": Choice("rating_state", Subscription.RatingState.values),
        "type": Nested("type", SubscriptionTypeRepr),
        "accounts_receivable": Nested("accounts_receivable", AccountsReceivableRepr, prefetch=True),
    }
