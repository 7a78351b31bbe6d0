"""The demo customers: contacts, accounts receivable, subscriptions."""

from __future__ import annotations

from crm.demo.base import local, upsert
from customers.models import AccountsReceivable, Contact, Country, Subscription, SubscriptionType


def _person(id: str, values: dict, country: Country) -> Contact:
    return upsert(
        Contact,
        {"id_number": values.pop("id_number"), "type": Contact.Type.PERSON},
        {
            **values,
            "country_of_residence": country,
            "gender": Contact.Gender.FEMALE,
            "life_cycle_state": Contact.LifeCycleState.FINANCIAL,
        },
        id=id,
    )


def load_customers() -> dict:
    cyprus = upsert(
        Country, {"two_character_code": "CY"}, {"name": "CYPRUS", "three_character_code": "CYP"}
    )
    anton = _person(
        "EE621BE231714DFE8CE370261BF6DB25",
        {
            "id_number": "8945612",
            "title": "Mrs",
            "first_name": "Marina",
            "middle_name": "N",
            "last_name": "Anton",
            "email": "m_antoniadou@crm.com",
            "phone": "99848484",
        },
        cyprus,
    )
    antoniadou = _person(
        "FA4A9EF8D7BD4D819B70E8CB1B8FA963",
        {
            "id_number": "2365485",
            "title": "Ms",
            "first_name": "Marina",
            "middle_name": "L",
            "last_name": "Antoniadou",
            "email": "m_antoniadou@crm.com",
            "phone": "99626262",
        },
        cyprus,
    )
    # A relative who may call about, and accept on behalf of, ACR001143.
    relative = _person(
        "0D0D6C1F6A4B4F1E9D2C3B4A59687766",
        {
            "id_number": "8945613",
            "title": "Mr",
            "first_name": "Andreas",
            "middle_name": "",
            "last_name": "Anton",
            "email": "a_anton@crm.com",
            "phone": "99848485",
        },
        cyprus,
    )
    acr1143 = upsert(
        AccountsReceivable,
        {"number": "ACR001143"},
        {"name": "ACR001143", "owner": anton},
        id="C88FBE77E4504F3791C219A7DCE21843",
    )
    acr1143.related_contacts.set([relative])
    acr1179 = upsert(
        AccountsReceivable,
        {"number": "ACR001179"},
        {"name": "ACR001179", "owner": antoniadou},
        id="1D48BF32F4164731AD5755B61838F1E5",
    )
    london = upsert(
        SubscriptionType,
        {"name": "London"},
        {"alternative_code": "LND", "description": "Subscription for London customers"},
        id="D433A85FB6CD4880A1BCEEB1E164EFA4",
    )
    effective = Subscription.LifeCycleState.EFFECTIVE
    upsert(
        Subscription,
        {"number": "S60993"},
        {
            "accounts_receivable": acr1143,
            "type": london,
            "life_cycle_state": effective,
            "first_activated_date": local("2016-06-27T17:09:29"),
            "deactivated_date": None,
            "deactivated_by": None,
        },
        id="1C921100E32646208E95B3B1263BC5F9",
    )
    upsert(
        Subscription,
        {"number": "S60992"},
        {
            "accounts_receivable": acr1179,
            "type": london,
            "life_cycle_state": effective,
            "first_activated_date": local("2016-06-27T12:54:14"),
            "deactivated_date": None,
            "deactivated_by": None,
        },
        id="B8DD89C675A743ABB798351C5BC6DE4E",
    )
    return {"london": london}


# -- products -----------------------------------------------------------------------------------
