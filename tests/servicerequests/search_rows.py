"""The requests the search tests look for (contract section 13), on top of the demo data.

Five requests, a day apart (r1 the oldest), so that "newest first" decides ties exactly:

- r1 COMPLETED, ACR001143, caller Marina Anton, m_antoniadou@crm.com / 99848484, "Decoder ..."
- r2 CANCELLED, ACR001179 (renamed "Antoniadou Household"), caller Marina Antoniadou,
  antoniadou.home@example.com / 99626262, "Invoice disputed ..."
- r3 PENDING, ACR001143, caller Andreas Anton, a_anton@crm.com / 99848485, "Router ..."
- r4 PENDING, ACR001143, restricted (privacy level 5: the agent may not see it), "Router ..."
- r5 PENDING, ACR001179, caller Marina Antoniadou, no e-mail or phone, a description naming
  r1's number and r2's phone.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from customers.models import AccountsReceivable, Contact
from servicerequests import models as sm
from tests.servicerequests.helpers import S, make_sr

ANTON = "EE621BE231714DFE8CE370261BF6DB25"
ANTONIADOU = "FA4A9EF8D7BD4D819B70E8CB1B8FA963"
RELATIVE = "0D0D6C1F6A4B4F1E9D2C3B4A59687766"


def search_rows(demo) -> dict[str, sm.ServiceRequest]:
    now = timezone.now()
    acr1143 = AccountsReceivable.objects.get(number="ACR001143")
    acr1179 = AccountsReceivable.objects.get(number="ACR001179")
    acr1179.name = "Antoniadou Household"
    acr1179.save(update_fields=["name"])
    contacts = {c.pk: c for c in Contact.objects.filter(pk__in=[ANTON, ANTONIADOU, RELATIVE])}

    def row(days_ago: int, state: str, account, caller: str, **values) -> sm.ServiceRequest:
        when = now - timedelta(days=days_ago)
        return make_sr(
            state,
            accounts_receivable=account,
            caller=contacts[caller],
            created_date=when,
            start_date=when,
            expected_completion_date=when + timedelta(days=3),
            **values,
        )

    r1 = row(
        5,
        S.COMPLETED,
        acr1143,
        ANTON,
        caller_email="m_antoniadou@crm.com",
        caller_phone="99848484",
        description="Decoder shows no signal\nSince Monday evening",
    )
    r2 = row(
        4,
        S.CANCELLED,
        acr1179,
        ANTONIADOU,
        caller_email="antoniadou.home@example.com",
        caller_phone="99626262",
        description="Invoice disputed for October",
    )
    r3 = row(
        3,
        S.PENDING,
        acr1143,
        RELATIVE,
        caller_email="a_anton@crm.com",
        caller_phone="99848485",
        description="Router reboots every night",
    )
    r4 = row(
        2,
        S.PENDING,
        acr1143,
        ANTON,
        privacy_level=demo["restricted"],
        description="Router replaced, confidential",
    )
    r5 = row(
        1,
        S.PENDING,
        acr1179,
        ANTONIADOU,
        description=f"Follow-up of {r1.number}: call back on 99626262",
    )
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5}


# query -> the rows the admin finds, in order (the agent: the same without r4). Each match's
# rank is in the comment: 0 number, 1 account number / e-mail / phone, 2 names, part of an
# account number and the beginning of an e-mail or phone, 3 description words.
EXPECTED = {
    "{r1}": ["r1", "r5"],  # r1: 0 (its number); r5: 3 (a word of its description), newer
    "{r4}": ["r4"],
    "ACR001143": ["r4", "r3", "r1"],  # 1
    "acr001179": ["r5", "r2"],  # 1, any case
    "household": ["r5", "r2"],  # 2: the account's name
    "Antoniadou": ["r5", "r2"],  # 2: the callers' surname (not r1: m_antoniadou@ is no name)
    "Anton": ["r5", "r4", "r3", "r2", "r1"],  # 2: part of every caller's surname
    "andreas anton": ["r3"],  # 2: every word in the caller's names
    "99626262": ["r2", "r5"],  # r2: 1 (phone); r5: 3 (description), though newer
    "996262": ["r2", "r5"],  # r2: 2 (the beginning of its phone); r5: 3 (a word's beginning)
    "626262": [],  # the middle of a phone is not a match: the beginning is
    "a_anton@": ["r3"],  # 2: the beginning of an e-mail
    "A_Anton@crm.com": ["r3"],  # 1: the e-mail, any case
    "router": ["r4", "r3"],  # 3
    "rout": ["r4", "r3"],  # 3: a word's beginning
    "decoder monday": ["r1"],  # 3: every word
    "  invoice  ": ["r2"],  # spaces around do not count
    "zzzz": [],
}
