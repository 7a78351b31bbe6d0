"""Reads of customers for the staff pages: an account or a contact with the people and
accounts its history page names."""

from __future__ import annotations

from django.db.models import Prefetch

from customers.models import AccountsReceivable, Contact

ACCOUNTS_BY_NUMBER = AccountsReceivable.objects.order_by("number")
NAME = ("last_name", "first_name", "company_name", "id")


def account_detail(*, number: str) -> AccountsReceivable | None:
    """The account with its owner and related contacts, or None."""
    return (
        AccountsReceivable.objects.select_related("owner")
        .prefetch_related(Prefetch("related_contacts", queryset=Contact.objects.order_by(*NAME)))
        .filter(number=number)
        .first()
    )


def contact_detail(*, contact_id: str) -> Contact | None:
    """The contact with the accounts it owns and those it is related to, or None."""
    return (
        Contact.objects.prefetch_related(
            Prefetch("owned_accounts", queryset=ACCOUNTS_BY_NUMBER),
            Prefetch("related_accounts", queryset=ACCOUNTS_BY_NUMBER),
        )
        .filter(pk=contact_id)
        .first()
    )
