"""What a job search matches, best first (contract section 13).

Read through ``jobs.selectors.job_search``, which the Web API (``jobs/search``) and the
staff pages' header search both call.

Ranks: 0 the job's number; 1 the account's or the subscription's number, the contact
e-mail or phone, as typed (any case); 2 every word in the account's name, part of an
account or subscription number, and the beginning of an e-mail or phone. The indexes behind
each are PostgreSQL's (trigram, and B-tree on the upper-cased e-mail and phone: see the
migrations ``customers.0002_search_indexes`` and
``jobs.0006_search_indexes``).
"""

from __future__ import annotations

from django.db.models import Q

from crm.search import Branch, any_of, each_word, ids_of, words_of
from customers.models import AccountsReceivable, Subscription


def branches(query: str) -> list[Branch]:
    """The ranked conditions for ``query`` (already cleaned: crm.search.clean_query);
    accounts and subscriptions are looked up first in their small tables (crm.search.ids_of)."""
    words = words_of(query)
    named = Q(number__icontains=query)
    if words:
        named |= each_word(words, ("name",))
    accounts = ids_of(AccountsReceivable.objects.filter(number__iexact=query))
    subscriptions = ids_of(Subscription.objects.filter(number__iexact=query))
    parts = ids_of(Subscription.objects.filter(number__icontains=query))
    return [
        Branch(0, Q(number=query.upper())),
        Branch(1, Q(accounts_receivable__in=accounts)),
        Branch(1, Q(subscription__in=subscriptions)),
        Branch(1, Q(contact_email__iexact=query) | Q(contact_phone__iexact=query)),
        # The beginning, not any part: an index range (see servicerequests.search).
        Branch(2, Q(contact_email__istartswith=query) | Q(contact_phone__istartswith=query)),
        Branch(2, Q(subscription__in=parts)),
        Branch(2, Q(accounts_receivable__in=ids_of(AccountsReceivable.objects.filter(named)))),
    ]


def matches(query: str) -> Q:
    """Matching ``query`` at all (the queues' ``q`` filter): the same conditions, unranked."""
    return any_of(branches(query))
